/**
 * Variants of the tcp-dma model: the CPU-copy baseline; Linux 2.6.32.2 as
 * shipped (the seed's kernel); the same code with the two upstream fixes for
 * its zero-window hang applied in turn; the CPU-copy fallback drain that
 * 77873803363c weighed and rejected (never merged); and seeded bugs. The
 * behaviour switches are read by the machine's pure steps (steps/*.ts).
 */
import type { Variant } from '../../src/model/spec.js';
import type { TcpDmaParams } from './params.js';

export interface TcpDmaBehaviour {
  /** CONFIG_NET_DMA: the pin decision in tcp_recvmsg and the early copy in tcp_rcv_established exist. */
  readonly netDma: boolean;
  /**
   * 73852e8151b7 "NET_DMA: free skbs periodically" (2010): tcp_recvmsg issues
   * pending descriptors after each copy-loop DMA and before it waits, and
   * after waking frees the sk_async_wait_queue skbs whose copies completed
   * (tcp_service_net_dma(sk, false)). 2.6.32.2 does neither before its exit.
   */
  readonly freeSkbsPeriodically: boolean;
  /**
   * 15c041759bfc "tcp: flush DMA queue before sk_wait_data if rcv_wnd is
   * zero": before waiting with a zero window and skbs on sk_async_wait_queue,
   * wait for every cookie, free those skbs and send the window update.
   */
  readonly flushOnZeroWindow: boolean;
  /**
   * A CPU copy into the pinned buffer (tcp_copy_to_iovec in the reader's
   * context) first waits for every outstanding cookie and then ends the
   * offload for the call. Without it a copy-on-write fault taken by that CPU
   * copy moves the page away from the frame DMA is writing. Never merged.
   */
  readonly fallbackDrainsDma: boolean;
  /** The exit calls dma_unpin_iovec_pages once and clears tp->ucopy.pinned_list. */
  readonly exitUnpinsOnce: boolean;
  /** The exit issues pending descriptors and waits for the last cookie before freeing skbs and unpinning. */
  readonly exitWaitsForCookies: boolean;
  /** The pin decision tests len > sysctl_tcp_dma_copybreak (not >=). */
  readonly pinsOnlyAboveCopybreak: boolean;
  /** The pin decision tests !(flags & MSG_PEEK). */
  readonly peekExcludesDma: boolean;
  /** The pin decision tests !sysctl_tcp_low_latency. */
  readonly lowLatencyExcludesDma: boolean;
  /** tcp_rcv_established early-copies only when `tp->copied_seq == tp->rcv_nxt` (nothing unread is queued ahead). */
  readonly earlyCopyNeedsInOrder: boolean;
  /** tcp_rcv_established early-copies only `len <= ucopy.len`, and the early copy stops at ucopy.len == 0. */
  readonly earlyCopyBoundedByUcopyLen: boolean;
  /** tcp_dma_try_early_copy DMAs only skb_csum_unnecessary segments (the engine cannot checksum). */
  readonly earlyCopyNeedsVerifiedCsum: boolean;
}

/** 2.6.32.2's tcp_recvmsg and tcp_dma_try_early_copy as shipped. */
const V2_6_32_2: TcpDmaBehaviour = {
  netDma: true,
  freeSkbsPeriodically: false,
  flushOnZeroWindow: false,
  fallbackDrainsDma: false,
  exitWaitsForCookies: true,
  exitUnpinsOnce: true,
  pinsOnlyAboveCopybreak: true,
  peekExcludesDma: true,
  lowLatencyExcludesDma: true,
  earlyCopyNeedsInOrder: true,
  earlyCopyBoundedByUcopyLen: true,
  earlyCopyNeedsVerifiedCsum: true,
};

/** Every fix applied: the base of the seeded bugs, so each bug's violations are its own. */
const ALL_FIXES: TcpDmaBehaviour = { ...V2_6_32_2, freeSkbsPeriodically: true, flushOnZeroWindow: true, fallbackDrainsDma: true };

