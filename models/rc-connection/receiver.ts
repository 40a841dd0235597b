/**
 * The receiving host: ipoib_cm_handle_rx_wc on the shared receive queue
 * (ipoib_cm.c@5b095d98, kernel-facts §1.4). A small packet (byte_len <
 * IPOIB_CM_COPYBREAK) is copied out of the buffer's linear head into a new
 * small skb and the original buffer is reposted unchanged, in one step. Any
 * other packet needs a replacement buffer (a new head skb and pages, DMA
 * mapped) before its slot can be reposted: that is a separate step, and the
 * buffer stays off the SRQ until it happens. A failed replacement drops
 * the packet (rx_dropped) and reposts the old buffer. All three paths end
 * at the kernel's shared `repost:` label, where ib_post_srq_recv may fail:
 * ipoib_cm_post_receive_srq then frees the buffer and nothing replaces it.
 */
import type { RcBehaviour } from './behaviour.js';
import { endMessage, type Draft, type RxCqe } from './state.js';

/** netif_receive_skb of the bytes in `buf` for the completion of message `id`: the application gets what the buffer holds. */
function deliver(d: Draft, buf: number, id: number): void {
  d.rxPackets += 1;
  const payload = d.bufData[buf];
  // The application receives whichever message's bytes the buffer holds; if
  // that is not `id`, message `id` is lost and `payload` arrives a second time.
  endMessage(d, payload >= 0 ? payload : id, 'd');
}

function clearBuf(d: Draft, buf: number): void {
  d.bufData = d.bufData.map((x, j) => (j === buf ? -1 : x));
}

/** The `repost:` label: ipoib_cm_post_receive_srq puts the buffer back on the SRQ, or fails and frees it for good. */
function repost(d: Draft, buf: number, fails: boolean): void {
  if (fails) d.lost += 1; // skb freed, srq_ring[id].skb = NULL, nothing retries
  else d.srq = [...d.srq, buf];
}

export type RxLen = 'small' | 'large';

/** Poll one receive completion. Returns which path the packet takes. */
export function handleRxWc(d: Draft, len: RxLen, skbNomem: boolean, postFails: boolean, b: RcBehaviour): 'copied' | 'copying' | 'replacing' {
  const [cqe, ...rest] = d.rxCq as RxCqe[];
  d.rxCq = rest;
  const small = len === 'small';
  if (small && b.copybreak && !skbNomem) {
    if (b.repostBeforeCopy) {
      repost(d, cqe.buf, false); // the buffer is the HCA's again, but its bytes are still to be copied
      d.rx = { ...cqe, small, skbNomem };
      return 'copying';
    }
    deliver(d, cqe.buf, cqe.id); // dev_alloc_skb(len + 12), sync, skb_copy_from_linear_data, sync back
    clearBuf(d, cqe.buf);
    repost(d, cqe.buf, postFails);
    d.copybreakTaken = true;
    return 'copied';
  }
  d.rx = { ...cqe, small, skbNomem };
  return 'replacing';
}

/** The bug's deferred copy: skb_copy_from_linear_data out of a buffer already reposted. */
export function copyAfterRepost(d: Draft): void {
  const rx = d.rx!;
  deliver(d, rx.buf, rx.id);
  // Unless the HCA has refilled it, the posted buffer's stale bytes are of no further interest.
  if (!d.rxCq.some((q) => q.buf === rx.buf)) clearBuf(d, rx.buf);
  d.copybreakTaken = true;
  d.rx = null;
}

/** ipoib_cm_alloc_rx_skb succeeded: the old skb goes up the stack, the new buffer is posted in its slot. */
export function refill(d: Draft, postFails: boolean): void {
  const rx = d.rx!;
  deliver(d, rx.buf, rx.id);
  clearBuf(d, rx.buf);
  repost(d, rx.buf, postFails);
  d.rx = null;
}

/** ipoib_cm_alloc_rx_skb failed: rx_dropped++, the packet is lost, the old buffer is reposted. */
export function allocFail(d: Draft, postFails: boolean): void {
  const rx = d.rx!;
  d.rxDropped += 1;
  endMessage(d, rx.id, 'r');
  clearBuf(d, rx.buf);
  repost(d, rx.buf, postFails);
  d.rx = null;
}
