/**
 * The abstraction function: what the machine's context says about a real
 * receive queue, read from ring memory, page counts, the driver's lists and
 * each skb's shared info, then named canonically as the machine names pages.
 */
import { canonical, type Ctx, type Entry, type Skb } from '../../../models/virtqueue-rx/context.js';
import { u16Distance } from '../../../models/virtqueue-rx/kernel.js';
import type { VirtnetRx, NapiState } from './virtnet.js';

export interface Abstract {
  readonly value: NapiState;
  /** The machine's context without the harness's budgets (left, oom). */
  readonly context: Omit<Ctx, 'left' | 'oom'>;
}

export function abstractRx(rx: VirtnetRx): Abstract {
  const r = rx.ring;
  const mask = r.num - 1;
  const lastUsed = rx.vq.lastUsedIdx;
  const used = r.usedIdx;
  const avail = r.availIdx;
  const ring: Entry[] = [];
  const consumedAhead = u16Distance(lastUsed, used);
  const posted = u16Distance(lastUsed, avail);
  for (let k = 0; k < Math.min(posted, r.num); k++) {
    const idx = (lastUsed + k) & 0xffff;
    const isUsed = k < consumedAhead;
    const id = isUsed ? r.usedId(idx & mask) : r.availRing(idx & mask);
    const t = rx.vq.tokenOf(id);
    if (!t) break;
    ring.push({
      p: t.page,
      o: t.offset,
      sz: t.size,
      ts: t.ts,
      len: isUsed ? r.usedLen(idx & mask) : 0,
      nb: isUsed ? (rx.device.heads.get(idx) ?? 0) : 0,
    });
  }
  const sock: Skb[] = rx.sock.map((s) => ({
    len: s.len,
    truesize: s.truesize,
    held: s.held,
    frags: rx.skbs.chain(s).map((x) => x.shinfo.nrFrags),
    bufs: s.bufs.map((b) => ({ ...b })),
  }));
  // Page ids of the implementation are allocation serial numbers; index them densely first.
  const live = rx.mem.live().sort((a, b) => a[0] - b[0]);
  const dense = new Map(live.map(([id], i) => [id, i]));
  const d = (id: number) => dense.get(id) ?? -1 - id;
  const ctx: Ctx = {
    avail,
    used,
    lastUsed,
    ring: ring.map((e) => ({ ...e, p: d(e.p) })),
    max: rx.supply.max,
    sock: sock.map((s) => ({ ...s, bufs: s.bufs.map((b) => ({ ...b, p: d(b.p) })) })),
    pool: rx.supply.pool.map(d),
    frag: rx.supply.frag ? { p: d(rx.supply.frag.page), o: rx.supply.frag.offset } : null,
    pages: live.map(([, n]) => n),
    ewma: rx.supply.ewma,
    refill: rx.refill,
    left: 0,
    oom: 0,
  };
  const { left: _l, oom: _o, ...context } = canonical(ctx);
  return { value: rx.napi, context };
}

/** The machine side of the same comparison. */
export function projectMachine(value: unknown, ctx: Ctx): Abstract {
  const { left: _l, oom: _o, ...context } = ctx;
  return { value: value as NapiState, context };
}
