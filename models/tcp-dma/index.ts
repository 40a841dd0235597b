/** The tcp-dma model: tcp_recvmsg's NET_DMA decision and early copy, checked on exact byte bookkeeping. */
import type { ModelSpec } from '../../src/model/spec.js';
import { goals, invariants, lanes, liveness } from '../../properties/tcp-dma/index.js';
import { simulation } from '../../src/sim/tcp-dma/index.js';
import { LEFT_OUT, MODELLED, SOURCES } from './about.js';
import { readCalls, type TcpDmaContext } from './context.js';
import { eventsAt } from './events.js';
import { params, type TcpDmaParams } from './params.js';
import { tcpDmaMachine } from './tcp-dma.machine.js';
import { variants, type TcpDmaBehaviour } from './variants.js';

export const spec: ModelSpec<TcpDmaParams, TcpDmaBehaviour, TcpDmaContext> = {
  id: 'tcp-dma',
  title: 'tcp_recvmsg with NET_DMA: the pin decision, the early copy, the zero-window hang and the stale mapping',
  summary:
    'One tcp_recvmsg call on Linux 2.6.32.2 with a DMA receive copy offload (I/OAT, fsldma): when the user buffer is pinned, how the ' +
    'softirq early-copies by DMA while the reader sleeps and when it wakes it, why the exit must wait for every cookie, how a read whose ' +
    'target is more than sk_rcvbuf holds in charged skbs closes the window on itself and sleeps for good (fixed by 73852e8151b7 and ' +
    '15c041759bfc), and how a copy-on-write fault strands DMA in a stale frame (why NET_DMA was removed). The cost model derives sk_rcvbuf ' +
    'and truesize from the kernel\'s rules, reproduces the ordering of the seed\'s CPU copy shares (36.1% / 33.5% / 25.1%) but not of its ' +
    'throughputs (930 / 890 / 874 Mbit/s; every simulated run keeps the link full), shows where 2.6.32.2 hangs and why the seed did not, ' +
    'and shows why receive, which still copies, trails transmit (seed 001).',
  sources: SOURCES,
  modelled: MODELLED,
  leftOut: LEFT_OUT,
  params,
  variants,
  instantiate: (p, b) => ({
    machine: tcpDmaMachine(p, b),
    inputs: readCalls(p),
    events: (s) => eventsAt(s, p),
    isEndState: (s) => s.matches('returned'),
  }),
  invariants,
  liveness,
  goals,
  lanes,
  simulation,
};
