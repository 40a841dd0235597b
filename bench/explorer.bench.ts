/**
 * Explorer throughput (issue 2): rxspec's breadth-first search over XState's
 * pure step, against xstate/graph's getAdjacencyMap on the same machine with
 * the same events, in the same run. Median of repeated runs for rxspec.
 */
import { getAdjacencyMap } from 'xstate/graph';
import type { AnyMachineSnapshot } from 'xstate';
import { check } from '../src/explore/check.js';
import { stateKey } from '../src/explore/key.js';
import { BENCH_EVENTS, rcBench, rcBenchMachine } from './rc-bench.machine.js';

export interface ExplorerRow {
  N: number;
  states: number;
  rxspecStatesPerSec: number;
  adjacencyStatesPerSec: number;
  ratio: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function benchExplorer(N: number, repeats = 3): ExplorerRow {
  const rates: number[] = [];
  let states = 0;
  for (let i = 0; i < repeats; i++) {
    const r = check(rcBench, { params: { N } });
    states = r.stats.distinct;
    rates.push(r.stats.statesPerSecond);
  }
  const t0 = performance.now();
  const adj = getAdjacencyMap(rcBenchMachine(N), {
    events: () => [...BENCH_EVENTS],
    serializeState: (s: AnyMachineSnapshot) => stateKey(s.value, s.context),
  });
  const adjMs = performance.now() - t0;
  const adjStates = Object.keys(adj).length;
  if (adjStates !== states) throw new Error(`getAdjacencyMap found ${adjStates} states, rxspec ${states}`);
  const rxspecStatesPerSec = median(rates);
  const adjacencyStatesPerSec = adjStates / (adjMs / 1000);
  return { N, states, rxspecStatesPerSec, adjacencyStatesPerSec, ratio: rxspecStatesPerSec / adjacencyStatesPerSec };
}
