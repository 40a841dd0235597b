/**
 * check() through the compiled path gives exactly what XState's path gives:
 * the same states, transitions, verdicts and counterexample lengths; and
 * the compiled path reports which layout it used and why it fell back.
 */
import { describe, expect, test } from 'vitest';
import { check } from '../../src/explore/check.js';
import { domain } from '../../src/model/domains.js';
import { fixtures } from '../fixtures/index.js';
import { rcBench } from '../../bench/rc-bench.machine.js';

const summary = (r: ReturnType<typeof check>) => ({ kind: r.kind, distinct: r.stats.distinct, transitions: r.stats.transitions, depth: r.stats.depth, verdicts: r.verdicts });

describe('compiled and XState paths agree', () => {
  for (const spec of [...fixtures, rcBench]) {
    for (const v of spec.variants) {
      test(`${spec.id}/${v.name}`, () => {
        expect(summary(check(spec, { variant: v.name }))).toEqual(summary(check(spec, { variant: v.name, successors: 'xstate' })));
      });
    }
  }
});

describe('what the statistics say about the path', () => {
  test('declared domains give the bit-packed layout: the benchmark model at N = 8 is one 32-bit word per state', () => {
    const r = check(rcBench, { params: { N: 8 } });
    expect(r.stats.successorPath).toBe('compiled (bit-packed layout)');
    expect(r.stats.distinct).toBe(11502);
  });

  test('a model without domains uses the shape layout', () => {
    expect(check(fixtures[0]).stats.successorPath).toBe('compiled (shape layout)');
  });

  test('a machine with a final state falls back to XState, naming the construct', () => {
    const stopper = fixtures.find((f) => f.id === 'stopper')!;
    expect(check(stopper).stats.successorPath).toBe("xstate (not compiled: a final state in state node 'stopper.finished')");
  });

  test('domains that do not hold fall back to the shape layout, naming the field, with the same result', () => {
    const narrow = {
      ...rcBench,
      instantiate: (p: { N: number }, b: null) => ({ ...rcBench.instantiate(p, b), domains: { ...rcBench.instantiate(p, b).domains!, sendQ: domain.int(0, p.N - 1) } }),
    };
    const r = check(narrow, { params: { N: 4 } });
    expect(r.stats.successorPath).toBe("compiled (shape layout: declared domains do not hold: context field 'sendQ' is 4, outside its declared domain 0..3)");
    expect(r.stats.distinct).toBe(check(rcBench, { params: { N: 4 } }).stats.distinct);
  });
});
