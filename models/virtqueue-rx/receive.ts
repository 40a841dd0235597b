/**
 * receive_buf for one packet: page_to_skb for the head buffer, then
 * receive_mergeable for the next num_buffers − 1 used entries, with each
 * version's frag limit, truesize charge, coalescing and error path
 * (kernel-facts §3.4; the seed's build_skb patch for page_to_skb).
 */
import {
  NSKB_TRUESIZE,
  PAGE_SIZE,
  GOOD_PACKET_LEN,
  SKB_STRUCT_SIZE,
  VNET_HDR_MRG_LEN,
  buildSkbSize,
  buildSkbTruesize,
  ewmaAdd,
  headSkbTruesize,
  u16,
  u16Distance,
} from './kernel.js';
import type { Ctx, Entry, HeldBuf, Skb } from './context.js';
import { putPage, type Draft, type Env } from './driver-ops.js';

/** Which allocation the environment makes fail while receiving this packet. */
export type AllocFailure = 'none' | 'head' | 'nskb';

/** virtqueue_get_buf's "is there a used entry?" test, as each variant writes it. */
export function moreUsed(c: Ctx, env: Env): boolean {
  if (env.b.moreUsed === 'less-than') return c.lastUsed < c.used;
  return c.lastUsed !== c.used;
}

/** The driver may run receive_buf: it sees a used entry (a real one that heads a packet, or a stale slot). */
export function receivable(c: Ctx, env: Env): boolean {
  if (!moreUsed(c, env)) return false;
  const pending = u16Distance(c.lastUsed, c.used);
  return pending === 0 || pending > c.ring.length || c.ring[0].nb > 0;
}

function advance(env: Env, idx: number, n: number): number {
  return env.b.moreUsed === 'wide-shadow' ? idx + n : u16(idx + n);
}

/** The truesize receive_mergeable charges for one buffer. */
export function charge(env: Env, e: Entry): number {
  switch (env.b.truesize) {
    case 'page-size':
      return PAGE_SIZE;
    case 'max-packet-len':
      return GOOD_PACKET_LEN;
    case 'max-len-posted':
      return Math.max(e.len, e.ts);
  }
}

/** kfree_skb: put_page on every page reference the skb (and its frag_list) holds. */
export function freeSkb(d: Draft, skb: Skb): void {
  for (const b of skb.bufs) if (b.ref === 1) putPage(d, b.p);
}

/**
 * Receives the packet at last_used_idx. Returns false when the requested
 * failure does not apply to this packet (no frag_list skb is allocated), so
 * the event changes nothing.
 */
export function receivePacket(d: Draft, env: Env, fail: AllocFailure): boolean {
  const { b, p } = env;
  const pending = u16Distance(d.lastUsed, d.used);
  if (pending === 0 || pending > d.ring.length) {
    // A stale slot of the used ring read as if the device had written it.
    d.lastUsed = advance(env, d.lastUsed, 1);
    return true;
  }
  const num = d.ring[0].nb;
  let consumed = 0;
  const take = (): Entry => {
    consumed++;
    return d.ring.shift()!;
  };
  // ≤3.12 gives whole pages back to rq->pages; page frags are put_page'd.
  const release = (e: Entry) => (b.buffers === 'page' ? d.pool.unshift(e.p) : putPage(d, e.p));
  const drain = () => {
    while (consumed < num) putPage(d, take().p);
  };
  const finish = () => {
    d.lastUsed = advance(env, d.lastUsed, consumed);
  };

  const head = take();
  const headData = head.len - VNET_HDR_MRG_LEN;
  const skbSize = buildSkbSize(head.len);
  const useBuildSkb = b.buildSkb && headData > p.goodCopyLen && skbSize <= PAGE_SIZE;
  if (fail === 'head') {
    // page_to_skb (or build_skb) returned NULL: rx_dropped.
    if (b.drainOnError) {
      putPage(d, head.p);
      drain();
    } else {
      release(head);
    }
    finish();
    return true;
  }

  const frags = [0];
  const bufs: HeldBuf[] = [];
  let len: number;
  let truesize: number;
  let held: number;
  if (useBuildSkb) {
    len = headData;
    truesize = buildSkbTruesize(skbSize);
    held = SKB_STRUCT_SIZE + head.sz;
    bufs.push({ p: head.p, o: head.o, end: head.o + head.len, ref: 1 });
    if (b.givePageAfterBuildSkb) d.pool.unshift(head.p);
  } else {
    const copy = Math.min(headData, p.goodCopyLen);
    const rest = headData - copy;
    len = copy;
    truesize = held = headSkbTruesize(p.goodCopyLen);
    if (rest > 0) {
      frags[0] = 1;
      len += rest;
      truesize += charge(env, head);
      held += head.sz;
      bufs.push({ p: head.p, o: head.o, end: head.o + head.len, ref: 1 });
    } else {
      release(head);
    }
  }

  let cur = 0;
  let nskbTried = false;
  const dropSkb = () => {
    for (const x of bufs) if (x.ref === 1) putPage(d, x.p);
  };
  while (consumed < num) {
    if (b.pastMaxFrags === 'drop' && frags[cur] >= p.maxSkbFrags) {
      // v3.12: "packet too long", rx_length_errors, -EINVAL; receive_buf frees the skb.
      dropSkb();
      if (b.drainOnError) drain();
      finish();
      return fail === 'none';
    }
    const e = take();
    if (b.pastMaxFrags === 'frag-list' && frags[cur] === p.maxSkbFrags) {
      nskbTried = true;
      if (fail === 'nskb') {
        if (b.drainOnError) {
          putPage(d, e.p);
          drain();
        }
        // 2613af0e: the fetched buffer is neither attached nor put: its reference is lost.
        dropSkb();
        finish();
        return true;
      }
      frags.push(0);
      cur++;
      truesize += NSKB_TRUESIZE;
      held += NSKB_TRUESIZE;
    }
    len += e.len;
    truesize += charge(env, e);
    held += e.sz;
    const last = bufs[bufs.length - 1];
    if (b.coalesce && frags[cur] > 0 && last && last.p === e.p && last.end === e.o) {
      putPage(d, e.p);
      bufs.push({ p: e.p, o: e.o, end: e.o + e.len, ref: 0 });
    } else {
      frags[cur]++;
      bufs.push({ p: e.p, o: e.o, end: e.o + e.len, ref: 1 });
    }
  }
  if (fail === 'nskb' && !nskbTried) return false;
  if (b.bufLen === 'ewma') d.ewma = ewmaAdd(d.ewma, len);
  d.sock.push({ len, truesize, held, frags, bufs });
  finish();
  return true;
}
