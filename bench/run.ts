/**
 * npm run bench: the benchmarks, printed as tables. Never part of npm test.
 * Pass names to run a subset: npm run bench -- spin models explorer
 */
import { benchExplorer } from './explorer.bench.js';
import { benchModels } from './models.bench.js';
import { benchSpin } from './spin.bench.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const f1 = (x: number) => x.toFixed(1);
/** Peak-RSS growth per state; below zero it is noise (a run too small to move the RSS). */
const perState = (x: number) => (x < 0 ? '—' : f1(x));
const wanted = process.argv.slice(2);
const want = (name: string) => wanted.length === 0 || wanted.includes(name);

function table(header: string[], rows: (string | number)[][]): void {
  const all = [header, ...rows.map((r) => r.map(String))];
  const w = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const [k, r] of all.entries()) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
    if (k === 0) console.log(w.map((x) => '─'.repeat(x)).join('  '));
  }
  console.log('');
}

if (want('spin')) {
  console.log('SPIN (pan -O2 -DNOREDUCE -DSAFETY) against rxspec (compiled path), benchmark model, median of 5');
  const rows = benchSpin([8, 24, 64]);
  table(
    ['N', 'states', 'SPIN states/s', 'rxspec states/s', 'ratio', 'SPIN B/state', 'rxspec B/state', 'SPIN own B/state', 'rxspec own B/state'],
    rows.map((r) => [r.N, n(r.states), Number.isFinite(r.spinStatesPerSec) ? n(r.spinStatesPerSec) : '—', n(r.rxspecStatesPerSec), Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '—', perState(r.spinBytesPerState), perState(r.rxspecBytesPerState), f1(r.spinOwnBytesPerState), f1(r.rxspecOwnBytesPerState)]),
  );
  console.log(`rxspec path: ${rows.map((r) => `N = ${r.N} ${r.path}`).join('; ')}.`);
  console.log('B/state = (peak RSS − peak RSS at N = 1) / states (—: within the RSS noise of a small run).');
  console.log("SPIN's rate is the one pan prints (—: the run was too short for pan to time); rxspec's is its search's distinct states over its elapsed time.");
  console.log("own = each tool's own account: pan's total actual memory (states, hash table, DFS stack); rxspec's state table and graph arrays.\n");
  console.log('the same model searched by hand-written JavaScript, no engine (bench/ceiling-child.ts), same runs, median of 5, against SPIN');
  const x = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '—');
  table(
    ['N', 'SPIN states/s', 'plain JS states/s', 'ratio', "model's functions states/s", 'ratio', 'rxspec states/s', 'ratio'],
    rows.map((r) => [r.N, Number.isFinite(r.spinStatesPerSec) ? n(r.spinStatesPerSec) : '—', n(r.plainStatesPerSec), x(r.plainStatesPerSec, r.spinStatesPerSec), n(r.modelFunctionsStatesPerSec), x(r.modelFunctionsStatesPerSec, r.spinStatesPerSec), n(r.rxspecStatesPerSec), x(r.rxspecStatesPerSec, r.spinStatesPerSec)]),
  );
  console.log("plain: the rules inlined as integer arithmetic. model's functions: the machine's own guards and assigns on a context object per state, and the invariant, as the compiled path must run them.\n");
}

if (want('explorer')) {
  console.log("explorer: rxspec (compiled) and rxspec (XState's step) against xstate/graph getAdjacencyMap, benchmark model");
  const rows = [24].map((N) => benchExplorer(N));
  table(
    ['N', 'states', 'compiled states/s', 'xstate-step states/s', 'getAdjacencyMap states/s', 'compiled / adjacency', 'xstate-step / adjacency'],
    rows.map((r) => [r.N, n(r.states), n(r.compiledStatesPerSec), n(r.xstateStatesPerSec), n(r.adjacencyStatesPerSec), `${f1(r.compiledStatesPerSec / r.adjacencyStatesPerSec)}×`, `${f1(r.xstateStatesPerSec / r.adjacencyStatesPerSec)}×`]),
  );
}

if (want('models')) {
  console.log('every model at its check bounds, all variants: XState step (before) and compiled path (after)');
  const rows = benchModels();
  table(
    ['model', 'variants', 'states', 'xstate ms', 'compiled ms', 'speedup', 'path'],
    rows.map((r) => [r.model, r.variants, n(r.states), n(r.xstateMs), n(r.compiledMs), `${r.speedup.toFixed(1)}×`, r.paths.join('; ')]),
  );
}
