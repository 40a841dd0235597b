/**
 * Breadth-first search over a successor function, evaluating the per-state
 * predicates as states are discovered. Because states are discovered level
 * by level, the first state found violating an invariant (or reaching a
 * goal, or deadlocked) has a shortest path from an initial state.
 *
 * A state that violates an invariant is an error state: it is recorded and
 * not expanded, so a bug does not drag the search into states the protocol
 * can never reach; unless the invariant asks for its violations to be
 * expanded (`expand`), for properties a correct version violates by design.
 */
import { getHeapStatistics } from 'node:v8';
import type { ModelState } from '../model/spec.js';
import { RxspecError } from '../errors/rxspec-error.js';
import { ModelDefinitionError } from '../errors/model-definition-error.js';
import { BitVector } from './int-vector.js';
import { StateGraph } from './graph.js';
import type { StateKey } from './key.js';
import { ModelStepError, type SuccessorFunction } from './successors.js';

export interface Probe {
  /** `expand`: a state violating this invariant is still expanded (it is not an error state). */
  readonly invariants: readonly { name: string; holds(s: ModelState): boolean; expand?: boolean }[];
  readonly goals: readonly { name: string; reached(s: ModelState): boolean }[];
  /** Leads-to properties: both sides are recorded as one bit per state. */
  readonly leadsTo: readonly { name: string; from(s: ModelState): boolean; to(s: ModelState): boolean }[];
  isEnd(s: ModelState): boolean;
}

export interface SearchProgress {
  distinct: number;
  expanded: number;
  transitions: number;
  depth: number;
  elapsedMs: number;
}

export interface SearchOptions {
  maxStates: number;
  maxDepth?: number;
  /** Called about once a second on long runs. */
  onProgress?: (p: SearchProgress) => void;
  /** Fraction of the V8 heap limit past which the search stops as bounded-out. */
  heapFraction?: number;
}

export type StopReason = 'complete' | 'max-states' | 'max-depth' | 'memory' | 'error';

export interface SearchOutcome {
  graph: StateGraph;
  stop: StopReason;
  /** Per invariant: the first (shallowest) state violating it, or -1. */
  invariantFirst: number[];
  goalFirst: number[];
  deadlockFirst: number;
  error: { state: number; event: number; message: string } | null;
  leadsFrom: BitVector[];
  leadsTo: BitVector[];
  /** States where stopping is allowed (declared end states and final states). */
  endStates: BitVector;
  maxDepth: number;
  elapsedMs: number;
}

function evaluate(kind: string, name: string, f: () => boolean): boolean {
  try {
    return f();
  } catch (err) {
    if (err instanceof RxspecError) throw err;
    throw new ModelDefinitionError(
      `${kind} '${name}' threw: ${(err as Error)?.message ?? String(err)}`,
      `make '${name}' total: it must return a boolean for every reachable state`,
    );
  }
}

export function search<S>(succ: SuccessorFunction<S>, probe: Probe, options: SearchOptions): SearchOutcome {
  const start = performance.now();
  const graph = new StateGraph((i) => succ.event(i));
  const visited = new Map<StateKey, number>();
  const pending: (S | undefined)[] = [];
  const pendingKey: (StateKey | undefined)[] = [];
  const errorState = new BitVector();
  const invariantFirst = probe.invariants.map(() => -1);
  const goalFirst = probe.goals.map(() => -1);
  const leadsFrom = probe.leadsTo.map(() => new BitVector());
  const leadsTo = probe.leadsTo.map(() => new BitVector());
  const endStates = new BitVector();
  const heapLimit = getHeapStatistics().heap_size_limit * (options.heapFraction ?? 0.8);
  const maxDepth = options.maxDepth ?? Infinity;
  let stop: StopReason = 'complete';
  let deadlockFirst = -1;
  let error: SearchOutcome['error'] = null;
  let deepest = 0;

  const discover = (s: S, k: StateKey, parent: number, event: number, depth: number, input: number): number => {
    const id = graph.addState(parent, event, depth, input);
    visited.set(k, id);
    pending[id] = s;
    pendingKey[id] = k;
    if (depth > deepest) deepest = depth;
    const view = succ.view(s);
    probe.invariants.forEach((inv, i) => {
      if (!evaluate('invariant', inv.name, () => inv.holds(view))) {
        if (!inv.expand) errorState.set(id);
        if (invariantFirst[i] === -1) invariantFirst[i] = id;
      }
    });
    probe.goals.forEach((g, i) => {
      if (goalFirst[i] === -1 && evaluate('goal', g.name, () => g.reached(view))) goalFirst[i] = id;
    });
    probe.leadsTo.forEach((l, i) => {
      if (evaluate('liveness property', l.name, () => l.from(view))) leadsFrom[i].set(id);
      if (evaluate('liveness property', l.name, () => l.to(view))) leadsTo[i].set(id);
    });
    if (succ.isFinal(s) || evaluate('end-state predicate', 'isEndState', () => probe.isEnd(view))) endStates.set(id);
    return id;
  };

  succ.initial().forEach((s, input) => {
    const k = succ.key(s);
    if (!visited.has(k)) discover(s, k, -1, -1, 0, input);
  });

  let lastReport = start;
  outer: for (let i = 0; i < graph.count; i++) {
    graph.beginEdges(i);
    const s = pending[i] as S;
    const k = pendingKey[i] as StateKey;
    pending[i] = undefined;
    pendingKey[i] = undefined;
    if (errorState.has(i)) continue;
    const depth = graph.depth.get(i);
    const atDepthBound = depth >= maxDepth;
    let successors = 0;
    let overflow = false;
    let cut = false;
    try {
      succ.expand(s, k, (ev, next, nk) => {
        successors++;
        let j = visited.get(nk);
        if (j === undefined) {
          if (atDepthBound) {
            cut = true;
            return;
          }
          if (graph.count >= options.maxStates) {
            overflow = true;
            return;
          }
          j = discover(next, nk, i, ev, depth + 1, graph.rootInput.get(i));
        }
        graph.addEdge(j, ev);
      });
    } catch (err) {
      if (!(err instanceof ModelStepError)) throw err;
      error = { state: i, event: err.eventIndex, message: err.message };
      stop = 'error';
      break outer;
    }
    if (overflow) {
      stop = 'max-states';
      break;
    }
    if (cut) {
      if (stop === 'complete') stop = 'max-depth';
    } else {
      graph.expanded.set(i);
    }
    if (successors === 0 && deadlockFirst === -1 && !endStates.has(i)) deadlockFirst = i;

    if ((i & 4095) === 4095) {
      if (process.memoryUsage().heapUsed > heapLimit) {
        stop = 'memory';
        break;
      }
      const now = performance.now();
      if (options.onProgress && now - lastReport >= 1000) {
        lastReport = now;
        options.onProgress({
          distinct: graph.count,
          expanded: i + 1,
          transitions: graph.transitions,
          depth: deepest,
          elapsedMs: now - start,
        });
      }
    }
  }
  graph.seal();
  return {
    graph,
    stop,
    invariantFirst,
    goalFirst,
    deadlockFirst,
    error,
    leadsFrom,
    leadsTo,
    endStates,
    maxDepth: deepest,
    elapsedMs: performance.now() - start,
  };
}
