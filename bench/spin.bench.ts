/**
 * SPIN against rxspec's compiled path on the benchmark model (issue 8):
 * the Promela form (bench/rc-bench.pml) compiled with -O2 -DNOREDUCE
 * -DSAFETY, and rxspec's check of the XState form, must report the same
 * number of states; then states per second and bytes per state, median of
 * five runs each (alternating between the tools), measured in one run of
 * the benchmark.
 *
 * Bytes per state is peak resident memory over states, after subtracting
 * the peak of the same program on a tiny instance (N = 1), so the runtime
 * itself (Node, pan's binary) is not charged to the states. Each tool's own
 * account of its state storage is shown beside it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Installs Debian's spin (and GNU time) when missing; the benchmark needs both. */
export function ensureSpin(): void {
  if (have('spin') && have('/usr/bin/time')) return;
  console.log('installing Debian packages spin and time (the SPIN comparison needs them)...');
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq spin time gcc'], { stdio: 'inherit' });
  if (r.status !== 0 || !have('spin')) throw new Error('could not install spin: run as root, or install it with: apt-get install spin time gcc');
}

export interface SpinRun {
  states: number;
  transitions: number;
  statesPerSecond: number;
  /** pan's own "total actual memory usage": states, hash table and DFS stack, bytes. */
  stateBytes: number;
  maxRssKiB: number;
}

/** Generates and compiles pan for size N in a temporary folder; returns the binary's path. */
export function buildPan(N: number): string {
  const dir = mkdtempSync(join(tmpdir(), `rxspec-spin-${N}-`));
  copyFileSync(join(HERE, 'rc-bench.pml'), join(dir, 'rc-bench.pml'));
  execFileSync('spin', [`-DN=${N}`, '-a', 'rc-bench.pml'], { cwd: dir, stdio: 'pipe' });
  execFileSync('gcc', ['-O2', '-DNOREDUCE', '-DSAFETY', '-o', 'pan', 'pan.c'], { cwd: dir, stdio: 'pipe' });
  return join(dir, 'pan');
}

export function runPan(pan: string, expectedStates: number): SpinRun {
  // Hash table about the size of the state space (2^w slots), depth limit past the DFS depth.
  const w = Math.max(10, Math.ceil(Math.log2(Math.max(expectedStates, 2))) + 1);
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', pan, `-m${Math.max(10000, expectedStates)}`, `-w${w}`], { encoding: 'utf8' });
  const out = r.stdout + r.stderr;
  const num = (re: RegExp, optional = false) => {
    const m = out.match(re);
    if (!m && !optional) throw new Error(`unexpected pan output:\n${out}`);
    return m ? Number(m[1]) : NaN;
  };
  return {
    states: num(/(\d+) states, stored/),
    transitions: num(/(\d+) transitions/),
    // pan prints no rate for a run too short to time (the N = 1 baseline).
    statesPerSecond: num(/pan: rate\s+([\d.]+) states\/second/, true),
    stateBytes: num(/([\d.]+)\s+total actual memory usage/) * 1024 * 1024,
    maxRssKiB: num(/maxrss (\d+)/),
  };
}

/** Runs a bench/ script in a fresh process (so its JIT warm-up and peak memory are its own); returns its last line as JSON. */
function runChild<T>(script: string, ...args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(HERE, script), ...args], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

export interface RxspecRun {
  states: number;
  transitions: number;
  statesPerSecond: number;
  engineBytes: number;
  maxRssKiB: number;
  path: string;
}

export function runRxspec(N: number, successors: 'compiled' | 'xstate' = 'compiled'): RxspecRun {
  return runChild<RxspecRun>('check-child.ts', String(N), successors);
}

/** A hand-written search of the benchmark model (bench/ceiling-child.ts): what JavaScript itself reaches. */
export function runCeiling(N: number, kind: 'plain' | 'model-functions'): { states: number; transitions: number; statesPerSecond: number } {
  return runChild('ceiling-child.ts', String(N), kind);
}

export interface SpinRow {
  N: number;
  states: number;
  spinStatesPerSec: number;
  rxspecStatesPerSec: number;
  ratio: number;
  spinBytesPerState: number;
  rxspecBytesPerState: number;
  spinOwnBytesPerState: number;
  rxspecOwnBytesPerState: number;
  path: string;
  /** Hand-written searches of the same model, no engine (see bench/ceiling-child.ts). */
  plainStatesPerSec: number;
  modelFunctionsStatesPerSec: number;
}

export function benchSpin(sizes: readonly number[], repeats = 5): SpinRow[] {
  ensureSpin();
  const spinBase = runPan(buildPan(1), 16).maxRssKiB;
  const rxBase = runRxspec(1).maxRssKiB;
  return sizes.map((N) => {
    const pan = buildPan(N);
    const first = runRxspec(N);
    // Runs alternate between the tools, so a change in the machine's load falls on both.
    const spins: SpinRun[] = [];
    const rxs: RxspecRun[] = [first];
    const plain: number[] = [];
    const modelFunctions: number[] = [];
    for (let r = 0; r < repeats; r++) {
      spins.push(runPan(pan, first.states));
      if (r > 0) rxs.push(runRxspec(N));
      for (const [kind, rates] of [['plain', plain], ['model-functions', modelFunctions]] as const) {
        const c = runCeiling(N, kind);
        if (c.states !== first.states || c.transitions !== first.transitions) {
          throw new Error(`N=${N}: the ${kind} search found ${c.states} states and ${c.transitions} transitions, rxspec ${first.states} and ${first.transitions}`);
        }
        rates.push(c.statesPerSecond);
      }
    }
    if (spins.some((s) => s.states !== first.states)) {
      throw new Error(`N=${N}: SPIN found ${spins[0].states} states, rxspec ${first.states}: the two forms of the model differ`);
    }
    const spinRate = median(spins.map((s) => s.statesPerSecond));
    const rxRate = median(rxs.map((r) => r.statesPerSecond));
    const perState = (kib: number, base: number) => ((kib - base) * 1024) / first.states;
    return {
      N,
      states: first.states,
      spinStatesPerSec: spinRate,
      rxspecStatesPerSec: rxRate,
      ratio: rxRate / spinRate,
      spinBytesPerState: median(spins.map((s) => perState(s.maxRssKiB, spinBase))),
      rxspecBytesPerState: median(rxs.map((r) => perState(r.maxRssKiB, rxBase))),
      spinOwnBytesPerState: spins[0].stateBytes / first.states,
      rxspecOwnBytesPerState: first.engineBytes / first.states,
      path: first.path,
      plainStatesPerSec: median(plain),
      modelFunctionsStatesPerSec: median(modelFunctions),
    };
  });
}
