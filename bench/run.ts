/**
 * npm run bench: the benchmarks, printed as tables. Never part of npm test.
 * Pass benchmark names to run a subset: npm run bench -- explorer
 */
import { benchExplorer } from './explorer.bench.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const wanted = process.argv.slice(2);
const want = (name: string) => wanted.length === 0 || wanted.includes(name);

if (want('explorer')) {
  console.log('explorer: rxspec check (xstate pure step) vs xstate/graph getAdjacencyMap, rc-bench model');
  console.log('N    states    rxspec states/s  getAdjacencyMap states/s  ratio');
  for (const N of [20]) {
    const r = benchExplorer(N);
    console.log(`${String(r.N).padEnd(4)} ${n(r.states).padStart(8)}  ${n(r.rxspecStatesPerSec).padStart(15)}  ${n(r.adjacencyStatesPerSec).padStart(24)}  ${r.ratio.toFixed(1)}×`);
  }
}
