/**
 * Liveness of a tcp_recvmsg call under weak fairness of the reader's own
 * steps, of the DMA channel, and of the sender. The sender is iperf: it has
 * a message to send and sends whenever the receive window lets it, so
 * SEGMENT_ARRIVES is fair (continuously enabled means eventually taken);
 * a segment is enabled only while the window is open (steps/environment.ts),
 * so a read that closes the window on itself is not rescued by fairness.
 * Forks and signals are not fair: nobody has to fork or interrupt the reader.
 *
 * The premise is the same for every variant: the reader is in the call. The
 * message (params messageLen) is longer than every read, and its last
 * segment carries PSH, so a fair sender supplies enough data for any target,
 * and NET_DMA's early copy, which batches until PSH, ucopy.len == 0 or
 * receive memory, is woken at the latest by the last segment. (The version
 * before used "the whole buffer has arrived" as the premise, which also
 * excused net-dma-off, where target bytes suffice, and hid any read that
 * stops the data from arriving.)
 */
import type { LeadsTo, ModelState } from '../../src/model/spec.js';
import type { TcpDmaContext } from '../../models/tcp-dma/context.js';
import type { TcpDmaParams } from '../../models/tcp-dma/params.js';
import { explainBlockingRead, explainEveryCookie } from './explain.js';

type S = ModelState<TcpDmaContext>;

/** The reader's steps and the engine's completions: what a running kernel eventually does. */
export const KERNEL_STEPS = ['COPY_SKB', 'BREAK', 'SK_WAIT_DATA', 'RELEASE_SOCK', 'WAKE_UP', 'RETURN', 'DMA_COMPLETE'] as const;
/** The kernel's steps and the sender's, which sends whenever the window is open. */
export const FAIR = [...KERNEL_STEPS, 'SEGMENT_ARRIVES'] as const;

const inCall = (s: S) => s.matches('locked') || s.matches('sleeping') || s.matches('exiting');

export const blockingReadReturns: LeadsTo<TcpDmaContext, TcpDmaParams> = {
  name: 'blockingReadReturns',
  doc:
    'A blocking read eventually returns with at least target bytes (unless a signal cut it short), given a sender that ' +
    'sends whenever the receive window is open: no read can close the window on itself.',
  from: inCall,
  to: (s) => s.matches('returned') && (s.context.interrupted !== null || (typeof s.context.result === 'number' && s.context.result >= s.context.target)),
  fair: FAIR,
  explain: explainBlockingRead,
};

export const everyCookieCompletes: LeadsTo<TcpDmaContext, TcpDmaParams> = {
  name: 'everyCookieCompletes',
  doc: 'Every outstanding DMA copy eventually completes: its descriptor is issued and the channel finishes it.',
  from: (s) => s.context.cookies.length > 0,
  to: (s) => s.context.cookies.length === 0,
  fair: FAIR,
  explain: explainEveryCookie,
};

export const liveness = [blockingReadReturns, everyCookieCompletes];
