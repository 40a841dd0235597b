/**
 * Invariant.expandViolations: a state violating such an invariant is still
 * expanded, so the rest of the state space is checked and other properties
 * get their own counterexamples; the invariant's own verdict and shortest
 * trace are unchanged.
 */
import { describe, expect, test } from 'vitest';
import { assign, setup } from 'xstate';
import { check } from '../../src/explore/check.js';
import type { ModelSpec } from '../../src/model/spec.js';

const machine = setup({ types: { context: {} as { n: number }, events: {} as { type: 'INC' } } }).createMachine({
  context: { n: 0 },
  on: { INC: { guard: ({ context }) => context.n < 5, actions: assign({ n: ({ context }) => context.n + 1 }) } },
});

function counter(expand: boolean): ModelSpec<Record<string, never>, null, { n: number }> {
  return {
    id: 'counter-to-5',
    title: 'A counter from 0 to 5',
    summary: 'Test fixture.',
    sources: [],
    modelled: 'A counter.',
    leftOut: 'Nothing.',
    params: {},
    variants: [{ name: 'default', kind: 'baseline', doc: 'As defined.', behaviour: null, catches: [] }],
    instantiate: () => ({ machine, inputs: [undefined], events: () => [{ type: 'INC' }], isEndState: (s) => s.context.n === 5 }),
    invariants: [
      { name: 'belowTwo', doc: 'n < 2.', holds: (s) => s.context.n < 2, expandViolations: expand },
      { name: 'belowFour', doc: 'n < 4.', holds: (s) => s.context.n < 4 },
    ],
    liveness: [],
    goals: [],
  };
}

describe('Invariant.expandViolations', () => {
  test('by default a violating state is not expanded, hiding later violations', () => {
    const r = check(counter(false));
    expect(r.stats.distinct).toBe(3);
    expect(r.verdicts.find((v) => v.property === 'belowTwo')).toMatchObject({ verdict: 'violated', length: 2 });
    expect(r.verdicts.find((v) => v.property === 'belowFour')?.verdict).toBe('holds');
  });

  test('with expandViolations the search goes on and finds the later violation', () => {
    const r = check(counter(true));
    expect(r.stats.distinct).toBe(5);
    expect(r.verdicts.find((v) => v.property === 'belowTwo')).toMatchObject({ verdict: 'violated', length: 2 });
    expect(r.verdicts.find((v) => v.property === 'belowFour')).toMatchObject({ verdict: 'violated', length: 4 });
  });
});
