/**
 * The behaviour switches the rc-connection machine reads: one per kernel
 * version difference or bug that a variant (variants.ts) turns on.
 */
export interface RcBehaviour {
  /** ipoib_cm_handle_rx_wc copies packets with byte_len < IPOIB_CM_COPYBREAK (f89271da, 2008). */
  readonly copybreak: boolean;
  /** tx_packets counts only IB_WC_SUCCESS completions; errors and flushes go to tx_errors (the FIXME resolved). */
  readonly txPacketsOnSuccessOnly: boolean;
  /** Bug: the copybreak path reposts the original buffer before copying out of it. */
  readonly repostBeforeCopy: boolean;
  /**
   * Fault: ib_post_srq_recv may fail at the kernel's shared `repost:` label,
   * after the copybreak copy, an allocation failure or a replacement alike;
   * as in the kernel the buffer is freed and never replaced.
   */
  readonly srqPostFails: boolean;
  /** Bug: the CM event handler queues the tx on reap_list without test_and_clear_bit(INITIALIZED). */
  readonly cmReapsWithoutTestAndClear: boolean;
  /** Bug: ipoib_start_xmit posts once neigh->cm has a QP, without waiting for OPER_UP. */
  readonly postWhileNotUp: boolean;
  /** Bug: the wake test reads tx_outstanding before the decrement (post-decrement). */
  readonly wakeOffByOne: boolean;
}

export const KERNEL_2008: RcBehaviour = {
  copybreak: true,
  txPacketsOnSuccessOnly: false,
  repostBeforeCopy: false,
  srqPostFails: false,
  cmReapsWithoutTestAndClear: false,
  postWhileNotUp: false,
  wakeOffByOne: false,
};
