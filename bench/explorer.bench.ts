/**
 * Explorer throughput: rxspec's breadth-first search (compiled path, and
 * XState's pure step) against xstate/graph's getAdjacencyMap on the same
 * machine with the same events, in the same run. Median of three for rxspec.
 */
import { getAdjacencyMap } from 'xstate/graph';
import type { AnyMachineSnapshot } from 'xstate';
import { check } from '../src/explore/check.js';
import { stateKey } from '../src/explore/key.js';
import { BENCH_EVENTS, rcBench, rcBenchMachine } from './rc-bench.machine.js';

export interface ExplorerRow {
  N: number;
  states: number;
  compiledStatesPerSec: number;
  xstateStatesPerSec: number;
  adjacencyStatesPerSec: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function benchExplorer(N: number, repeats = 3): ExplorerRow {
  const rate = (successors: 'compiled' | 'xstate') =>
    median(Array.from({ length: repeats }, () => check(rcBench, { params: { N }, successors }).stats.statesPerSecond));
  const states = check(rcBench, { params: { N } }).stats.distinct;
  const compiledStatesPerSec = rate('compiled');
  const xstateStatesPerSec = rate('xstate');
  const t0 = performance.now();
  const adj = getAdjacencyMap(rcBenchMachine(N), {
    events: () => [...BENCH_EVENTS],
    serializeState: (s: AnyMachineSnapshot) => stateKey(s.value, s.context),
  });
  const adjMs = performance.now() - t0;
  const adjStates = Object.keys(adj).length;
  if (adjStates !== states) throw new Error(`getAdjacencyMap found ${adjStates} states, rxspec ${states}`);
  return { N, states, compiledStatesPerSec, xstateStatesPerSec, adjacencyStatesPerSec: adjStates / (adjMs / 1000) };
}
