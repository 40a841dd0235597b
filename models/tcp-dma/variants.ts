/**
 * Variants of the tcp-dma model: the CPU-copy baseline, NET_DMA made safe
 * against copy-on-write, and the bugs the properties exist to catch. The
 * behaviour switches are read by the machine's pure steps (steps/*.ts).
 */
import type { Variant } from '../../src/model/spec.js';
import type { TcpDmaParams } from './params.js';

export interface TcpDmaBehaviour {
  /** CONFIG_NET_DMA: the pin decision in tcp_recvmsg and the early copy in tcp_rcv_established exist. */
  readonly netDma: boolean;
  /**
   * A CPU copy into the pinned buffer (tcp_copy_to_iovec in the reader's
   * context) first waits for every outstanding cookie and then ends the
   * offload for the call. Without it a copy-on-write fault taken by that CPU
   * copy moves the page away from the frame DMA is writing.
   */
  readonly fallbackDrainsDma: boolean;
  /** The exit issues pending descriptors and waits for the last cookie before freeing skbs and unpinning. */
  readonly exitWaitsForCookies: boolean;
  /** The pin decision tests !(flags & MSG_PEEK). */
  readonly peekExcludesDma: boolean;
  /** tcp_rcv_established early-copies only `len <= ucopy.len`, and the early copy stops at ucopy.len == 0. */
  readonly earlyCopyBoundedByUcopyLen: boolean;
}

const SAFE: TcpDmaBehaviour = {
  netDma: true,
  fallbackDrainsDma: true,
  exitWaitsForCookies: true,
  peekExcludesDma: true,
  earlyCopyBoundedByUcopyLen: true,
};

export const variants: readonly Variant<TcpDmaParams, TcpDmaBehaviour>[] = [
  {
    name: 'net-dma-off',
    kind: 'baseline',
    doc:
      'Linux 2.6.32.2 without CONFIG_NET_DMA: every byte is copied by the CPU, from the receive queue in tcp_recvmsg or ' +
      'directly from the prequeue and backlog by tcp_copy_to_iovec. The path every kernel since v3.17 takes.',
    behaviour: { ...SAFE, netDma: false },
    catches: [],
  },
  {
    name: 'net-dma',
    kind: 'version',
    doc:
      'Linux 2.6.32.2 with CONFIG_NET_DMA and an I/OAT channel: the pin decision, DMA copies from the receive queue, the ' +
      'early copy while the reader sleeps, and the exit that issues and waits for the last cookie. One change makes it ' +
      'safe against copy-on-write: a CPU-copy fallback into the pinned buffer first waits for every outstanding cookie ' +
      'and ends the offload for the call (the "sync all DMA on each fallback" fix that 77873803363c considered and ' +
      'rejected for its cost). 2.6.32.2 as shipped is the stale-mapping variant.',
    behaviour: SAFE,
    catches: [],
  },
  {
    name: 'stale-mapping',
    kind: 'bug',
    doc:
      'Linux 2.6.32.2 as shipped (NET_DMA until v3.16): after another thread forks, the reader\'s CPU-copy fallback ' +
      '(tcp_copy_to_iovec on an unverified checksum or after ucopy.wakeup) writes a copy-on-write page while a DMA ' +
      'copy into it is in flight; do_wp_page gives the reader a fresh copy without the DMA\'s bytes, which land in the ' +
      'old frame. 77873803363c "net_dma: mark broken": "The application sees missing data." (kernel-facts 4.4)',
    behaviour: { ...SAFE, fallbackDrainsDma: false },
    catches: ['userBufferHoldsTheStream'],
  },
  {
    name: 'return-before-cookies',
    kind: 'bug',
    doc:
      'Seeded: the exit of tcp_recvmsg neither issues the pending descriptors nor waits for the last cookie before ' +
      'purging sk_async_wait_queue, unpinning and returning (the wait that 2.6.32.2 does inline and later kernels do in ' +
      'tcp_service_net_dma(sk, true)). The application reads its buffer while the engine still writes it.',
    behaviour: { ...SAFE, exitWaitsForCookies: false },
    catches: ['returnsOnlyAfterEveryCookie', 'skbHeldUntilCopied', 'pinnedFromDecisionToExit', 'userBufferHoldsTheStream'],
  },
  {
    name: 'dma-with-peek',
    kind: 'bug',
    doc:
      'Seeded: the pin decision without !(flags & MSG_PEEK) (present since the 2006 I/OAT patch). A peeking reader ' +
      'installs no ucopy.task yet sets ucopy.len, so the softirq early-copies into its buffer and advances copied_seq: ' +
      'the peek consumes data it never counts.',
    behaviour: { ...SAFE, peekExcludesDma: false },
    catches: ['dmaOnlyWhenEligible'],
  },
  {
    name: 'early-copy-past-ucopy-len',
    kind: 'bug',
    doc:
      'Seeded: tcp_rcv_established early-copies without the `len - tcp_header_len <= ucopy.len` test and ' +
      'tcp_dma_try_early_copy does not stop at ucopy.len == 0: the reader whose buffer the early copy filled is not woken ' +
      '(it sleeps with its data and an unissued descriptor), and the next segment is copied past the end of the buffer.',
    behaviour: { ...SAFE, earlyCopyBoundedByUcopyLen: false },
    catches: ['earlyCopyInOrderWithinUcopyLen', 'userBufferHoldsTheStream', 'blockingReadReturns', 'everyCookieCompletes'],
  },
];
