/**
 * Writes into the user buffer and the DMA channel, on a draft context.
 *
 * The CPU writes through the application's mapping (copy_to_user): if the
 * page is copy-on-write after a fork, the write faults and do_wp_page gives
 * the reader a fresh frame holding what the old one held at that moment.
 * The engine writes the frame pinned by get_user_pages at the decision: if
 * the mapping has moved, its bytes land where the application never looks
 * (kernel-facts 4.4). Cookies complete in submission order, once issued
 * (dma_async_is_complete: done iff cookie <= last_complete, non-wrapped).
 */
import type { Cookie, TcpDmaContext } from '../context.js';
import { pageOf } from '../context.js';

/** A shallow copy whose arrays may be mutated; array elements are never mutated in place. */
export function draft(c: TcpDmaContext): TcpDmaContext {
  return {
    ...c,
    queue: [...c.queue],
    backlog: [...c.backlog],
    prequeue: [...c.prequeue],
    asyncWait: [...c.asyncWait],
    cookies: [...c.cookies],
    ubuf: [...c.ubuf],
    remapped: [...c.remapped],
  };
}

export const slot = (offset: number, how: 'cpu' | 'dma-pending' | 'dma' | 'lost'): string => `${offset}:${how}`;

export function slotOffset(s: string): number {
  return Number(s.slice(0, s.indexOf(':')));
}

export function slotHow(s: string): string {
  return s.slice(s.indexOf(':') + 1);
}

/** do_wp_page for the reader: the page gets a fresh frame; DMA still aimed at the old frame is lost to the application. */
function copyOnWrite(c: TcpDmaContext, page: number): void {
  c.remapped[page] = true;
  for (let i = 0; i < c.ubuf.length; i++) {
    if (pageOf(i) === page && slotHow(c.ubuf[i]) === 'dma-pending') c.ubuf[i] = slot(slotOffset(c.ubuf[i]), 'lost');
  }
}

/** copy_to_user of stream offsets [offset, offset+n) at the iovec position. */
export function cpuWrite(c: TcpDmaContext, offset: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const at = c.pos + i;
    if (at >= c.ubuf.length) {
      c.overrun++;
      continue;
    }
    const page = pageOf(at);
    if (c.forked && !c.remapped[page]) copyOnWrite(c, page);
    c.ubuf[at] = slot(offset + i, 'cpu');
  }
  c.pos += n;
}

/** Hands every pending descriptor to the hardware (dma_async_memcpy_issue_pending). */
export function issueAll(c: TcpDmaContext): void {
  if (c.cookies.some((k) => !k.issued)) c.cookies = c.cookies.map((k) => (k.issued ? k : { ...k, issued: true }));
}

/**
 * dma_skb_copy_datagram_iovec: one descriptor into the pinned frames,
 * returning a cookie. ioat2_update_pending issues once more than
 * `pendingLevel` descriptors wait.
 */
export function dmaWrite(
  c: TcpDmaContext,
  offset: number,
  n: number,
  skb: number,
  path: Cookie['path'],
  verified: boolean,
  pendingLevel: number,
): void {
  for (let i = 0; i < n; i++) {
    const at = c.pos + i;
    if (at >= c.ubuf.length) {
      c.overrun++;
      continue;
    }
    c.ubuf[at] = slot(offset + i, c.remapped[pageOf(at)] ? 'lost' : 'dma-pending');
  }
  c.cookies.push({ id: c.nextCookie, skb, at: c.pos, n, issued: false, path, verified });
  c.nextCookie++;
  c.pos += n;
  if (c.cookies.filter((k) => !k.issued).length > pendingLevel) issueAll(c);
}

/** The channel finishes the oldest cookie; its bytes are now in the frame it was aimed at. */
export function completeHead(c: TcpDmaContext): void {
  const head = c.cookies.shift();
  if (!head) return;
  for (let i = head.at; i < Math.min(head.at + head.n, c.ubuf.length); i++) {
    if (slotHow(c.ubuf[i]) === 'dma-pending') c.ubuf[i] = slot(slotOffset(c.ubuf[i]), 'dma');
  }
}

/**
 * tcp_service_net_dma(sk, false): issue, then free the skbs at the head of
 * sk_async_wait_queue whose copies completed (no outstanding cookie reads them).
 */
export function reapCompleted(c: TcpDmaContext): void {
  issueAll(c);
  let n = 0;
  while (n < c.asyncWait.length && !c.cookies.some((k) => k.skb === c.asyncWait[n].seq)) n++;
  if (n > 0) c.asyncWait = c.asyncWait.slice(n);
}

/** tcp_service_net_dma(sk, true): issue, wait for the last cookie, purge sk_async_wait_queue. */
export function drain(c: TcpDmaContext): void {
  issueAll(c);
  while (c.cookies.length > 0) completeHead(c);
  c.asyncWait = [];
}
