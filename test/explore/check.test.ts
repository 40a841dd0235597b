import { describe, expect, test } from 'vitest';
import { assign, createMachine, setup } from 'xstate';
import { check, DEADLOCK_PROPERTY, ERROR_PROPERTY } from '../../src/explore/check.js';
import type { CheckResult, Violation } from '../../src/explore/result.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { arbiter, counters, dieHard, stopper } from '../fixtures/index.js';

function violation(r: CheckResult, property: string): Violation {
  expect(r.kind).toBe('violated');
  const v = r.kind === 'violated' ? r.violations.find((x) => x.property === property) : undefined;
  expect(v, `${property} should be violated`).toBeDefined();
  return v!;
}

describe('invariants', () => {
  test('Die Hard: "the big jug never holds 4 gallons" fails with a shortest counterexample of exactly 6 steps', () => {
    const r = check(dieHard);
    const v = violation(r, 'bigNeverHolds4');
    expect(v.trace!.steps.map((s) => s.event.type)).toEqual([
      'FILL_BIG',
      'BIG_TO_SMALL',
      'EMPTY_SMALL',
      'BIG_TO_SMALL',
      'FILL_BIG',
      'BIG_TO_SMALL',
    ]);
    expect(v.trace!.steps.at(-1)!.state.context).toEqual({ small: 3, big: 4 });
    expect(v.doc).toBe('The big jug never holds exactly 4 gallons.');
    // The other invariant holds: violations are per property, not first-only.
    expect(r.verdicts.find((x) => x.property === 'jugsWithinCapacity')!.verdict).toBe('holds');
    expect(r.stats.distinct).toBe(16);
    // The two states with 4 gallons in the big jug are not expanded, and the statistics say so.
    expect(r.stats.pruned).toBe(2);
  });
});

describe('liveness past a state the search did not expand', () => {
  // p --F (fair)--> bad, which violates an invariant and is not expanded; q only through the unfair U.
  const machine = createMachine({ id: 'm', initial: 'p', states: { p: { on: { F: 'bad', U: 'q' } }, bad: {}, q: {} } });
  const spec = (from: string, expandViolations: boolean): ModelSpec => ({
    id: 'm', title: 'm', summary: '', sources: [], modelled: '', leftOut: '', params: {},
    variants: [{ name: 'default', kind: 'baseline', doc: '', behaviour: null, catches: [] }],
    instantiate: () => ({ machine, inputs: [undefined], events: () => [{ type: 'F' }, { type: 'U' }] }),
    checkDeadlock: false,
    invariants: [{ name: 'noBad', doc: 'never bad', holds: (x) => !x.matches('bad'), expandViolations }],
    liveness: [{ name: 'leadsToQ', doc: 'reaches q', from: (x) => x.matches(from), to: (x) => x.matches('q'), fair: ['F'] }],
    goals: [],
  });
  const verdict = (r: CheckResult) => r.verdicts.find((v) => v.property === 'leadsToQ')!.verdict;

  test('is unknown, not holds, when a behaviour from the premise can run into it without the goal', () => {
    for (const successors of ['compiled', 'xstate'] as const) {
      expect(verdict(check(spec('p', false), { successors }))).toBe('unknown');
      expect(verdict(check(spec('bad', false), { successors }))).toBe('unknown');
    }
  });

  test('expanded, the same state gives the lasso the unexpanded search could not see', () => {
    expect(verdict(check(spec('p', true)))).toBe('violated');
  });

  test('a goal not reached when states were left unexpanded is "not reached", not "unreachable"', () => {
    const behind = createMachine({ id: 'm', initial: 'p', states: { p: { on: { F: 'bad' } }, bad: { on: { G: 'q' } }, q: {} } });
    const base = spec('p', false);
    const r = check({ ...base, liveness: [], goals: [{ name: 'atQ', doc: 'q', reached: (x) => x.matches('q') }], instantiate: () => ({ machine: behind, inputs: [undefined], events: () => [{ type: 'F' }, { type: 'G' }] }) });
    const v = r.kind === 'violated' ? r.violations.find((x) => x.property === 'atQ') : undefined;
    expect(v?.message).toBe('goal atQ is not reached: no explored state satisfies it, and 1 state that violates an invariant was not expanded, so it may lie beyond them');
  });

  test('still holds when no behaviour from the premise meets an unexpanded state before the goal', () => {
    // start --A--> p --F--> q; start --B--> bad (not expanded, but not reachable from p).
    const apart = createMachine({ id: 'm', initial: 'start', states: { start: { on: { A: 'p', B: 'bad' } }, p: { on: { F: 'q' } }, bad: {}, q: {} } });
    const base = spec('p', false);
    const r = check({ ...base, instantiate: () => ({ machine: apart, inputs: [undefined], events: () => [{ type: 'A' }, { type: 'B' }, { type: 'F' }] }) });
    expect(r.stats.pruned).toBe(1);
    expect(verdict(r)).toBe('holds');
  });
});

