import { describe, expect, test } from 'vitest';
import { canonicalJson, stateKey } from '../../src/explore/key.js';
import { ModelDefinitionError } from '../../src/errors/model-definition-error.js';
import { assign, setup } from 'xstate';
import { check } from '../../src/explore/check.js';
import type { ModelSpec } from '../../src/model/spec.js';

describe('canonical state keys', () => {
  test('do not depend on property order, at any depth', () => {
    const a = stateKey({ tx: 'up', rx: 'idle' }, { x: 1, y: { b: [1, 2], a: null } });
    const b = stateKey({ rx: 'idle', tx: 'up' }, { y: { a: null, b: [1, 2] }, x: 1 });
    expect(a).toBe(b);
  });

  test('distinguish what differs: array order, types, nesting', () => {
    expect(stateKey('s', { r: [1, 2] })).not.toBe(stateKey('s', { r: [2, 1] }));
    expect(stateKey('s', { n: 1 })).not.toBe(stateKey('s', { n: '1' }));
    expect(stateKey('s', { a: { b: 1 } })).not.toBe(stateKey('s', { 'a.b': 1 }));
  });

  test('refuse contexts that are not plain data, naming the field', () => {
    expect(() => canonicalJson({ ring: { slots: new Map() } })).toThrow(ModelDefinitionError);
    expect(() => canonicalJson({ ring: { slots: new Map() } })).toThrow(/'ring.slots' holds a Map/);
    expect(() => canonicalJson({ len: NaN })).toThrow(/'len' holds NaN/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/'f' holds a function/);
  });

  test('refuse an undefined array element, which JSON would turn into null: [undefined] and [null] are different to a guard', () => {
    expect(() => canonicalJson({ ring: [1, undefined] })).toThrow(/'ring\[1\]' is undefined/);
  });
});

describe('both successor paths refuse an undefined array element the same way', () => {
  const machine = setup({ types: { context: {} as { xs: (number | null | undefined)[] }, events: {} as { type: 'N' } | { type: 'U' } } }).createMachine({
    id: 'u',
    context: { xs: [null] },
    initial: 's',
    states: { s: { on: { N: { actions: assign({ xs: [null] }) }, U: { actions: assign({ xs: [undefined] }) } } } },
  });
  const spec: ModelSpec = {
    id: 'u', title: 'u', summary: '', sources: [], modelled: '', leftOut: '', params: {},
    variants: [{ name: 'default', kind: 'baseline', doc: '', behaviour: null, catches: [] }],
    instantiate: () => ({ machine, inputs: [undefined], events: () => [{ type: 'N' }, { type: 'U' }] }),
    invariants: [], liveness: [], goals: [],
  };
  for (const successors of ['compiled', 'xstate'] as const) {
    test(successors, () => {
      expect(() => check(spec, { successors })).toThrow(/context field 'xs\[0\]' is undefined/);
    });
  }
});
