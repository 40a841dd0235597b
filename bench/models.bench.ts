/**
 * Every registered model at its check bounds, every variant, through
 * XState's step and through the compiled path: the time of each, before
 * and after (issue 8), and their states per second.
 */
import { check } from '../src/explore/check.js';
import { models } from '../models/index.js';

export interface ModelRow {
  model: string;
  variants: number;
  states: number;
  xstateMs: number;
  compiledMs: number;
  speedup: number;
  paths: string[];
}

export function benchModels(): ModelRow[] {
  return models.map((spec) => {
    let states = 0;
    let xstateMs = 0;
    let compiledMs = 0;
    const paths = new Set<string>();
    for (const v of spec.variants) {
      const a = check(spec, { variant: v.name, successors: 'xstate' });
      const b = check(spec, { variant: v.name });
      if (a.stats.distinct !== b.stats.distinct) throw new Error(`${spec.id}/${v.name}: the two paths found different state counts`);
      states += a.stats.distinct;
      xstateMs += a.stats.elapsedMs;
      compiledMs += b.stats.elapsedMs;
      paths.add(b.stats.successorPath);
    }
    return { model: spec.id, variants: spec.variants.length, states, xstateMs, compiledMs, speedup: xstateMs / compiledMs, paths: [...paths] };
  });
}
