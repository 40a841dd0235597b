/**
 * Leads-to (`P ~> Q`) under weak fairness, decided on the explored graph.
 *
 * A violation is a behaviour that reaches a P-state and then never reaches a
 * Q-state, while being weakly fair to the named event types. Such a behaviour
 * ends in a strongly connected component of the non-Q states (a single state
 * counts: the environment may stutter there) that is fair: for every fair
 * event type, either some state of the component disables it or an edge of
 * that type stays inside the component. For weak fairness the maximal
 * component is the best cycle, so checking maximal components is exact.
 *
 * The counterexample is a lasso: a shortest prefix through a P-state into a
 * fair component (a two-layer breadth-first search: layer 1 after P held),
 * then a cycle that visits, for each fair event type, a state disabling it
 * or an edge taking it.
 */
import type { BitVector } from './int-vector.js';
import type { StateGraph } from './graph.js';
import { stronglyConnected } from './scc.js';

export interface Lasso {
  input: number;
  /** Events along the prefix and then the cycle. */
  events: number[];
  /** State ids: states[k+1] follows states[k] by events[k]. */
  states: number[];
  /** Index in `states` where P held, after which Q never holds. */
  fromIndex: number;
  /** Index in `states` where the cycle starts; the last state equals it. */
  loopStart: number;
  /** The behaviour stays in the last state forever (no fair event is enabled there). */
  stutter: boolean;
  /** Events enabled on the cycle but never taken, and why fairness does not force them. */
  unforced: { type: string; reason: string }[];
}

