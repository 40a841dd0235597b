/**
 * The behaviour switches a variant sets: each is one decision that differs
 * between the kernel versions (or a seeded bug) of drivers/net/virtio_net.c,
 * or, for `device`, a faulty device.
 */
export interface Behaviour {
  /** Where receive buffers come from: whole pages (≤3.12: get_a_page / rq->pages) or pieces carved by a page-frag allocator (≥2613af0e). */
  readonly buffers: 'page' | 'frag';
  /** Buffer length posted: PAGE_SIZE (≤3.12), MAX_PACKET_LEN 1518 (2613af0e), MERGE_BUFFER_LEN 1536 (3.13, fb51879d), or the EWMA of packet lengths (3.14). */
  readonly bufLen: 'page' | 'max-packet-len' | 'merge-buffer-len' | 'ewma';
  /** fb51879d (3.14-rc1) and later: a tail of the frag page too small for another buffer is added to the current buffer. */
  readonly holeToLastBuffer: boolean;
  /**
   * truesize charged per buffer: PAGE_SIZE (≤3.12), MAX_PACKET_LEN (2613af0e), the posted
   * length (3.13: the constant MERGE_BUFFER_LEN), or max(len, posted length without the hole)
   * (fb51879d, 3.14).
   */
  readonly truesize: 'page-size' | 'max-packet-len' | 'posted' | 'max-len-posted';
  /** 3.13 and later (ba275241): a buffer contiguous with the previous frag in the same page is coalesced into it (skb_coalesce_rx_frag). */
  readonly coalesce: boolean;
  /** skb_coalesce_rx_frag adds the buffer's truesize (the kernel); seeded bug when false: the frag grows, the charge does not. */
  readonly coalesceCharges: boolean;
  /** What receive_mergeable does when the current skb already has MAX_SKB_FRAGS frags. */
  readonly pastMaxFrags: 'drop' | 'frag-list' | 'append';
  /** 3.13 (8fc3b9e9) and later err_skb: an error drains (and frees) the packet's remaining buffers. */
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
  /** Seeded bug: add_recvbuf_mergeable takes get_page but never advances alloc_frag.offset, so one piece is posted again and again. */
  readonly fragOffsetAdvances: boolean;
  /** receive_mergeable's loop: `while (--num_buf)` (the kernel) or the seeded `while (num_buf--)`, one used entry too many. */
  readonly numBufLoop: 'pre-decrement' | 'post-decrement';
  /**
   * The device (QEMU virtio_net_receive): 'conforming' waits until the available buffers hold
   * the packet; 'overrun' (seeded) writes anyway and takes one descriptor past avail->idx;
   * 'oversized' (faulty) also writes frames longer than any GSO packet.
   */
  readonly device: 'conforming' | 'overrun' | 'oversized';
}
