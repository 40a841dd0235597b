/**
 * Safety properties of one tcp_recvmsg call with NET_DMA (kernel-facts 4.4,
 * "Model invariants"), each over the exact byte bookkeeping of the context.
 */
import type { Invariant, ModelState } from '../../src/model/spec.js';
import type { TcpDmaContext } from '../../models/tcp-dma/context.js';
import type { TcpDmaParams } from '../../models/tcp-dma/params.js';
import { slotHow, slotOffset } from '../../models/tcp-dma/steps/user-buffer.js';
import {
  explainDmaOnlyWhenEligible,
  explainEarlyCopy,
  explainPinned,
  explainReturnsOnlyAfterEveryCookie,
  explainSkbHeld,
  explainUserBuffer,
} from './explain.js';

type S = ModelState<TcpDmaContext>;

/** Slot i holds stream offset i, written without gaps up to the iovec position, nothing past len, nothing stranded. */
function bufferIsAPrefixOfTheStream(c: TcpDmaContext): boolean {
  if (c.overrun > 0) return false;
  for (let i = 0; i < c.ubuf.length; i++) {
    const s = c.ubuf[i];
    if (i < c.pos) {
      if (s === '' || slotOffset(s) !== i || slotHow(s) === 'lost') return false;
    } else if (s !== '') return false;
  }
  return true;
}

/** What the application is told matches what it can read and what the stream gave up. */
function returnIsExact(c: TcpDmaContext): boolean {
  if (typeof c.result !== 'number') return c.result === null || c.copiedSeq === 0;
  if (c.result > c.read.len || c.result !== c.pos) return false;
  for (let i = 0; i < c.result; i++) if (slotHow(c.ubuf[i]) === 'dma-pending') return false;
  return c.copiedSeq === (c.read.peek ? 0 : c.result);
}

export const userBufferHoldsTheStream: Invariant<TcpDmaContext, TcpDmaParams> = {
  name: 'userBufferHoldsTheStream',
  doc:
    'The user buffer holds exactly the stream\'s next bytes in order, visible through the application\'s own mapping: no gap, ' +
    'no duplicate, nothing past len, no byte stranded in a frame the application no longer maps; and the call returns n only ' +
    'when those n bytes have landed and the stream advanced by exactly n (by 0 for MSG_PEEK).',
  holds: (s: S) => bufferIsAPrefixOfTheStream(s.context) && (!s.matches('returned') || returnIsExact(s.context)),
  explain: explainUserBuffer,
  // Every NET_DMA release loses bytes to the stale mapping; exploring on past it keeps the release variants'
  // liveness verdicts (the zero-window hang and its fixes) about all their behaviours, not only those before a loss.
  expandViolations: true,
};

export const returnsOnlyAfterEveryCookie: Invariant<TcpDmaContext, TcpDmaParams> = {
  name: 'returnsOnlyAfterEveryCookie',
  doc: 'tcp_recvmsg never returns while a DMA copy into the user buffer is outstanding.',
  holds: (s: S) => !s.matches('returned') || s.context.cookies.length === 0,
  explain: explainReturnsOnlyAfterEveryCookie,
};

export const skbHeldUntilCopied: Invariant<TcpDmaContext, TcpDmaParams> = {
  name: 'skbHeldUntilCopied',
  doc: 'No skb is freed while a DMA copy reading it is outstanding: it stays on the receive queue or sk_async_wait_queue.',
  holds: (s: S) => {
    const c = s.context;
    return c.cookies.every((k) => c.queue.some((q) => q.seq === k.skb) || c.asyncWait.some((a) => a.seq === k.skb));
  },
  explain: explainSkbHeld,
};

export const dmaOnlyWhenEligible: Invariant<TcpDmaContext, TcpDmaParams> = {
  name: 'dmaOnlyWhenEligible',
  doc:
    'DMA copies only for a read that is not MSG_PEEK, longer than the copybreak, not in tcp_low_latency mode, and only data ' +
    'whose checksum was verified (by the NIC for an early copy, by software before queueing).',
  holds: (s: S, p: TcpDmaParams) => {
    const c = s.context;
    if (c.cookies.length === 0) return true;
    const eligible = !c.read.peek && c.read.len > p.copybreak && !c.read.lowLatency;
    return eligible && c.cookies.every((k) => k.verified);
  },
  explain: explainDmaOnlyWhenEligible,
};

export const pinnedFromDecisionToExit: Invariant<TcpDmaContext, TcpDmaParams> = {
  name: 'pinnedFromDecisionToExit',
  doc:
    'The user pages are pinned exactly when the decision said so, stay pinned while any DMA copy is outstanding and until the ' +
    'exit, and are unpinned exactly once.',
  // Independent clauses, so that deleting any one of them lets its own seeded bug through: at most once (a second
  // dma_unpin_iovec_pages), and at the return unpinned iff pinned (neither a leak nor an unpin of what was never pinned).
  holds: (s: S) => {
    const c = s.context;
    if (c.unpins > 1) return false;
    if ((c.decision === 'pinned') !== (c.pinned !== 'never')) return false;
    if (c.cookies.length > 0 && c.pinned !== 'pinned') return false;
    if (s.matches('returned')) return (c.unpins > 0) === (c.decision === 'pinned');
    return c.pinned !== 'unpinned';
  },
  explain: explainPinned,
};

export const earlyCopyInOrderWithinUcopyLen: Invariant<TcpDmaContext, TcpDmaParams> = {
  name: 'earlyCopyInOrderWithinUcopyLen',
  doc:
    'An early copy happens only in order (the buffer position equals the stream offset, copied_seq == rcv_nxt) and never ' +
    'beyond ucopy.len: ucopy.len never goes negative and no early copy reaches past the buffer.',
  holds: (s: S) => {
    const c = s.context;
    if (c.ucopyLen < 0) return false;
    return c.cookies.every((k) => k.path !== 'early' || (k.at === k.skb && k.at + k.n <= c.read.len));
  },
  explain: explainEarlyCopy,
};

export const invariants = [
  userBufferHoldsTheStream,
  returnsOnlyAfterEveryCookie,
  skbHeldUntilCopied,
  dmaOnlyWhenEligible,
  pinnedFromDecisionToExit,
  earlyCopyInOrderWithinUcopyLen,
];
