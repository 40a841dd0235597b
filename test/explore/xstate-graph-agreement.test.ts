import { describe, expect, test } from 'vitest';
import { getAdjacencyMap } from 'xstate/graph';
import type { AnyMachineSnapshot } from 'xstate';
import { search } from '../../src/explore/bfs.js';
import { checkParams } from '../../src/model/params.js';
import { stateKey } from '../../src/explore/key.js';
import { XStateSpace } from '../../src/explore/xstate-space.js';
import { fixtures } from '../fixtures/index.js';


describe('agreement with xstate/graph', () => {
  for (const spec of fixtures) {
    for (const variant of spec.variants) {
      test(`${spec.id}/${variant.name}: the same reachable states as getAdjacencyMap`, () => {
        const params = checkParams(spec.params);
        const instance = spec.instantiate(params, variant.behaviour);
        // Both searches stop at states that break an invariant (the checker does not expand them).
        const broken = (s: AnyMachineSnapshot) => spec.invariants.some((inv) => !inv.holds(s, params));
        const ours = new Set<string>();
        const probe = {
          // Records every discovered state's key; the invariants still stop expansion where they fail.
          invariants: [{ name: 'record', holds: (s: any) => (ours.add(stateKey(s.value, s.context)), true) }, ...spec.invariants.map((inv) => ({ name: inv.name, holds: (s: any) => inv.holds(s, params) }))],
          goals: [],
          leadsTo: [],
          isEnd: () => false,
        };
        search(new XStateSpace(instance), probe, { maxStates: 1e5 });
        const adj = getAdjacencyMap(instance.machine, {
          events: (s: AnyMachineSnapshot) => [...instance.events(s)],
          serializeState: (s: AnyMachineSnapshot) => stateKey(s.value, s.context),
          stopWhen: broken,
          limit: 1e5,
        });
        expect(new Set(Object.keys(adj))).toEqual(ours);
        expect(ours.size).toBeGreaterThan(1);
      });
    }
  }
});
