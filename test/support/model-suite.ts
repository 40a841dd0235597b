/**
 * The suite every model gets: each variant checked exhaustively at the check
 * bounds must match the model's manifest (verdicts, counterexample lengths,
 * state counts); each variant must violate the properties it names in
 * `catches`; and every invariant and liveness property must be violated by at
 * least one variant, since a property nothing can fail is not a property.
 */
import { describe, expect, test } from 'vitest';
import type { AnyModelSpec } from '../../src/model/spec.js';
import { check } from '../../src/explore/check.js';
import { compare, observed } from '../../src/explore/expected.js';
import { loadExpected } from '../../src/explore/manifest-file.js';
import type { CheckResult } from '../../src/explore/result.js';

export function modelSuite(spec: AnyModelSpec, manifestDir?: string): Map<string, CheckResult> {
  const results = new Map<string, CheckResult>();
  const manifest = loadExpected(spec.id, manifestDir);

  describe(`${spec.id}: every variant against its manifest`, () => {
    test('the manifest lists exactly the model\'s variants', () => {
      expect(manifest, `models/${spec.id}/expected.json is missing: rxspec check ${spec.id} --write-expected`).toBeDefined();
      expect(Object.keys(manifest!.variants).sort()).toEqual(spec.variants.map((v) => v.name).sort());
    });

    for (const v of spec.variants) {
      test(`${v.name}: verdicts, counterexample lengths and state counts`, () => {
        const r = check(spec, { variant: v.name });
        results.set(v.name, r);
        expect(r.stats.complete, `${v.name} did not finish: ${r.kind}`).toBe(true);
        expect(compare(r, manifest?.variants[v.name])).toEqual([]);
        const verdicts = observed(r).verdicts;
        for (const p of v.catches) {
          expect(verdicts[p] ?? '(no such property)', `${v.name} must violate ${p}`).toMatch(/^(violated|unreached)/);
        }
      });
    }

    test('every invariant and liveness property is violated by some variant', () => {
      const names = [...spec.invariants, ...spec.liveness].map((p) => p.name);
      const violatedSomewhere = (name: string) =>
        Object.values(manifest!.variants).some((e) => e.verdicts[name]?.startsWith('violated'));
      expect(names.filter((n) => !violatedSomewhere(n)), 'properties no variant violates').toEqual([]);
    });
  });
  return results;
}