export function findLasso(
  graph: StateGraph,
  from: BitVector,
  to: BitVector,
  fair: readonly string[],
  eventType: (event: number) => string,
): Lasso | null {
  const n = graph.count;
  const F = fair.length;
  const inN = (v: number) => graph.expanded.has(v) && !to.has(v);
  const fairOfCache = new Map<number, number>();
  const fairOf = (ev: number): number => {
    let f = fairOfCache.get(ev);
    if (f === undefined) {
      f = fair.indexOf(eventType(ev));
      fairOfCache.set(ev, f);
    }
    return f;
  };
  const enabledFair = (v: number): Uint8Array => {
    const m = new Uint8Array(F);
    for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) {
      const f = fairOf(graph.edgeEvent.get(e));
      if (f >= 0) m[f] = 1;
    }
    return m;
  };

  const { comp, count } = stronglyConnected(graph, inN);
  const disabled = new Uint8Array(count * F);
  const taken = new Uint8Array(count * F);
  for (let v = 0; v < n; v++) {
    const c = comp[v];
    if (c < 0) continue;
    const en = enabledFair(v);
    for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) {
      const f = fairOf(graph.edgeEvent.get(e));
      if (f >= 0 && comp[graph.edgeTarget.get(e)] === c) taken[c * F + f] = 1;
    }
    for (let f = 0; f < F; f++) if (!en[f]) disabled[c * F + f] = 1;
  }
  const fairComp = new Uint8Array(count);
  for (let c = 0; c < count; c++) {
    let ok = 1;
    for (let f = 0; f < F; f++) if (!disabled[c * F + f] && !taken[c * F + f]) ok = 0;
    fairComp[c] = ok;
  }

  // Two-layer BFS: node = state * 2 + layer; layer 1 once P held without Q since.
  const parent = new Int32Array(2 * n).fill(-2);
  const parentEv = new Int32Array(2 * n).fill(-1);
  const queue = new Int32Array(2 * n);
  let head = 0;
  let tail = 0;
  let found = -1;
  const visit = (node: number, par: number, ev: number): void => {
    if (found >= 0 || parent[node] !== -2) return;
    parent[node] = par;
    parentEv[node] = ev;
    queue[tail++] = node;
    const v = node >> 1;
    if ((node & 1) === 0) {
      if (from.has(v) && inN(v)) visit(v * 2 + 1, node, -1);
    } else if (fairComp[comp[v]]) {
      found = node;
    }
  };
  for (let v = 0; v < n && graph.parent.get(v) === -1; v++) visit(v * 2, -1, -1);
  while (head < tail && found < 0) {
    const node = queue[head++];
    const v = node >> 1;
    if (!graph.expanded.has(v)) continue;
    for (let e = graph.firstEdge(v); e < graph.endEdge(v) && found < 0; e++) {
      const w = graph.edgeTarget.get(e);
      if ((node & 1) === 0) visit(w * 2, node, graph.edgeEvent.get(e));
      else if (inN(w)) visit(w * 2 + 1, node, graph.edgeEvent.get(e));
    }
  }
  if (found < 0) return null;

  // The prefix, skipping the ε-move between layers (which marks where P held).
  const nodes: number[] = [];
  for (let x = found; x !== -1; x = parent[x]) nodes.push(x);
  nodes.reverse();
  const states: number[] = [];
  const events: number[] = [];
  let fromIndex = 0;
  for (let i = 0; i < nodes.length; i++) {
    const ev = parentEv[nodes[i]];
    if (i > 0 && ev === -1) {
      fromIndex = states.length - 1;
      continue;
    }
    if (i > 0) events.push(ev);
    states.push(nodes[i] >> 1);
  }
  const c0 = found >> 1;
  const loopStart = states.length - 1;
  const c = comp[c0];

  // The cycle: for each fair type, reach a state disabling it or take an edge of it.
  const within = (src: number, goal: (v: number) => number): { path: number[][]; end: number } => {
    // BFS inside the component; goal returns -2 (no), -1 (stop here) or an edge to take.
    const par = new Map<number, [number, number]>([[src, [-1, -1]]]);
    const q = [src];
    for (let qi = 0; qi < q.length; qi++) {
      const v = q[qi];
      const g = goal(v);
      if (g !== -2) {
        const path: number[][] = [];
        for (let x = v; par.get(x)![0] !== -1; x = par.get(x)![0]) path.push([par.get(x)![1], x]);
        path.reverse();
        if (g >= 0) path.push([graph.edgeEvent.get(g), graph.edgeTarget.get(g)]);
        return { path, end: g >= 0 ? graph.edgeTarget.get(g) : v };
      }
      for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) {
        const w = graph.edgeTarget.get(e);
        if (comp[w] === c && !par.has(w)) {
          par.set(w, [v, graph.edgeEvent.get(e)]);
          q.push(w);
        }
      }
    }
    throw new Error('internal: component is not strongly connected');
  };
  let cur = c0;
  const append = (r: { path: number[][]; end: number }) => {
    for (const [ev, w] of r.path) {
      events.push(ev);
      states.push(w);
    }
    cur = r.end;
  };
  for (let f = 0; f < F; f++) {
    append(
      within(cur, (v) => {
        if (!enabledFair(v)[f]) return -1;
        for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) {
          if (fairOf(graph.edgeEvent.get(e)) === f && comp[graph.edgeTarget.get(e)] === c) return e;
        }
        return -2;
      }),
    );
  }
  append(within(cur, (v) => (v === c0 ? -1 : -2)));
  const stutter = states.length - 1 === loopStart;

  // Why the behaviour is fair: what was enabled on the cycle and never taken.
  const cycleStates = states.slice(loopStart, stutter ? loopStart + 1 : states.length - 1);
  const takenTypes = new Set(events.slice(loopStart).map(eventType));
  const enabledTypes = new Set<string>();
  for (const v of cycleStates) {
    for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) enabledTypes.add(eventType(graph.edgeEvent.get(e)));
  }
  const unforced: Lasso['unforced'] = [];
  for (const t of [...enabledTypes].sort()) {
    if (takenTypes.has(t)) continue;
    if (!fair.includes(t)) {
      unforced.push({ type: t, reason: 'not under weak fairness, so the behaviour may never take it' });
    } else {
      const k = cycleStates.findIndex((v) => !enabledFair(v)[fair.indexOf(t)]);
      unforced.push({
        type: t,
        reason: `weakly fair, but disabled at state ${loopStart + k} of the cycle, so weak fairness does not force it`,
      });
    }
  }
  return { input: graph.inputOf(states[0]), events, states, fromIndex, loopStart, stutter, unforced };
}

/**
 * A state the search did not expand (it violates an invariant) that a
 * behaviour can reach from a state where `from` holds, through states where
 * `to` does not: the behaviour goes on past it unseen, so finding no lasso
 * proves nothing about it. Returns such a state, or -1 when there is none
 * and "no lasso" is a proof.
 */
export function prunedOnTheWay(graph: StateGraph, from: BitVector, to: BitVector, pruned: BitVector): number {
  const n = graph.count;
  const seen = new Uint8Array(n);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) {
    if (from.has(v) && !to.has(v)) {
      seen[v] = 1;
      queue.push(v);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    if (pruned.has(v)) return v;
    for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) {
      const t = graph.edgeTarget.get(e);
      if (!seen[t] && !to.has(t)) {
        seen[t] = 1;
        queue.push(t);
      }
    }
  }
  return -1;
}
