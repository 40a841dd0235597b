/**
 * The behaviour switches a variant sets: each is one decision that differs
 * between the kernel versions (or a seeded bug) of drivers/net/virtio_net.c.
 */
export interface Behaviour {
  /** Where receive buffers come from: whole pages (≤3.12: get_a_page / rq->pages) or pieces carved by the page-frag allocator (≥2613af0e). */
  readonly buffers: 'page' | 'frag';
  /** Buffer length posted: PAGE_SIZE (≤3.12), MAX_PACKET_LEN 1518 (2613af0e), MERGE_BUFFER_LEN 1536 (3.13), or the EWMA of packet lengths (3.14). */
  readonly bufLen: 'page' | 'max-packet-len' | 'merge-buffer-len' | 'ewma';
  /** 3.13 final and later: a tail of the frag page too small for another buffer is added to the current buffer. */
  readonly holeToLastBuffer: boolean;
  /** truesize charged per buffer: PAGE_SIZE (≤3.12), MAX_PACKET_LEN (2613af0e), max(len, posted length without the hole) (3.13, 3.14). */
  readonly truesize: 'page-size' | 'max-packet-len' | 'max-len-posted';
  /** 3.13 final and later: a buffer contiguous with the previous frag in the same page is coalesced into it (skb_coalesce_rx_frag). */
  readonly coalesce: boolean;
  /** What receive_mergeable does when the current skb already has MAX_SKB_FRAGS frags. */
  readonly pastMaxFrags: 'drop' | 'frag-list' | 'append';
  /** 3.13 final err_skb: an error drains (and frees) the packet's remaining buffers. */
  readonly drainOnError: boolean;
  /** The seed's alternative: build_skb on the page for medium packets (len > GOOD_COPY_LEN and skb_size ≤ PAGE_SIZE). */
  readonly buildSkb: boolean;
  /** Seeded bug: `if (page)` instead of `if (page && !frag)`: the page that build_skb made the head goes back to rq->pages too. */
  readonly givePageAfterBuildSkb: boolean;
  /** When virtnet_poll refills: rq->num < rq->max / 2 (≤3.13) or num_free > ring size / 2 (3.14). */
  readonly refillThreshold: 'num-below-half-max' | 'num-free-above-half';
  /** An allocation failure in the NAPI refill schedules refill_work (commit 3161e453, 2.6.35); seeded bug when false. */
  readonly refillWorkOnOom: boolean;
  /**
   * How the driver tests for a pending used entry: the kernel's u16 `last_used_idx != used->idx`;
   * seeded bugs `last_used_idx < used->idx` (blind across the wrap) and a last_used_idx kept wider
   * than 16 bits (compared with != it never matches again after the wrap).
   */
  readonly moreUsed: 'u16-not-equal' | 'less-than' | 'wide-shadow';
}
