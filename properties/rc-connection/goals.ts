/**
 * States that must be reachable: each is a chapter of the seed's story, and
 * its shortest witness is a trace a reader can follow.
 */
import type { Goal } from '../../src/model/spec.js';
import type { RcParams } from '../../models/rc-connection/params.js';
import type { RcContext } from '../../models/rc-connection/state.js';

type G = Goal<RcContext, RcParams>;

export const goals: readonly G[] = [
  {
    name: 'rnrNak',
    doc: 'A send met an empty SRQ and was answered with an RNR NAK.',
    reached: ({ context: c }) =>
      [c.tx, ...c.reapList].some((t) => t && (t.rnrWait || t.ring.some((w) => w.wc === 'rnr'))),
  },
  {
    name: 'sendFlushed',
    doc: 'A send posted behind the failed one, or after the QP entered ERR, completed with WR_FLUSH_ERR.',
    reached: ({ context: c }) => c.wcFlush > 0,
  },
  {
    name: 'closeAndReopen',
    doc: 'A connection was torn down and a new one to the same neighbour reached OPER_UP.',
    reached: ({ context: c }) => c.operUpHistory === 'reopened' && c.tx !== null && c.tx.up,
  },
  {
    name: 'copybreakPath',
    doc: 'A small packet was copied into a new skb and its buffer reposted at once.',
    reached: ({ context: c }) => c.copybreakTaken,
  },
  {
    name: 'allocFailureDrop',
    doc: 'A replacement buffer could not be allocated, so the packet was dropped (rx_dropped) and the old buffer reposted.',
    reached: ({ context: c }) => c.rxDropped > 0,
  },
];
