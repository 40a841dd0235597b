/**
 * The variants of rc-connection: the 2008 kernel with copybreak (the
 * baseline), the same kernel against a peer that disconnects, the kernel
 * before copybreak, IPoIB with infinite RNR retry, the tx_packets FIXME
 * resolved, a peer that never lets a connection live, and the bugs, each
 * naming the properties that must catch it.
 *
 * The baseline is the seed's run: the peer stays up, so its shortest
 * counterexamples are the seed's RNR NAK stories. A DREQ at any moment
 * multiplies the state space about tenfold and gives shorter, different
 * counterexamples (a send timing out towards the vanished peer), so the
 * CM teardown path is checked in peer-disconnects, with three sends, and in
 * the bug that needs it (reaped-twice).
 */
import type { Variant } from '../../src/model/spec.js';
import { KERNEL_2008, type RcBehaviour } from './behaviour.js';
import type { RcParams } from './params.js';

type V = Variant<RcParams, RcBehaviour>;

/** The peer may disconnect once: DREQ_RECEIVED, then TIMEWAIT_EXIT. */
const ONE_DREQ = { peer_dreq: 'once' } as const;

export const variants: readonly V[] = [
  {
    name: 'copybreak-2008',
    kind: 'baseline',
    doc: 'ipoib_cm.c with f89271da "IPoIB: Copy small received SKBs in connected mode" (released in 2.6.26 or 2.6.27 [inferred]; ipoib_cm.c read at 5b095d98, October 2008, a later copy that contains it): rnr_retry_count 0, copybreak at 256, tx_packets counted for every completion; the peer stays up, as in the seed\'s run.',
    behaviour: KERNEL_2008,
    catches: ['txPacketsCountsDelivered', 'txPacketsWithinPortCounter'],
  },
  {
    name: 'peer-disconnects',
    kind: 'version',
    doc: 'The baseline kernel against a peer that may disconnect once (its stale_task or ifdown: DREQ, then TIMEWAIT_EXIT): the CM teardown path, its race with an error completion for the reap, and sends that time out towards the vanished peer (RETRY_EXC_ERR), which tx_packets counts too.',
    behaviour: KERNEL_2008,
    // Three sends: one that times out, one flushed behind it, one that re-creates the connection. The full ring
    // and the stop/wake rule need a fourth and are checked in the baseline; with it this variant has 26,465 states.
    params: { ...ONE_DREQ, max_sends: 3 },
    catches: ['txPacketsCountsDelivered'],
  },
  {
    name: 'pre-copybreak',
    kind: 'version',
    doc: 'The kernel before f89271da: every receive completion, however small, needs a replacement buffer before its slot is reposted. Its catches hold by construction (the variant removes the copybreak path), and the untimed checker says nothing about churn: the baseline reaches an RNR NAK and a reopen as soon as this variant does, since any step may be slow. That the replacement path empties the SRQ more often is the simulation\'s question, and at the host profile\'s estimates it does not reproduce the seed\'s regime.',
    behaviour: { ...KERNEL_2008, copybreak: false },
    catches: ['copybreakNeverHoldsBuffer', 'copybreakPath'],
  },
  {
    name: 'rnr-retry-7',
    kind: 'version',
    doc: 'rnr_retry_count 7 (retry forever) in the CM REQ instead of 0: no RNR_RETRY_EXC_ERR and no connection churn, but a send now waits for the receiver to repost.',
    behaviour: KERNEL_2008,
    params: { rnr_retry: 7 },
    catches: ['postedSendCompletesWithoutReceiver', 'sendFlushed', 'closeAndReopen'],
  },
  {
    name: 'count-success-only',
    kind: 'version',
    doc: 'The FIXME in ipoib_cm_handle_tx_wc resolved: tx_packets only for IB_WC_SUCCESS, failed and flushed sends in tx_errors.',
    behaviour: { ...KERNEL_2008, txPacketsOnSuccessOnly: true },
    catches: [],
  },
  {
    name: 'flaky-peer',
    kind: 'version',
    doc: 'The same kernel against a peer that may answer every REQ with REJ (e.g. a non-SRQ peer at max_nonsrq_conn_qp): IPoIB re-creates the tx on every packet, with no backoff, and a sender that stops after a rejected attempt is left unconnected.',
    behaviour: KERNEL_2008,
    params: { peer_rej: 'always' },
    catches: ['reconnectsAfterError'],
  },
  {
    name: 'repost-before-copy',
    kind: 'bug',
    doc: 'Seeded bug: the copybreak path reposts the original buffer before copying out of it, so the HCA may refill it with the next packet first.',
    behaviour: { ...KERNEL_2008, repostBeforeCopy: true },
    catches: ['receiveBufferOwnedOnce', 'everySendEndsOnce'],
  },
  {
    name: 'srq-post-fails',
    kind: 'bug',
    doc: 'ib_post_srq_recv may fail at the `repost:` label of every receive path (a fault the baseline leaves out) and, as in the kernel (kernel-facts §1.4), the freed buffer is never replaced: once every buffer is lost the SRQ stays empty and every send meets an RNR NAK.',
    behaviour: { ...KERNEL_2008, srqPostFails: true },
    catches: ['emptySrqGetsBuffer'],
  },
  {
    name: 'reaped-twice',
    kind: 'bug',
    doc: 'Seeded bug: ipoib_cm_tx_handler queues the tx on reap_list on TIMEWAIT_EXIT without test_and_clear_bit(INITIALIZED), so an error completion and the CM event both reap it (a double ipoib_cm_tx_destroy).',
    behaviour: { ...KERNEL_2008, cmReapsWithoutTestAndClear: true },
    // The race needs one send and one DREQ; three sends keep the other chapters reachable.
    params: { ...ONE_DREQ, max_sends: 3 },
    catches: ['txReapedOnce'],
  },
  {
    name: 'post-while-not-up',
    kind: 'bug',
    doc: 'Seeded bug: ipoib_start_xmit posts as soon as neigh->cm has a QP instead of waiting for OPER_UP; if the peer then rejects, the WRs on the INIT QP never complete and the reaper frees them after 5 s, uncounted.',
    behaviour: { ...KERNEL_2008, postWhileNotUp: true },
    params: { peer_rej: 'once' },
    // reconnectsAfterError also fails here, from the REJ this variant allows (as in flaky-peer), not from the bug.
    catches: ['postOnlyWhenOperUp', 'kernelCountersAddUp', 'postedSendCompletes'],
  },
  {
    name: 'wake-off-by-one',
    kind: 'bug',
    doc: 'Seeded bug: the wake test compares tx_outstanding before the decrement (tx_outstanding-- == sendq_size/2), so the queue stays stopped one completion too long.',
    behaviour: { ...KERNEL_2008, wakeOffByOne: true },
    catches: ['netifQueueFollowsTxOutstanding'],
  },
];
