/**
 * The compiled successor path against XState's own step, for every model,
 * fixture and variant: every event at every state of an exhaustive run (the
 * whole space at the check bounds when it is small, else its first
 * CONFORMANCE_STATES states in breadth-first order: every kind of step the
 * model takes, at shallow depth), and fast-check walks that go deeper. A
 * divergence fails with the state and event that show it. The benchmark
 * (npm run bench) runs the same comparison over whole state spaces.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Conformance } from '../../src/compile/conformance.js';
import { compile, CompileRefusal } from '../../src/compile/compile.js';
import { checkParams } from '../../src/model/params.js';
import { registry } from '../../src/cli/registry.js';
import { rcBench } from '../../bench/rc-bench.machine.js';

const CONFORMANCE_STATES = 400;
const specs = [...registry.map((e) => e.spec), rcBench];

for (const spec of specs) {
  describe(spec.id, () => {
    for (const v of spec.variants) {
      const instance = () => spec.instantiate({ ...checkParams(spec.params), ...(v.params ?? {}) }, v.behaviour);
      const compiled = compile(instance());
      if (compiled instanceof CompileRefusal) {
        test(`${v.name}: refused by name (${compiled.message}), so checks use XState's step`, () => {
          expect(compiled.construct).toMatch(/final state|history|wildcard|custom action/);
        });
        continue;
      }
      test(`${v.name}: every event at every state agrees with XState`, () => {
        const r = new Conformance(instance()).exhaustive(CONFORMANCE_STATES);
        expect(r.divergence).toBeUndefined();
        expect(r.states).toBeGreaterThan(0);
      });
      test.prop([fc.array(fc.nat(), { maxLength: 40 }), fc.nat()], { numRuns: 6, seed: 8 })(`${v.name}: random walks agree with XState`, (choices, input) => {
        const inst = instance();
        const r = new Conformance(inst).walk(input % inst.inputs.length, choices);
        expect(r.divergence).toBeUndefined();
      });
    }
  });
}

describe('the conformance check can fail', () => {
  test('a compiled space that sends one event to the wrong state is caught, naming the state and event', () => {
    const inst = rcBench.instantiate({ N: 3 }, null);
    const c = new Conformance(inst);
    const real = c.space.expand.bind(c.space);
    // Fault injection: REPOST from any state leads back to the initial state.
    c.space.expand = (id, limit, emit) => real(id, limit, (ei, j, isNew) => emit(ei, c.space.event(ei).type === 'REPOST' ? 0 : j, isNew));
    const r = c.exhaustive(100);
    expect(r.divergence).toMatchObject({ event: { type: 'REPOST' }, state: { value: 'closed', context: { rxPosted: 0 } } });
  });
});
