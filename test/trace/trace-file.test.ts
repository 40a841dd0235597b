import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { check } from '../../src/explore/check.js';
import { TraceDivergedError } from '../../src/errors/trace-diverged-error.js';
import { TraceFormatError } from '../../src/errors/trace-format-error.js';
import { counterexampleFiles, loadTraceFile, witnessFiles, writeTraceFile } from '../../src/trace/file.js';
import { replay } from '../../src/trace/replay.js';
import { arbiter, counters, dieHard, stopper } from '../fixtures/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rxspec-trace-'));

describe('trace files round-trip', () => {
  for (const [spec, variant] of [
    [dieHard, 'default'],
    [stopper, 'default'],
    [arbiter, 'grant-only-in-a'],
    [counters, 'overshoot'],
  ] as const) {
    test(`${spec.id}/${variant}: every counterexample written, loaded and replayed reproduces`, () => {
      const r = check(spec, { variant });
      const files = counterexampleFiles(r);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const path = writeTraceFile(dir, f);
        const loaded = loadTraceFile(path);
        expect(loaded).toEqual(JSON.parse(JSON.stringify(f)));
        expect(replay(path, loaded, spec)).toMatchObject({ kind: 'reproduced', steps: f.trace.steps.length });
      }
    });
  }

  test("replay prints the model's explanation of the violation, read on the replayed state", () => {
    const [cx] = counterexampleFiles(check(dieHard));
    const path = writeTraceFile(dir, cx);
    expect(replay(path, loadTraceFile(path), dieHard).message).toBe('invariant bigNeverHolds4 is violated in the last state: the big jug holds 4 gallons and the small one 3');
    const lasso = counterexampleFiles(check(arbiter, { variant: 'grant-only-in-a' })).find((f) => f.property.name === 'requestEventuallyServed')!;
    const lassoPath = writeTraceFile(dir, lasso);
    expect(replay(lassoPath, loadTraceFile(lassoPath), arbiter).message).toMatch(/without reaching its goal: the client spins in /);
  });

  test('a goal witness replays as reaching its goal', () => {
    const [w] = witnessFiles(check(dieHard), dieHard);
    const path = writeTraceFile(dir, w);
    expect(replay(path, loadTraceFile(path), dieHard)).toMatchObject({ kind: 'reproduced', message: 'goal bigHolds4 is reached in the last state' });
  });
});

describe('replay re-evaluates the property', () => {
  const [cx] = counterexampleFiles(check(dieHard));

  test('a prefix of a counterexample reproduces step by step, but the invariant holds at its end', () => {
    const shortened = { ...cx, trace: { ...cx.trace, steps: cx.trace.steps.slice(0, 5) } };
    expect(replay('x.json', shortened, dieHard)).toMatchObject({ kind: 'property-holds' });
  });

  test('an edited state is reported at the first step that diverges', () => {
    const steps = cx.trace.steps.map((s, i) => (i === 2 ? { ...s, state: { ...s.state, context: { small: 1, big: 2 } } } : s));
    const edited = { ...cx, trace: { ...cx.trace, steps } };
    expect(() => replay('x.json', edited, dieHard)).toThrow(TraceDivergedError);
    expect(() => replay('x.json', edited, dieHard)).toThrow('x.json: step 3 does not reproduce: recorded small = 1, the model gives 0');
  });

  test("an event the model's environment never sends there is not a behaviour, even if the machine would take it", () => {
    const steps = cx.trace.steps.map((s, i) => (i === 0 ? { ...s, event: { type: 'FILL_BIG', litres: 5 } } : s));
    const forged = { ...cx, trace: { ...cx.trace, steps } };
    expect(() => replay('x.json', forged, dieHard)).toThrow(TraceDivergedError);
    expect(() => replay('x.json', forged, dieHard)).toThrow(`its event {"litres":5,"type":"FILL_BIG"} is not one the model's environment sends in state 0`);
  });

  test('a lasso that is no longer fair is not a counterexample', () => {
    const [lasso] = counterexampleFiles(check(arbiter, { variant: 'grant-only-in-a' })).filter((f) => f.property.name === 'requestEventuallyServed');
    // Replayed on the default variant, GRANT is enabled throughout the TICK cycle and never taken.
    const onDefault = { ...lasso, variant: 'default' };
    expect(replay('x.json', onDefault, arbiter)).toMatchObject({
      kind: 'property-holds',
      message: 'the cycle is not weakly fair: GRANT is enabled throughout and never taken',
    });
  });
});

describe('loading refuses malformed files with what is wrong', () => {
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const good = JSON.stringify(counterexampleFiles(check(dieHard))[0]);
  const lassoFile = JSON.stringify(counterexampleFiles(check(arbiter, { variant: 'grant-only-in-a' })).find((f) => f.property.name === 'requestEventuallyServed'));

  test.each([
    ['missing.json', null, 'no such file'],
    ['truncated.json', good.slice(0, 200), 'is not valid JSON'],
    ['not-trace.json', '{"hello": 1}', 'is not an rxspec trace'],
    ['version.json', good.replace('"version":1', '"version":2'), 'is trace format version 2, but this rxspec reads version 1'],
    ['field.json', good.replace('"type":"FILL_BIG"', '"type":7'), 'has a malformed field: trace.steps[0].event.type'],
    ['extra.json', good.replace('"format"', '"script":"alert(1)","format"'), 'has a malformed field: (top level)'],
    ['loop.json', lassoFile.replace(/"loop":\{[^}]*\}/, '"loop":{"start":1,"stutter":false,"from":2}'), "has a loop whose premise state (2) comes after the cycle's start (1)"],
  ])('%s', (name, text, message) => {
    const path = text === null ? join(dir, name) : write(name, text);
    expect(() => loadTraceFile(path)).toThrow(TraceFormatError);
    expect(() => loadTraceFile(path)).toThrow(message);
  });
});
