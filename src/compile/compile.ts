/**
 * compile(instance): the compiled state space for a model instance, or the
 * refusal that names the construct it does not handle (the checker then
 * uses XState's own step and says so in its statistics).
 */
import type { ModelInstance } from '../model/spec.js';
import { CompiledSpace } from './compiled-space.js';
import { CompileRefusal } from './refusal.js';

/** `targets: false`: the search keeps no edges (see CompiledSpace). */
export function compile(instance: ModelInstance, options: { targets?: boolean } = {}): CompiledSpace | CompileRefusal {
  try {
    return new CompiledSpace(instance, options);
  } catch (err) {
    if (err instanceof CompileRefusal) return err;
    throw err;
  }
}

export { CompiledSpace, CompileRefusal };
