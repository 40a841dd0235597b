/**
 * The rxspec command end to end, as a user runs it: the real bin/rxspec.js
 * in a child process, checking exit codes and the one-line errors.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const BIN = new URL('../../bin/rxspec.js', import.meta.url).pathname;
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'rxspec-cli-'));
const docsCheck = Promise.resolve().then(() => rxspec('docs', '--check'));

async function rxspec(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('rxspec check and replay', () => {
  test('check writes one trace per counterexample, and each replays as reproduced', async () => {
    const r = await rxspec('check', 'die-hard', 'arbiter', '--out', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 runs, all as expected');
    expect(r.stdout).toContain('die-hard/default: violates bigNeverHolds4 (6 steps); as expected');
    const replayed = await rxspec('replay', join(dir, 'arbiter.grant-only-in-a.requestEventuallyServed.json'));
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain('── back to state 1: the cycle repeats forever ──');
    expect(replayed.stdout).toMatch(/reproduced: 3 steps replayed/);
  });

  test('--json is a machine-readable report', async () => {
    const r = await rxspec('check', 'counters', '--json', '--no-traces');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.runs.map((x: { variant: string; asExpected: boolean }) => [x.variant, x.asExpected])).toEqual([
      ['default', true],
      ['overshoot', true],
    ]);
    expect(report.runs[0].stats.distinct).toBe(40);
  });

  test('a bounded-out run says how to raise the bound or shrink the parameters, and exits 1', async () => {
    const r = await rxspec('check', 'counters', '--variant', 'default', '--max-states', '10');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('bounded-out (max-states), not as expected');
    expect(r.stdout).toContain('raise --max-states (now 10) or shrink the parameters (e.g. --param A=2, --param B=3)');
  });

  test('a variant checked at other parameters is compared on its verdicts', async () => {
    const r = await rxspec('check', 'counters', '--variant', 'overshoot', '--param', 'A=6', '--no-traces');
    expect(r.code).toBe(0);
  });
});

describe('bad input: one clear line naming the problem and the fix, exit 2, no stack trace', () => {
  const good = () => JSON.parse(readFileSync(join(dir, 'die-hard.default.bigNeverHolds4.json'), 'utf8'));
  const file = (name: string, data: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
    return p;
  };

  test.each([
    ['an unknown model', ['check', 'nosuch'], "rxspec: unknown model 'nosuch'"],
    ['an unknown variant', ['check', 'die-hard', '--variant', 'nope'], "rxspec: model 'die-hard' has no variant 'nope'"],
    ['an unknown parameter', ['check', 'counters', '--param', 'Z=1'], "rxspec: model 'counters' has no parameter 'Z'"],
    ['a value out of range', ['check', 'counters', '--param', 'A=-1'], "rxspec: parameter 'A' of model 'counters' is -1, but must be an integer from 0 to 1000"],
    ['a bad bound', ['check', 'counters', '--max-states', 'lots'], "rxspec: --max-states must be a positive integer, not 'lots'"],
    ['a missing trace file', ['replay', '/nonexistent/t.json'], 'rxspec: /nonexistent/t.json: no such file'],
    ['an unknown command', ['frobnicate'], "error: unknown command 'frobnicate'"],
  ])('%s', { concurrent: true }, async (_what, args, message) => {
    const r = await rxspec(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('malformed traces: truncated, wrong version, unknown model, a step that does not reproduce', async () => {
    const g = good();
    const cases: [string, unknown, string][] = [
      ['truncated.json', JSON.stringify(g).slice(0, 150), 'is not valid JSON'],
      ['v2.json', { ...g, version: 2 }, 'is trace format version 2, but this rxspec reads version 1'],
      ['unknown-model.json', { ...g, model: 'ipoib-ud' }, "rxspec: unknown model 'ipoib-ud'"],
      [
        'diverged.json',
        { ...g, trace: { ...g.trace, steps: g.trace.steps.map((s: any, i: number) => (i === 1 ? { ...s, event: { type: 'FILL_SMALL' } } : s)) } },
        'step 2 does not reproduce',
      ],
    ];
    const results = await Promise.all(cases.map(([name, data]) => rxspec('replay', file(name, data))));
    results.forEach((r, i) => {
      expect(r.code, cases[i][0]).toBe(2);
      expect(r.stderr).toContain(cases[i][2]);
      expect(r.stderr).toContain('fix:');
    });
  });

  test('a trace that reproduces but no longer violates its property exits 1', async () => {
    const g = good();
    const r = await rxspec('replay', file('prefix.json', { ...g, trace: { ...g.trace, steps: g.trace.steps.slice(0, 5) } }), '--format', 'none');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('every step reproduces, but invariant bigNeverHolds4 holds in the last state');
  });
});

describe('rxspec simulate', () => {
  test('prints a model\'s simulated tables, and refuses a model without a simulation', async () => {
    const [ok, none] = await Promise.all([rxspec('simulate', 'cm-checksum', '--json'), rxspec('simulate', 'die-hard')]);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.tables.length).toBeGreaterThan(0);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("rxspec: model 'die-hard' has no simulation");
  });
});

describe('rxspec docs --check', () => {
  // The freshness check of the committed docs/ (the only full generation in npm test), started when
  // this file loads so it runs beside the tests above.
  test('the committed docs/ is what the models generate now', async () => {
    const r = await docsCheck;
    expect(r.stdout + r.stderr, 'regenerate with: npx rxspec docs').toMatch(/docs\/ is up to date: \d+ files checked/);
    expect(r.code).toBe(0);
  });
});