describe("the model's explanation of a violation", () => {
  test('an invariant explains its violating state in the message, with the values of the last state', () => {
    const v = violation(check(dieHard), 'bigNeverHolds4');
    expect(v.message).toBe('invariant bigNeverHolds4 is violated after 6 steps: the big jug holds 4 gallons and the small one 3');
  });

  test('a leads-to property explains the state where its cycle starts', () => {
    const v = violation(check(arbiter, { variant: 'grant-only-in-a' }), 'requestEventuallyServed');
    expect(v.message).toMatch(/never reaching its goal: the client spins in \{"waiting":"[ab]"\}, where GRANT is (not )?enabled$/);
  });

  test('an explanation that throws is a model definition error naming it', () => {
    const broken: ModelSpec = { ...dieHard, invariants: [{ ...dieHard.invariants[0], explain: () => { throw new Error('no such field'); } }] };
    expect(() => check(broken)).toThrow(/the explanation of 'bigNeverHolds4' threw: no such field/);
  });
});

describe('state counts', () => {
  test('two bounded counters and a mode: (A+1)(B+1)·2 states, diameter A+B+1', () => {
    for (const [A, B] of [
      [3, 4],
      [0, 0],
      [5, 2],
    ]) {
      const r = check(counters, { params: { A, B } });
      expect(r.stats.distinct).toBe((A + 1) * (B + 1) * 2);
      expect(r.stats.depth).toBe(A + B + 1);
      // INC_A in A·(B+1)·2 states, INC_B in (A+1)·B·2, TOGGLE in all.
      expect(r.stats.transitions).toBe(A * (B + 1) * 2 + (A + 1) * B * 2 + (A + 1) * (B + 1) * 2);
      expect(r.stats.complete).toBe(true);
    }
  });

  test('several initial states: the search starts from every input, as TLC does for a many-state Init', () => {
    const machine = setup({
      types: { context: {} as { n: number }, input: {} as { start: number }, events: {} as { type: 'INC' } },
    }).createMachine({
      id: 'multi',
      context: ({ input }) => ({ n: input.start }),
      on: { INC: { guard: ({ context }) => context.n < 10, actions: assign({ n: ({ context }) => context.n + 1 }) } },
    });
    const spec: ModelSpec<Record<string, never>, null> = {
      ...counters,
      id: 'multi',
      params: {},
      variants: [{ name: 'default', kind: 'baseline', doc: '', behaviour: null, catches: [] }],
      instantiate: () => ({ machine, inputs: [{ start: 8 }, { start: 3 }, { start: 8 }], events: () => [{ type: 'INC' }], isEndState: (s) => s.context.n === 10 }),
      invariants: [{ name: "neverFive", doc: "", holds: (s) => s.context.n !== 5 }],
      liveness: [],
      goals: [],
    };
    const r = check(spec);
    // From 3: 3,4,5 (5 is an error state, not expanded); from 8: 8,9,10. The duplicate input adds nothing.
    expect(r.stats.distinct).toBe(6);
    const v = violation(r, 'neverFive');
    expect(v.trace!.input).toEqual({ start: 3 });
    expect(v.trace!.steps).toHaveLength(2);
  });
});

describe('liveness under weak fairness', () => {
  test('a leads-to that holds only under weak fairness of GRANT', () => {
    const r = check(arbiter);
    expect(r.verdicts.find((v) => v.property === 'requestEventuallyServed')!.verdict).toBe('holds');
    // The same premise and goal without fairness: the arbiter may stop in waiting.a forever.
    const v = violation(r, 'servedWithoutFairness');
    expect(v.trace!.steps.map((s) => s.event.type)).toEqual(['REQUEST']);
    expect(v.trace!.loop).toEqual({ start: 1, stutter: true, from: 1 });
  });

  test('an intermittently enabled GRANT gives a lasso: REQUEST, then TICK, TICK forever', () => {
    const r = check(arbiter, { variant: 'grant-only-in-a' });
    const v = violation(r, 'requestEventuallyServed');
    expect(v.trace!.steps.map((s) => s.event.type)).toEqual(['REQUEST', 'TICK', 'TICK']);
    expect(v.trace!.loop).toEqual({ start: 1, stutter: false, from: 1 });
    // The cycle closes on the state where it started.
    expect(v.trace!.steps[2].state).toEqual(v.trace!.steps[0].state);
    expect(v.unforced).toEqual([
      { type: 'GRANT', reason: 'weakly fair, but disabled at state 2 of the cycle, so weak fairness does not force it' },
    ]);
  });
});

