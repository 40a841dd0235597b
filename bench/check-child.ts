/**
 * One rxspec check of the benchmark model in a fresh process, so its peak
 * memory can be measured: prints one JSON line with the counts, the search
 * rate, the engine's own bytes and the process's peak resident set.
 * Usage: node --import tsx bench/check-child.ts <N> [compiled|xstate]
 */
import { check } from '../src/explore/check.js';
import { rcBench } from './rc-bench.machine.js';

const N = Number(process.argv[2]);
const successors = (process.argv[3] ?? 'compiled') as 'compiled' | 'xstate';
const r = check(rcBench, { params: { N }, successors, maxStates: 50_000_000 });
console.log(
  JSON.stringify({
    N,
    states: r.stats.distinct,
    transitions: r.stats.transitions,
    elapsedMs: r.stats.elapsedMs,
    statesPerSecond: r.stats.statesPerSecond,
    engineBytes: r.stats.graphBytes,
    maxRssKiB: process.resourceUsage().maxRSS,
    path: r.stats.successorPath,
  }),
);
