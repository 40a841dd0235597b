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
    // No liveness, so no edges: the visited set is a bitmap over the 2 + 3 × 4 + 2 + 2 bits of a record.
    expect(r.stats.successorPath).toBe('compiled (bit-packed layout, visited bitmap of 2^18 bits)');
    expect(r.stats.distinct).toBe(11502);
  });

  test('with a visited bitmap the shortest counterexample is the one XState\'s path finds', () => {
    // inFlight reaching N takes N sends and N transmits after connecting: the bitmap must not lose a parent or a level.
    const bounded = { ...rcBench, invariants: [{ name: 'inFlightBelowN', doc: 'Not every send is in flight at once.', holds: (s: { context: { inFlight: number } }, p: { N: number }) => s.context.inFlight < p.N }] };
    const compiled = check(bounded, { params: { N: 5 } });
    const reference = check(bounded, { params: { N: 5 }, successors: 'xstate' });
    expect(compiled.stats.successorPath).toContain('visited bitmap');
    expect(summary(compiled)).toEqual(summary(reference));
    const steps = (r: typeof compiled) => (r.kind === 'violated' ? (r.violations[0].trace?.steps ?? []).map((st) => st.event.type) : []);
    expect(steps(compiled)).toEqual(steps(reference));
    expect(steps(compiled)).toHaveLength(12);
  });

  test('a model with liveness keeps its edges and so a hash table of ids, not a bitmap', () => {
    const live = { ...rcBench, liveness: [{ name: 'sendsLeaveTheQueue', doc: 'A queued send is eventually transmitted or flushed.', from: (s: { context: { sendQ: number } }) => s.context.sendQ > 0, to: (s: { context: { sendQ: number } }) => s.context.sendQ === 0, fair: ['TRANSMIT', 'CONNECT', 'ESTABLISH', 'FLUSH'] }] };
    expect(check(live, { params: { N: 3 } }).stats.successorPath).toBe('compiled (bit-packed layout)');
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
