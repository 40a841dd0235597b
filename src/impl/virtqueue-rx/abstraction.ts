/**
 * The abstraction function: what the machine's context says about a real
 * receive queue, read from ring memory (indices, used lengths, and each
 * packet's num_buffers from the header bytes the device wrote), page counts,
 * the driver's lists and each skb's shared info and bytes, then named
 * canonically as the machine names pages.
 */
import { canonical, type Ctx, type Entry, type Skb } from '../../../models/virtqueue-rx/context.js';
import type { VirtnetRx, NapiState } from './virtnet.js';
import { NUM_BUFFERS_AT } from './sizes.js';

export interface Abstract {
  readonly value: NapiState;
  /** The machine's context without the harness's budgets (left, oom) and the model's ghost (deferred). */
  readonly context: Omit<Ctx, 'left' | 'oom' | 'deferred'>;
}

const distance = (from: number, to: number) => (to - from) & 0xffff;

/**
 * `isSentFrame` says whether bytes are exactly a frame the device wrote (the
 * byte oracle): an skb that is not is garbled (payload read as a header, or
 * two packets in one).
 */
export function abstractRx(rx: VirtnetRx, isSentFrame: (bytes: Uint8Array) => boolean): Abstract {
  const r = rx.ring;
  const mask = r.num - 1;
  const lastUsed = rx.vq.lastUsedIdx;
  const used = r.usedIdx;
  const avail = r.availIdx;
  const ring: Entry[] = [];
  const consumedAhead = distance(lastUsed, used);
  const posted = distance(lastUsed, avail);
  for (let k = 0; k < Math.min(posted, r.num); k++) {
    const idx = (lastUsed + k) & 0xffff;
    const isUsed = k < consumedAhead;
    const id = isUsed ? r.usedId(idx & mask) : r.availRing(idx & mask);
    const t = rx.vq.tokenOf(id);
    if (!t) break;
    // num_buffers as the device wrote it into the packet's first buffer.
    const nb = isUsed && rx.device.heads.has(idx) ? new DataView(rx.mem.bytes(t.page).buffer).getUint16(t.offset + NUM_BUFFERS_AT, true) : 0;
    ring.push({ p: t.page, o: t.offset, sz: t.size, ts: t.ts, len: isUsed ? r.usedLen(idx & mask) : 0, nb });
  }
  const sock: Skb[] = rx.sock.map((s) => ({
    len: s.len,
    truesize: s.truesize,
    held: s.held,
    frags: rx.skbs.chain(s).map((x) => x.shinfo.nrFrags),
    bufs: s.bufs.map((b) => ({ ...b })),
    garbled: !isSentFrame(rx.skbs.linearize(s)),
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
    deferred: false,
    left: 0,
    oom: 0,
  };
  const { left: _l, oom: _o, deferred: _d, ...context } = canonical(ctx);
  return { value: rx.napi, context };
}

/** The machine side of the same comparison. */
export function projectMachine(value: unknown, ctx: Ctx): Abstract {
  const { left: _l, oom: _o, deferred: _d, ...context } = ctx;
  return { value: value as NapiState, context };
}
