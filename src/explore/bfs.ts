/**
 * Breadth-first search over a state space, evaluating the per-state
 * predicates on each state in discovery order (just before it is
 * expanded). Because states are discovered level by level, the first state
 * found violating an invariant (or reaching a goal, or deadlocked) has a
 * shortest path from an initial state.
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
import { ModelStepError } from './successors.js';
import { NOT_INTERNED, type StateSpace } from './state-space.js';

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
  /** Keep the edges (needed for liveness); without them only parent pointers are stored. */
  keepEdges?: boolean;
  /** Called about once a second on long runs. */
  onProgress?: (p: SearchProgress) => void;
  /** Milliseconds between progress reports (default 1000). */
  progressEveryMs?: number;
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
  /** States not expanded because they violate an invariant: other verdicts cover behaviours up to such states. */
  pruned: number;
  /** Which states those are. */
  prunedStates: BitVector;
}

function predicateError(kind: string, name: string, err: unknown): never {
  if (err instanceof RxspecError) throw err;
  throw new ModelDefinitionError(
    `${kind} '${name}' threw: ${(err as Error)?.message ?? String(err)}`,
    `make '${name}' total: it must return a boolean for every reachable state`,
  );
}

export function search(space: StateSpace, probe: Probe, options: SearchOptions): SearchOutcome {
  const start = performance.now();
  const graph = new StateGraph((i) => space.event(i), options.keepEdges ?? true);
  const errorState = new BitVector();
  const invariantFirst = probe.invariants.map(() => -1);
  const goalFirst = probe.goals.map(() => -1);
  const leadsFrom = probe.leadsTo.map(() => new BitVector());
  const leadsTo = probe.leadsTo.map(() => new BitVector());
  const endStates = new BitVector();
  const heapLimit = getHeapStatistics().heap_size_limit * (options.heapFraction ?? 0.8);
  const maxDepth = options.maxDepth ?? Infinity;
  const { invariants, goals, leadsTo: leads } = probe;
  let stop: StopReason = 'complete';
  let pruned = 0;
  let deadlockFirst = -1;
  let error: SearchOutcome['error'] = null;

  /**
   * Runs the predicates on a state. They run just before the state is
   * expanded, in id order, so its view and its expansion share one
   * unpacked context; states are numbered in discovery order, so the first
   * violation found is still a shallowest one. States discovered but never
   * expanded (a bound or an error stopped the search) are evaluated after
   * the loop.
   */
  let evaluated = 0;
  const evaluate = (id: number): void => {
    evaluated = id + 1;
    const view = space.view(id);
    let k = 0;
    try {
      for (k = 0; k < invariants.length; k++) {
        if (!invariants[k].holds(view)) {
          if (!invariants[k].expand) errorState.set(id);
          if (invariantFirst[k] === -1) invariantFirst[k] = id;
        }
      }
    } catch (err) {
      predicateError('invariant', invariants[k].name, err);
    }
    try {
      for (k = 0; k < goals.length; k++) if (goalFirst[k] === -1 && goals[k].reached(view)) goalFirst[k] = id;
    } catch (err) {
      predicateError('goal', goals[k].name, err);
    }
    try {
      for (k = 0; k < leads.length; k++) {
        if (leads[k].from(view)) leadsFrom[k].set(id);
        if (leads[k].to(view)) leadsTo[k].set(id);
      }
    } catch (err) {
      predicateError('liveness property', leads[k].name, err);
    }
    let end: boolean;
    try {
      end = space.isFinal(id) || probe.isEnd(view);
    } catch (err) {
      predicateError('end-state predicate', 'isEndState', err);
    }
    if (end) endStates.set(id);
  };

  for (const { id, input } of space.init()) graph.addState(id, -1, -1, 0, input);

  // The state being expanded, read by the successor callbacks (allocated once, not per state).
  let source = 0;
  let depth = 0;
  let successors = 0;
  let cut = false;
  const onSuccessor = (ev: number, j: number, isNew: boolean): void => {
    successors++;
    if (j === NOT_INTERNED) {
      cut = true;
      return;
    }
    if (isNew) graph.addState(j, source, ev, depth + 1, -1);
    graph.addEdge(j, ev);
  };
  const onNew = (ev: number, j: number): void => onSuccessor(ev, j, true);
  const onlyNew = !(options.keepEdges ?? true) && space.expandNew !== undefined;

  let lastReport = start;
  for (let i = 0; i < space.size; i++) {
    evaluate(i);
    graph.beginEdges(i);
    if (errorState.has(i)) {
      pruned++;
      space.release(i);
      continue;
    }
    depth = graph.depthOf(i);
    const limit = depth >= maxDepth ? space.size : options.maxStates;
    successors = 0;
    cut = false;
    source = i;
    try {
      if (onlyNew) {
        // Successors seen before are only counted: without edges nothing else is kept of them.
        const seen = space.expandNew!(i, limit, onNew);
        successors += seen;
        graph.transitions += seen;
      } else {
        space.expand(i, limit, onSuccessor);
      }
    } catch (err) {
      if (!(err instanceof ModelStepError)) throw err;
      error = { state: i, event: err.eventIndex, message: err.message };
      stop = 'error';
      break;
    }
    space.release(i);
    if (cut) {
      stop = depth >= maxDepth ? 'max-depth' : 'max-states';
      if (stop === 'max-states') break;
    } else {
      graph.expanded.set(i);
    }
    if (successors === 0 && deadlockFirst === -1 && !endStates.has(i)) deadlockFirst = i;

    if ((i & 4095) === 4095) {
      // V8's own heap figure: process.memoryUsage() reads /proc and costs more than the states between calls.
      if ((i & 65535) === 65535 && getHeapStatistics().used_heap_size > heapLimit) {
        stop = 'memory';
        break;
      }
      const now = performance.now();
      if (options.onProgress && now - lastReport >= (options.progressEveryMs ?? 1000)) {
        lastReport = now;
        options.onProgress({ distinct: space.size, expanded: i + 1, transitions: graph.transitions, depth: graph.depthOf(space.size - 1), elapsedMs: now - start });
      }
    }
  }
  for (let j = evaluated; j < space.size; j++) evaluate(j);
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
    maxDepth: graph.count ? graph.depthOf(graph.count - 1) : 0,
    elapsedMs: performance.now() - start,
    pruned,
    prunedStates: errorState,
  };
}