export const variants: readonly Variant<TcpDmaParams, TcpDmaBehaviour>[] = [
  {
    name: 'net-dma-off',
    kind: 'baseline',
    doc:
      'Linux 2.6.32.2 without CONFIG_NET_DMA: every byte is copied by the CPU, from the receive queue in tcp_recvmsg or ' +
      'directly from the prequeue and backlog by tcp_copy_to_iovec. The path every kernel since v3.17 takes.',
    behaviour: { ...V2_6_32_2, netDma: false },
    catches: [],
  },
  {
    name: 'net-dma-2.6.32.2',
    kind: 'version',
    doc:
      'Linux 2.6.32.2 as shipped, the seed\'s kernel, with CONFIG_NET_DMA and a DMA_MEMCPY channel. Two failures: (1) a read ' +
      'whose target is more than sk_rcvbuf can hold charged hangs for good: the skbs its copy loop DMA-copied stay on ' +
      'sk_async_wait_queue, charged, until the exit, and their descriptors are not even issued, so the window closes before ' +
      'enough data arrives (fixed upstream by 73852e8151b7 and 15c041759bfc); (2) after another thread forks, the reader\'s ' +
      'CPU-copy fallback (tcp_copy_to_iovec on an unverified checksum or after ucopy.wakeup) takes a copy-on-write fault on a ' +
      'page that a DMA copy is still writing, and the DMA\'s bytes land in the old frame: 77873803363c "net_dma: mark broken": ' +
      '"The application sees missing data." (kernel-facts 4.4; never fixed).',
    behaviour: V2_6_32_2,
    catches: ['userBufferHoldsTheStream', 'blockingReadReturns', 'everyCookieCompletes'],
  },
  {
    name: 'net-dma-free-skbs-periodically',
    kind: 'version',
    doc:
      '2.6.32.2 with 73852e8151b7 "NET_DMA: free skbs periodically" (Magnani, March 2010): "data transfer can grind to a halt ' +
      'when userland issues a large read on a socket with a high RCVLOWAT ... The socket hangs when its TCP window goes to ' +
      'zero before enough data is available". Descriptors are issued as they are queued and completed skbs are freed after ' +
      'every wake-up, but a reader that goes to sleep with the window already zero is never woken to free them: the hang ' +
      'that 15c041759bfc later fixed.',
    behaviour: { ...V2_6_32_2, freeSkbsPeriodically: true },
    catches: ['blockingReadReturns', 'userBufferHoldsTheStream'],
  },
  {
    name: 'net-dma-flush-on-zero-window',
    kind: 'version',
    doc:
      '2.6.32.2 with 73852e8151b7 and 15c041759bfc "tcp: flush DMA queue before sk_wait_data if rcv_wnd is zero" (Kubecek, ' +
      'backported to stable kernels): "sk_wait_data() cannot receive any data and blocks forever. If zero receive window and ' +
      'non-empty sk_async_wait_queue is detected before calling sk_wait_data(), process the queue first." Every read returns; ' +
      'the copy-on-write stale mapping remains, as it did until NET_DMA was removed in v3.17.',
    behaviour: { ...V2_6_32_2, freeSkbsPeriodically: true, flushOnZeroWindow: true },
    catches: ['userBufferHoldsTheStream'],
  },
  {
    name: 'net-dma-drain-on-fallback',
    kind: 'version',
    doc:
      'A kernel that never shipped (kind \'version\': the contract offers baseline, version and bug, and this is a fixed ' +
      'kernel expected to hold, not a release and not a seeded bug): net-dma-flush-on-zero-window plus the fix 77873803363c ' +
      'considered and rejected for its cost ' +
      '("sync all DMA on each fallback"): a CPU-copy fallback into the pinned buffer first waits for every outstanding ' +
      'cookie and ends the offload for the call. The one NET_DMA on which every property holds; the seeded bugs below start ' +
      'from it.',
    behaviour: ALL_FIXES,
    catches: [],
  },
  {
    name: 'return-before-cookies',
    kind: 'bug',
    doc:
      'Seeded: the exit of tcp_recvmsg neither issues the pending descriptors nor waits for the last cookie before ' +
      'purging sk_async_wait_queue, unpinning and returning (the wait that 2.6.32.2 does inline and later kernels do in ' +
      'tcp_service_net_dma(sk, true)). The application reads its buffer while the engine still writes it.',
    behaviour: { ...ALL_FIXES, exitWaitsForCookies: false },
    catches: ['returnsOnlyAfterEveryCookie', 'skbHeldUntilCopied', 'pinnedFromDecisionToExit', 'userBufferHoldsTheStream'],
  },
  {
    name: 'unpin-twice',
    kind: 'bug',
    doc:
      'Seeded: dma_unpin_iovec_pages called twice on the exit path of tcp_recvmsg (net/ipv4/tcp.c), as when the ' +
      '`tp->ucopy.pinned_list = NULL` after the unpin is dropped and a second cleanup of the same exit unpins what the ' +
      'stale pointer still names: page_cache_release runs twice on every pinned page (a refcount underflow, the page ' +
      'freed under the application) and the page_list is freed twice. Somewhat artificial: the 2.6.32.2 exit has one ' +
      'unpin site, and the cleared pointer is exactly what keeps it at one. Everything before the exit is right.',
    behaviour: { ...ALL_FIXES, exitUnpinsOnce: false },
    catches: ['pinnedFromDecisionToExit'],
  },
  {
    name: 'dma-at-copybreak',
    kind: 'bug',
    doc:
      'Seeded: the pin decision tests `len >= sysctl_tcp_dma_copybreak` instead of `len > sysctl_tcp_dma_copybreak` ' +
      '(tcp_recvmsg, net/ipv4/tcp.c), an off-by-one that pins when len == copybreak: a read of exactly 4096 bytes, ' +
      'which the copybreak exists to leave to the CPU (pinning two pages and a descriptor cost more than the copy), ' +
      'is offloaded. Harmless to the bytes; it breaks only the eligibility rule, which is what dmaOnlyWhenEligible guards.',
    behaviour: { ...ALL_FIXES, pinsOnlyAboveCopybreak: false },
    catches: ['dmaOnlyWhenEligible'],
  },
  {
    name: 'dma-with-peek',
    kind: 'bug',
    doc:
      'Seeded: the pin decision without !(flags & MSG_PEEK) (present since the 2006 I/OAT patch). A peeking reader ' +
      'installs no ucopy.task yet sets ucopy.len, so the softirq early-copies into its buffer and advances copied_seq: ' +
      'the peek consumes data it never counts.',
    behaviour: { ...ALL_FIXES, peekExcludesDma: false },
    catches: ['dmaOnlyWhenEligible'],
  },
  {
    name: 'dma-ignores-low-latency',
    kind: 'bug',
    doc:
      'Seeded: the pin decision without `!sysctl_tcp_low_latency` (tcp_recvmsg, net/ipv4/tcp.c; the test is in the 2006 ' +
      'I/OAT patch and every release after it). With net.ipv4.tcp_low_latency=1 the reader installs no prequeue reader and ' +
      'sets no ucopy.len, so no early copy can happen; but the buffer is still pinned and the copy loop DMA-copies the ' +
      'queued skbs, adding a descriptor round trip to the path the sysctl asks to keep short. The bytes stay right; it ' +
      'breaks only the eligibility rule, which is what dmaOnlyWhenEligible guards.',
    behaviour: { ...ALL_FIXES, lowLatencyExcludesDma: false },
    catches: ['dmaOnlyWhenEligible'],
  },
  {
    name: 'early-copy-past-ucopy-len',
    kind: 'bug',
    doc:
      'Seeded: tcp_rcv_established early-copies without the `len - tcp_header_len <= ucopy.len` test and ' +
      'tcp_dma_try_early_copy does not stop at ucopy.len == 0: the next segment is copied past the end of the buffer.',
    behaviour: { ...ALL_FIXES, earlyCopyBoundedByUcopyLen: false },
    catches: ['earlyCopyInOrderWithinUcopyLen', 'userBufferHoldsTheStream'],
  },
  {
    name: 'early-copy-out-of-order',
    kind: 'bug',
    doc:
      'Seeded: the early copy in tcp_rcv_established (net/ipv4/tcp_input.c) without `tp->copied_seq == tp->rcv_nxt`, as ' +
      'if tcp_dma_try_early_copy were tried on the ucopy.len test alone: a segment that arrives while unread data waits on ' +
      'the receive queue is DMA-copied at the iovec position, ahead of the stream bytes that precede it. The early copy ' +
      'takes a segment out of order: the buffer holds a later segment where an earlier one belongs, and the queued skb ' +
      'is then copied after it.',
    behaviour: { ...ALL_FIXES, earlyCopyNeedsInOrder: false },
    // Unread data ahead of a segment while the early copy is still allowed (ucopy.wakeup clear) needs a segment that
    // does not fit ucopy.len (queued without a wakeup) and a later one that does: ucopy.len 1 with 3 message units still
    // to come, and sk_rcvbuf open with the 2-unit skb queued. At the check bounds (a 3-unit read, a 4-unit message,
    // sk_rcvbuf 3) that cannot happen. net-dma-drain-on-fallback at these params holds every property (9,983 states) and,
    // like this variant, cannot reach earlyCopyStopsOnReceiveMemory: a 2-unit buffer has no room left for an early copy
    // once a charged 2-unit skb (truesize 3) passes sk_rcvbuf / 2.
    params: { copybreak: 1, readLen: 2, rcvbuf: 4 },
    catches: ['earlyCopyInOrderWithinUcopyLen', 'userBufferHoldsTheStream'],
  },
  {
    name: 'early-copy-unverified',
    kind: 'bug',
    doc:
      'Seeded: tcp_dma_try_early_copy without the skb_csum_unnecessary test, so segments whose checksum the NIC did not ' +
      'verify are DMA-copied to the user and never checksummed (a DMA engine cannot fold a checksum): a corrupted segment ' +
      'reaches the application instead of being dropped and retransmitted.',
    behaviour: { ...ALL_FIXES, earlyCopyNeedsVerifiedCsum: false },
    catches: ['dmaOnlyWhenEligible'],
  },
];
