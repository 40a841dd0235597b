/**
 * assertModel: check, and throw the formatted report unless every property
 * holds (as fast-check's assert does for check). For a variant meant to fail,
 * use check and inspect the result instead.
 */
import { check, type CheckOptions } from './check.js';
import { formatResult } from './format.js';
import type { AnyModelSpec } from '../model/spec.js';
import type { Holds } from './result.js';

export class ModelCheckFailure extends Error {
  constructor(report: string) {
    super(report);
    this.name = 'ModelCheckFailure';
  }
}

export function assertModel(spec: AnyModelSpec, options: CheckOptions = {}): Holds {
  const r = check(spec, options);
  if (r.kind !== 'holds') throw new ModelCheckFailure(formatResult(r));
  return r;
}
