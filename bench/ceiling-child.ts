/**
 * What JavaScript itself reaches on the benchmark model, without rxspec's
 * engine: two breadth-first searches over the same states, written by hand
 * for this one model, with the same visited bitmap over the same 27-bit
 * record rxspec uses at N = 64. They bound what any checker written in
 * JavaScript can do here, in a fresh process like every benchmark run.
 *
 *  plain            the model's rules inlined as integer arithmetic: no
 *                   context object, no call per guard.
 *  model-functions  the machine's own guard and assign functions called on
 *                   a context object per state, as issue 8 requires of
 *                   the compiled path, and the model's invariant on each
 *                   state; no selection, no parent tables beyond the queue.
 *
 * Usage: node --import tsx bench/ceiling-child.ts <N> <plain|model-functions>
 * Prints one JSON line: states, transitions, elapsedMs, statesPerSecond.
 */
import { rcBench, rcBenchMachine } from './rc-bench.machine.js';

const N = Number(process.argv[2]);
const kind = process.argv[3];
if (!Number.isInteger(N) || N < 1 || N > 127 || (kind !== 'plain' && kind !== 'model-functions')) {
  console.error('usage: bench/ceiling-child.ts <N in 1..127> <plain|model-functions>');
  process.exit(2);
}

// Record: connection in bits 0-1 (closed, connecting, connected, error), then
// delivered (2 bits), inFlight (7), rnrCount (2), rxPosted (7), sendQ (7).
const B = 7;
const M = (1 << B) - 1;
const DELIVERED = 2;
const IN_FLIGHT = 4;
const RNR = 4 + B;
const RX_POSTED = 6 + B;
const SEND_Q = 6 + 2 * B;
const BITS = 6 + 3 * B;

const start = performance.now();
let queue = new Int32Array(1 << 16);
let tail = 0;
let transitions = 0;
const visited = new Int32Array(2 ** BITS / 32);
const visit = (k: number, from: number): void => {
  if (k === from) return;
  transitions++;
  const w = k >>> 5;
  const b = 1 << (k & 31);
  if (visited[w] & b) return;
  visited[w] |= b;
  if (tail === queue.length) {
    const q = new Int32Array(2 * tail);
    q.set(queue);
    queue = q;
  }
  queue[tail++] = k;
};
const set = (k: number, shift: number, mask: number, v: number) => (k & ~(mask << shift)) | (v << shift);

visit(0, -1);
transitions = 0;
if (kind === 'plain') {
  for (let h = 0; h < tail; h++) {
    const k = queue[h];
    const c = k & 3;
    const d = (k >>> DELIVERED) & 3;
    const f = (k >>> IN_FLIGHT) & M;
    const n = (k >>> RNR) & 3;
    const r = (k >>> RX_POSTED) & M;
    const s = (k >>> SEND_Q) & M;
    if (s < N) visit(set(k, SEND_Q, M, s + 1), k);
    if (c === 0) visit((k & ~3) | 1, k);
    if (c === 1) visit(set((k & ~3) | 2, RNR, 3, 0), k);
    if (c === 2) {
      if (s > 0 && f < N) visit(set(set(k, SEND_Q, M, s - 1), IN_FLIGHT, M, f + 1), k);
      if (f > 0 && r > 0) visit(set(set(set(set(k, IN_FLIGHT, M, f - 1), RX_POSTED, M, r - 1), DELIVERED, 3, (d + 1) & 3), RNR, 3, 0), k);
      if (f > 0 && r === 0) visit(n === 2 ? set((k & ~3) | 3, RNR, 3, 3) : set(k, RNR, 3, n + 1), k);
    }
    if (r < N) visit(set(k, RX_POSTED, M, r + 1), k);
    if (c === 3) visit(set(set(k & ~3, SEND_Q, M, 0), IN_FLIGHT, M, 0), k);
  }
} else {
  const machine = rcBenchMachine(N);
  const g = machine.implementations.guards as Record<string, (a: unknown) => boolean>;
  // An assign action carries its property assigners (xstate keeps them on the action object).
  const a = machine.implementations.actions as unknown as Record<string, { assignment: Record<string, unknown> }>;
  const fn = (action: string, field: string) => a[action].assignment[field] as (args: unknown) => number;
  const enqueue = fn('enqueue', 'sendQ');
  const [txSendQ, txInFlight] = [fn('transmit', 'sendQ'), fn('transmit', 'inFlight')];
  const [arInFlight, arRxPosted, arDelivered] = [fn('arrive', 'inFlight'), fn('arrive', 'rxPosted'), fn('arrive', 'delivered')];
  const countRnr = fn('countRnr', 'rnrCount');
  const repost = fn('repost', 'rxPosted');
  const invariant = rcBench.invariants[0];
  const params = { N };
  const args = { context: undefined as unknown, event: undefined };
  const view = { value: '', context: undefined as unknown };
  for (let h = 0; h < tail; h++) {
    const k = queue[h];
    const context = { delivered: (k >>> DELIVERED) & 3, inFlight: (k >>> IN_FLIGHT) & M, rnrCount: (k >>> RNR) & 3, rxPosted: (k >>> RX_POSTED) & M, sendQ: (k >>> SEND_Q) & M };
    view.context = context;
    if (!invariant.holds(view as never, params)) continue;
    args.context = context;
    const c = k & 3;
    if (g.sendQNotFull(args)) visit(set(k, SEND_Q, M, enqueue(args)), k);
    if (c === 0) visit((k & ~3) | 1, k);
    if (c === 1) visit(set((k & ~3) | 2, RNR, 3, 0), k);
    if (c === 2) {
      if (g.canTransmit(args)) visit(set(set(k, SEND_Q, M, txSendQ(args)), IN_FLIGHT, M, txInFlight(args)), k);
      if (g.canArrive(args)) visit(set(set(set(set(k, IN_FLIGHT, M, arInFlight(args)), RX_POSTED, M, arRxPosted(args)), DELIVERED, 3, arDelivered(args)), RNR, 3, 0), k);
      if (g.rnrExhausted(args)) visit(set((k & ~3) | 3, RNR, 3, countRnr(args)), k);
      else if (g.rnr(args)) visit(set(k, RNR, 3, countRnr(args)), k);
    }
    if (g.rxNotFull(args)) visit(set(k, RX_POSTED, M, repost(args)), k);
    if (c === 3) visit(set(set(k & ~3, SEND_Q, M, 0), IN_FLIGHT, M, 0), k);
  }
}
const elapsedMs = performance.now() - start;
console.log(JSON.stringify({ N, kind, states: tail, transitions, elapsedMs, statesPerSecond: tail / (elapsedMs / 1000) }));
