/**
 * Liveness of a tcp_recvmsg call under weak fairness of the reader's own
 * steps and of the DMA channel. Arrivals, forks and signals are not fair:
 * the sender may stop and nobody has to interrupt the reader, so both
 * properties start once enough data to fill the user buffer has arrived.
 * (With less, NET_DMA's reader legitimately sleeps until PSH: the early copy
 * batches on purpose.)
 */
import type { LeadsTo, ModelState } from '../../src/model/spec.js';
import type { TcpDmaContext } from '../../models/tcp-dma/context.js';
import type { TcpDmaParams } from '../../models/tcp-dma/params.js';

type S = ModelState<TcpDmaContext>;

/** The reader's steps and the engine's completions: what a running kernel eventually does. */
export const KERNEL_STEPS = ['COPY_SKB', 'BREAK', 'SK_WAIT_DATA', 'RELEASE_SOCK', 'WAKE_UP', 'RETURN', 'DMA_COMPLETE'] as const;

const inCall = (s: S) => s.matches('locked') || s.matches('sleeping') || s.matches('exiting');
const bufferFull = (s: S) => s.context.arrived >= s.context.read.len;

export const blockingReadReturns: LeadsTo<TcpDmaContext, TcpDmaParams> = {
  name: 'blockingReadReturns',
  doc:
    'Once enough data to fill the user buffer has arrived, a blocking read eventually returns with at least target bytes, ' +
    'unless a signal cut it short.',
  from: (s) => inCall(s) && bufferFull(s),
  to: (s) => s.matches('returned') && (s.context.interrupted !== null || (typeof s.context.result === 'number' && s.context.result >= s.context.target)),
  fair: KERNEL_STEPS,
};

export const everyCookieCompletes: LeadsTo<TcpDmaContext, TcpDmaParams> = {
  name: 'everyCookieCompletes',
  doc:
    'Once enough data to fill the user buffer has arrived, every outstanding DMA copy eventually completes: its descriptor is ' +
    'issued and the channel finishes it.',
  from: (s) => s.context.cookies.length > 0 && bufferFull(s),
  to: (s) => s.context.cookies.length === 0,
  fair: KERNEL_STEPS,
};

export const liveness = [blockingReadReturns, everyCookieCompletes];
