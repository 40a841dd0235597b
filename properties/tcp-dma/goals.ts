/**
 * Cover goals: the situations the seed's analysis turns on must be reachable,
 * each with a shortest witness (an early copy ending for each of its three
 * reasons, and a read that skips DMA because the data was already there).
 */
import type { Goal, ModelState } from '../../src/model/spec.js';
import type { TcpDmaContext, WakeCause } from '../../models/tcp-dma/context.js';
import type { TcpDmaParams } from '../../models/tcp-dma/params.js';

type S = ModelState<TcpDmaContext>;

const stoppedOnlyBy = (cause: WakeCause) => (s: S) => {
  const w = s.context.ucopyWakeup;
  return w !== null && w.length === 1 && w[0] === cause;
};

export const goals: Goal<TcpDmaContext, TcpDmaParams>[] = [
  {
    name: 'earlyCopyStopsOnPsh',
    doc: 'An early copy wakes the reader because the segment carried PSH (and nothing else stopped it).',
    reached: stoppedOnlyBy('PSH'),
  },
  {
    name: 'earlyCopyStopsAtUcopyLenZero',
    doc: 'An early copy fills the user buffer (ucopy.len reaches 0) and wakes the reader.',
    reached: stoppedOnlyBy('ucopy.len==0'),
  },
  {
    name: 'earlyCopyStopsOnReceiveMemory',
    doc: 'An early copy wakes the reader because sk_rmem_alloc passed half of sk_rcvbuf (skbs still held for their cookies).',
    reached: stoppedOnlyBy('rmem>rcvbuf/2'),
  },
  {
    name: 'noDmaBecauseDataWasThere',
    doc:
      'A read eligible for DMA in every other respect copies with the CPU because the data it needs was already queued ' +
      '(available >= target), and returns at least target bytes: the seed\'s "DMA transfers rarely take place".',
    reached: (s, p) => {
      const c = s.context;
      return (
        s.matches('returned') &&
        c.decision === 'available>=target' &&
        c.read.len > p.copybreak &&
        !c.read.peek &&
        !c.read.lowLatency &&
        typeof c.result === 'number' &&
        c.result >= c.target
      );
    },
  },
];
