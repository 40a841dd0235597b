/**
 * The search evaluates a state's predicates just before expanding it (so
 * its view and its expansion share one unpacked context). A bound that
 * stops the search leaves discovered states unexpanded: their predicates
 * must still run, or a violation the search did reach would go unreported.
 */
import { describe, expect, test } from 'vitest';
import { search } from '../../src/explore/bfs.js';
import type { ModelState } from '../../src/model/spec.js';
import { XStateSpace } from '../../src/explore/xstate-space.js';
import { CompiledSpace } from '../../src/compile/compiled-space.js';
import { rcBench } from '../../bench/rc-bench.machine.js';

const params = { N: 3 };
const instance = () => rcBench.instantiate(params, null);
const probe = {
  // Reached only after N sends and N transmits: deep in the search.
  invariants: [{ name: 'inFlightBelowN', holds: (s: ModelState) => (s.context as { inFlight: number }).inFlight < params.N }],
  goals: [],
  leadsTo: [],
  isEnd: () => false,
};

describe('a bound does not hide a violation already discovered', () => {
  for (const [name, space] of [
    ['XState', () => new XStateSpace(instance())],
    ['compiled, visited bitmap', () => new CompiledSpace(instance(), { targets: false })],
  ] as const) {
    test(`${name}: the violating state is the last one the bound lets in, and is never expanded`, () => {
      const s = space();
      if (s instanceof CompiledSpace) expect(s.label).toContain('visited bitmap');
      const full = search(s, probe, { maxStates: 1e5, keepEdges: false });
      const v = full.invariantFirst[0];
      expect(v).toBeGreaterThan(0);
      const cut = search(space(), probe, { maxStates: v + 1, keepEdges: false });
      expect(cut.stop).toBe('max-states');
      // The search stopped while expanding an earlier state...
      expect(cut.graph.expandedUpTo).toBeLessThanOrEqual(v);
      // ...and still evaluated the state it had discovered.
      expect(cut.invariantFirst[0]).toBe(v);
    });
  }
});
