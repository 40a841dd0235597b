/**
 * Strongly connected components of a subgraph of the state graph (Tarjan's
 * algorithm, iterative so that a million-state graph does not overflow the
 * call stack). Only states for which `include` holds take part, and only
 * edges between two such states.
 */
import type { StateGraph } from './graph.js';

export interface Components {
  /** Component id per state; -1 for states left out. */
  readonly comp: Int32Array;
  readonly count: number;
}

export function stronglyConnected(graph: StateGraph, include: (s: number) => boolean): Components {
  const n = graph.count;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  // The explicit call stack: the state and the next edge to look at.
  const callState = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let next = 0;
  let count = 0;

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1 || !include(root)) continue;
    let top = 0;
    callState[0] = root;
    callEdge[0] = graph.firstEdge(root);
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (top >= 0) {
      const v = callState[top];
      const end = graph.endEdge(v);
      let descended = false;
      while (callEdge[top] < end) {
        const e = callEdge[top]++;
        const w = graph.edgeTarget.get(e);
        if (!include(w)) continue;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          top++;
          callState[top] = w;
          callEdge[top] = graph.firstEdge(w);
          descended = true;
          break;
        }
        if (onStack[w] && index[w] < low[v]) low[v] = index[w];
      }
      if (descended) continue;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          comp[w] = count;
        } while (w !== v);
        count++;
      }
      top--;
      if (top >= 0) {
        const u = callState[top];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return { comp, count };
}
