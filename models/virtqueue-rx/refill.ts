/**
 * Posting receive buffers: add_recvbuf_mergeable of each version inside
 * try_fill_recv, and the refill decision at the end of virtnet_poll
 * (kernel-facts §3.3 and §3.4 item 6).
 */
import { mergeableBufLen, u16 } from './kernel.js';
import type { Ctx } from './context.js';
import { allocPage, getPage, putPage, type Draft, type Env } from './driver-ops.js';

/** The length add_recvbuf_mergeable asks for, before any hole is added. */
export function postLength(env: Env, ewma: number): number {
  const { p } = env;
  switch (env.b.bufLen) {
    case 'page':
      return p.pageSize;
    case 'max-packet-len':
      return p.goodPacketLen;
    case 'merge-buffer-len':
      return p.mergeBufferLen;
    case 'ewma':
      return mergeableBufLen(p, ewma);
  }
}

/**
 * skb_page_frag_refill(len, &rq->alloc_frag): reuse the current page from
 * offset 0 when the allocator holds its only reference, keep carving while
 * the piece fits, else drop the allocator's reference and take a new page.
 */
function pageFragRefill(d: Draft, env: Env, len: number): void {
  if (d.frag) {
    if (d.pages[d.frag.p] === 1) {
      d.frag.o = 0;
      return;
    }
    if (d.frag.o + len <= env.p.pageFragSize) return;
    putPage(d, d.frag.p);
    d.frag = null;
  }
  d.frag = { p: allocPage(d), o: 0 };
}

/** add_recvbuf_mergeable: one buffer on the available ring (allocation assumed to succeed). */
function addRecvbuf(d: Draft, env: Env): void {
  let entry;
  if (env.b.buffers === 'page') {
    // get_a_page: the most recently given-back page of rq->pages, else alloc_page.
    const p = d.pool.length > 0 ? d.pool.shift()! : allocPage(d);
    entry = { p, o: 0, sz: env.p.pageSize, ts: env.p.pageSize, len: 0, nb: 0 };
  } else {
    const len = postLength(env, d.ewma);
    pageFragRefill(d, env, len);
    const f = d.frag!;
    const o = f.o;
    getPage(d, f.p);
    let sz = len;
    // The seeded bug leaves alloc_frag.offset where it was: the next buffer is this piece again.
    if (env.b.fragOffsetAdvances) {
      f.o += len;
      const hole = env.p.pageFragSize - f.o;
      if (env.b.holeToLastBuffer && hole < len) {
        // "add the remaining space to the current buffer"; not included in the truesize hint.
        sz += hole;
        f.o += hole;
      }
    }
    entry = { p: f.p, o, sz, ts: len, len: 0, nb: 0 };
  }
  d.ring.push(entry);
  d.avail = u16(d.avail + 1);
}

/**
 * try_fill_recv: post until num_free is 0, or until the allocation after
 * `limit` successful ones fails (then the caller records the failure).
 */
export function fillRing(d: Draft, env: Env, limit = Infinity): void {
  let posted = 0;
  while (d.ring.length < env.p.ringSize && posted < limit) {
    addRecvbuf(d, env);
    posted++;
  }
  if (d.ring.length > d.max) d.max = d.ring.length;
}

/** Whether virtnet_poll calls try_fill_recv after its receive loop. */
export function refillDue(c: Ctx, env: Env): boolean {
  if (env.b.refillThreshold === 'num-below-half-max') return c.ring.length < Math.floor(c.max / 2);
  return env.p.ringSize - c.ring.length > env.p.ringSize / 2;
}
