/**
 * The benchmark model (issue 8): a simplified RC receive path of size N, in
 * exactly the form the SPIN and compiled-path benchmarks also use, so all
 * three must report the same number of reachable states.
 *
 * connection ∈ {closed, connecting, connected, error}; sendQ, rxPosted and
 * inFlight in 0..N; delivered mod 4; rnrCount in 0..3. The third
 * consecutive RNR NAK puts the connection in error; FLUSH empties the send
 * queue and the in-flight sends and closes it.
 */
import { assign, setup } from 'xstate';
import type { ModelSpec } from '../src/model/spec.js';
import { domain } from '../src/model/domains.js';

export interface BenchContext {
  sendQ: number;
  rxPosted: number;
  inFlight: number;
  delivered: number;
  rnrCount: number;
}

export type BenchEvent =
  | { type: 'APP_SEND' }
  | { type: 'CONNECT' }
  | { type: 'ESTABLISH' }
  | { type: 'TRANSMIT' }
  | { type: 'ARRIVE_OK' }
  | { type: 'ARRIVE_RNR' }
  | { type: 'REPOST' }
  | { type: 'FLUSH' };

export function rcBenchMachine(N: number) {
  return setup({
    types: { context: {} as BenchContext, events: {} as BenchEvent },
    guards: {
      sendQNotFull: ({ context }) => context.sendQ < N,
      canTransmit: ({ context }) => context.sendQ > 0 && context.inFlight < N,
      canArrive: ({ context }) => context.inFlight > 0 && context.rxPosted > 0,
      rnr: ({ context }) => context.inFlight > 0 && context.rxPosted === 0,
      rnrExhausted: ({ context }) => context.inFlight > 0 && context.rxPosted === 0 && context.rnrCount === 2,
      rxNotFull: ({ context }) => context.rxPosted < N,
    },
    actions: {
      enqueue: assign({ sendQ: ({ context }) => context.sendQ + 1 }),
      transmit: assign({ sendQ: ({ context }) => context.sendQ - 1, inFlight: ({ context }) => context.inFlight + 1 }),
      arrive: assign({
        inFlight: ({ context }) => context.inFlight - 1,
        rxPosted: ({ context }) => context.rxPosted - 1,
        delivered: ({ context }) => (context.delivered + 1) % 4,
        rnrCount: 0,
      }),
      countRnr: assign({ rnrCount: ({ context }) => context.rnrCount + 1 }),
      repost: assign({ rxPosted: ({ context }) => context.rxPosted + 1 }),
      resetRnr: assign({ rnrCount: 0 }),
      flush: assign({ sendQ: 0, inFlight: 0 }),
    },
  }).createMachine({
    id: 'rc-bench',
    context: { sendQ: 0, rxPosted: 0, inFlight: 0, delivered: 0, rnrCount: 0 },
    initial: 'closed',
    on: {
      APP_SEND: { guard: 'sendQNotFull', actions: 'enqueue' },
      REPOST: { guard: 'rxNotFull', actions: 'repost' },
    },
    states: {
      closed: { on: { CONNECT: 'connecting' } },
      connecting: { on: { ESTABLISH: { target: 'connected', actions: 'resetRnr' } } },
      connected: {
        on: {
          TRANSMIT: { guard: 'canTransmit', actions: 'transmit' },
          ARRIVE_OK: { guard: 'canArrive', actions: 'arrive' },
          ARRIVE_RNR: [
            { guard: 'rnrExhausted', target: 'error', actions: 'countRnr' },
            { guard: 'rnr', actions: 'countRnr' },
          ],
        },
      },
      error: { on: { FLUSH: { target: 'closed', actions: 'flush' } } },
    },
  });
}

export const BENCH_EVENTS: readonly BenchEvent[] = [
  { type: 'APP_SEND' },
  { type: 'CONNECT' },
  { type: 'ESTABLISH' },
  { type: 'TRANSMIT' },
  { type: 'ARRIVE_OK' },
  { type: 'ARRIVE_RNR' },
  { type: 'REPOST' },
  { type: 'FLUSH' },
];

export const rcBench: ModelSpec<{ N: number }, null, BenchContext> = {
  id: 'rc-bench',
  title: 'Simplified RC receive path (benchmark)',
  summary: 'The benchmark model shared by the explorer, compiled-path and SPIN benchmarks.',
  sources: [],
  modelled: 'Connection state, send queue, posted receive buffers, sends in flight, RNR count.',
  leftOut: 'Everything else: it is a benchmark.',
  params: { N: { kind: 'int', default: 8, check: 8, min: 1, max: 255, doc: 'queue and ring size', source: 'benchmark' } },
  variants: [{ name: 'default', kind: 'baseline', doc: 'As specified in issue 8.', behaviour: null, catches: [] }],
  instantiate: (p) => ({
    machine: rcBenchMachine(p.N),
    inputs: [undefined],
    events: () => BENCH_EVENTS,
    domains: {
      sendQ: domain.int(0, p.N),
      rxPosted: domain.int(0, p.N),
      inFlight: domain.int(0, p.N),
      delivered: domain.int(0, 3),
      rnrCount: domain.int(0, 3),
    },
  }),
  invariants: [{ name: 'withinBounds', doc: 'Queues stay within 0..N.', holds: (s, p) => s.context.sendQ <= p.N && s.context.inFlight <= p.N && s.context.rxPosted <= p.N }],
  liveness: [],
  goals: [],
};
