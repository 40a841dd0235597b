/**
 * receive_buf for the used entry at last_used_idx: the short-packet test,
 * page_to_skb for the first buffer, then receive_mergeable for the next
 * num_buffers − 1 used entries, with each version's frag limit, truesize
 * charge, coalescing and error path (kernel-facts §3.4; v3.13.10 and v3.14
 * read; the seed's build_skb patch for page_to_skb). A buffer in the middle
 * of a packet (left on the ring by an undrained error) is parsed like any
 * other: its first 12 bytes of payload are read as the header, so its
 * num_buffers is whatever those bytes hold (the event says which value).
 */
import {
  MIN_RX_LEN,
  NSKB_TRUESIZE,
  SKB_STRUCT_SIZE,
  VNET_HDR_MRG_LEN,
  buildSkbSize,
  buildSkbTruesize,
  ewmaAdd,
  headSkbTruesize,
  u16,
  u16Distance,
} from './kernel.js';
import type { Ctx, Entry, HeldBuf } from './context.js';
import { putPage, type Draft, type Env } from './driver-ops.js';

/** Which allocation the environment makes fail while receiving this packet. */
export type AllocFailure = 'none' | 'head' | 'nskb';

/** virtqueue_get_buf's "is there a used entry?" test, as each variant writes it. */
export function moreUsed(c: Ctx, env: Env): boolean {
  if (env.b.moreUsed === 'less-than') return c.lastUsed < c.used;
  return c.lastUsed !== c.used;
}

/** What the driver finds at last_used_idx when more_used says there is something. */
export type Found = 'nothing' | 'stale' | 'short' | 'head' | 'mid-packet';

export function found(c: Ctx, env: Env): Found {
  if (!moreUsed(c, env)) return 'nothing';
  const pending = u16Distance(c.lastUsed, c.used);
  // A slot the device has not written (the driver passed used->idx): read as if it had been.
  if (pending === 0 || pending > c.ring.length) return 'stale';
  if (c.ring[0].len < MIN_RX_LEN) return 'short';
  return c.ring[0].nb > 0 ? 'head' : 'mid-packet';
}

/** Used entries from last_used_idx to used->idx, as far as the ring holds them. */
function pendingUsed(d: Draft): number {
  return Math.min(u16Distance(d.lastUsed, d.used), d.ring.length);
}

function advance(env: Env, idx: number, n: number): number {
  return env.b.moreUsed === 'wide-shadow' ? idx + n : u16(idx + n);
}

/** The truesize receive_mergeable charges for one buffer. */
export function charge(env: Env, e: Entry): number {
  switch (env.b.truesize) {
    case 'page-size':
      return env.p.pageSize;
    case 'max-packet-len':
      return env.p.goodPacketLen;
    case 'posted':
      return e.ts;
    case 'max-len-posted':
      return Math.max(e.len, e.ts);
  }
}

/**
 * Receives at last_used_idx. `garbage` is the num_buffers the driver reads
 * from a mid-packet buffer. Returns false when the requested failure does
 * not apply to this packet (no frag_list skb is allocated), so the event
 * changes nothing.
 */
export function receivePacket(d: Draft, env: Env, fail: AllocFailure, garbage = 0): boolean {
  const { b, p } = env;
  const pending = pendingUsed(d);
  let consumed = 0;
  const take = (): Entry => {
    consumed++;
    return d.ring.shift()!;
  };
  const finish = () => {
    d.lastUsed = advance(env, d.lastUsed, consumed);
  };
  if (pending === 0 || u16Distance(d.lastUsed, d.used) > d.ring.length) {
    // A stale slot of the used ring read as if the device had written it.
    d.lastUsed = advance(env, d.lastUsed, 1);
    return true;
  }
  // ≤3.12 gives whole pages back to rq->pages; page frags are put_page'd.
  const release = (e: Entry) => (b.buffers === 'page' ? d.pool.unshift(e.p) : putPage(d, e.p));
  const head = take();
  if (head.len < MIN_RX_LEN) {
    // receive_buf: "short packet", rx_length_errors, the buffer released.
    release(head);
    finish();
    return true;
  }
  // num_buffers as read from the buffer's bytes 10–11: an int, so 0 makes `while (--num_buf)`
  // run until the used entries run out. `more` is the loop's test, as each variant writes it.
  let numBuf = head.nb > 0 ? head.nb : garbage;
  const more = () => (b.numBufLoop === 'pre-decrement' ? --numBuf !== 0 : numBuf-- !== 0);
  let garbled = head.nb === 0;
  // err_skb: put_page on the rest of the packet (`while (--num_buf)`) while used entries last.
  const drain = () => {
    while (--numBuf !== 0 && consumed < pending) putPage(d, take().p);
  };

  const headData = head.len - VNET_HDR_MRG_LEN;
  const skbSize = buildSkbSize(head.len);
  const useBuildSkb = b.buildSkb && headData > p.goodCopyLen && skbSize <= p.pageSize;
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
  while (more()) {
    if (b.pastMaxFrags === 'drop' && frags[cur] >= p.maxSkbFrags) {
      // ≤3.12: "packet too long", rx_length_errors, -EINVAL; receive_buf frees the skb and returns.
      dropSkb();
      if (b.drainOnError) drain();
      finish();
      return fail !== 'nskb';
    }
    if (consumed >= pending) {
      // "rx error: %d buffers missing": rx_length_errors (and rx_dropped from 3.13); the skb is freed.
      dropSkb();
      finish();
      return fail !== 'nskb';
    }
    const e = take();
    if (e.nb > 0) garbled = true;
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
    held += e.sz;
    const last = bufs[bufs.length - 1];
    if (b.coalesce && frags[cur] > 0 && last && last.p === e.p && last.end === e.o) {
      if (b.coalesceCharges) truesize += charge(env, e);
      putPage(d, e.p);
      bufs.push({ p: e.p, o: e.o, end: e.o + e.len, ref: 0 });
    } else {
      truesize += charge(env, e);
      frags[cur]++;
      bufs.push({ p: e.p, o: e.o, end: e.o + e.len, ref: 1 });
    }
  }
  if (fail === 'nskb' && !nskbTried) return false;
  if (b.bufLen === 'ewma') d.ewma = ewmaAdd(d.ewma, len);
  d.sock.push({ len, truesize, held, frags, bufs, garbled });
  finish();
  return true;
}