describe('deadlock', () => {
  test('a state with no enabled event is a deadlock, found at its shortest depth', () => {
    const v = violation(check(stopper), DEADLOCK_PROPERTY);
    expect(v.trace!.steps).toHaveLength(3);
    expect(v.trace!.steps.at(-1)!.state.context).toEqual({ count: 3 });
  });

  test('an allowed end state and a final state are not deadlocks', () => {
    expect(check(stopper, { variant: 'end-state' }).kind).toBe('holds');
    expect(check(stopper, { variant: 'final-state' }).kind).toBe('holds');
  });
});

describe('goals', () => {
  test('a reachable goal comes with its shortest witness', () => {
    const r = check(counters);
    const w = r.witnesses.find((x) => x.goal === 'bothFull')!;
    expect(w.trace.steps).toHaveLength(3 + 4 + 1);
    expect(r.verdicts.find((v) => v.property === 'bothFull')).toMatchObject({ verdict: 'reached', length: 8 });
  });

  test('an unreachable goal is reported as a failure with a clear message', () => {
    const v = violation(check(counters), 'aPastBound');
    expect(v.kind).toBe('goal');
    expect(v.message).toBe('goal aPastBound is unreachable: no reachable state satisfies it');
    expect(v.trace).toBeUndefined();
  });
});

describe('bounds', () => {
  test('past maxStates the result is bounded-out with the counts reached and how to get further', () => {
    const r = check(counters, { maxStates: 10 });
    expect(r.kind).toBe('bounded-out');
    if (r.kind !== 'bounded-out') return;
    expect(r.reason).toBe('max-states');
    expect(r.stats.distinct).toBe(10);
    expect(r.stats.complete).toBe(false);
    expect(r.hint).toBe('raise --max-states (now 10) or shrink the parameters (e.g. --param A=2, --param B=3)');
    // Nothing is claimed about what was not explored.
    expect(r.verdicts.every((v) => v.verdict === 'unknown')).toBe(true);
  });

  test('maxDepth cuts the search, and a violation found within the bound is still reported', () => {
    const cut = check(counters, { maxDepth: 2 });
    expect(cut.kind).toBe('bounded-out');
    const found = check(dieHard, { maxDepth: 6 });
    expect(found.kind).toBe('violated');
    expect(found.stats.complete).toBe(false);
  });
});

describe('model errors', () => {
  test('a guard that throws is reported as a stepsDoNotThrow violation with the path to it', () => {
    const machine = setup({ types: { context: {} as { n: number }, events: {} as { type: 'INC' } } }).createMachine({
      id: 'throws',
      context: { n: 0 },
      on: {
        INC: {
          guard: ({ context }) => {
            if (context.n === 2) throw new Error('ring index out of range');
            return true;
          },
          actions: assign({ n: ({ context }) => context.n + 1 }),
        },
      },
    });
    const spec: ModelSpec<Record<string, never>, null> = {
      ...counters,
      params: {},
      variants: [{ name: 'default', kind: 'baseline', doc: '', behaviour: null, catches: [] }],
      instantiate: () => ({ machine, inputs: [undefined], events: () => [{ type: 'INC' }] }),
      invariants: [],
      liveness: [],
      goals: [],
    };
    const v = violation(check(spec), ERROR_PROPERTY);
    expect(v.message).toMatch(/threw on event INC after 2 steps: .*ring index out of range$/);
    expect(v.trace!.failingEvent).toEqual({ type: 'INC' });
  });
});

describe('assertModel', () => {
  test('returns the result when everything holds, and throws the whole report otherwise', async () => {
    const { assertModel, ModelCheckFailure } = await import('../../src/explore/assert.js');
    expect(assertModel(stopper, { variant: 'end-state' }).kind).toBe('holds');
    expect(() => assertModel(dieHard)).toThrow(ModelCheckFailure);
    expect(() => assertModel(dieHard)).toThrow(/bigNeverHolds4 \(invariant\)[\s\S]*Step 6  BIG_TO_SMALL\n\s+big: 5 → 4/);
  });
});
