/**
 * Guard evaluation as xstate's evaluateGuard does it: named guards resolved
 * through the machine's implementations (with their params), inline
 * functions called with { context, event }, and the built-in guards (and,
 * or, not, stateIn) through their own `check` with a snapshot-shaped object.
 *
 * compileGuard resolves a guard once: a plain guard becomes a direct call
 * with a reused argument object (guards are pure functions of their
 * arguments and do not keep them).
 */
import type { EventObject } from 'xstate';
import type { Config } from './configs.js';

type Guard = unknown;
export type GuardFn = (context: unknown, event: EventObject, config: Config) => boolean;

export function evaluateGuard(guards: Record<string, unknown>, guard: Guard, context: unknown, event: EventObject, config: Config): boolean {
  const isInline = typeof guard === 'function';
  const resolved = isInline ? guard : guards[typeof guard === 'string' ? guard : (guard as { type: string }).type];
  if (!isInline && !resolved) throw new Error(`Guard '${typeof guard === 'string' ? guard : (guard as { type: string }).type}' is not implemented.'.`);
  if (typeof resolved !== 'function') return evaluateGuard(guards, resolved, context, event, config);
  const args = { context, event };
  const g = guard as { params?: unknown };
  const params = isInline || typeof guard === 'string' ? undefined : 'params' in (g as object) ? (typeof g.params === 'function' ? g.params(args) : g.params) : undefined;
  if (!('check' in resolved)) return (resolved as (a: unknown, p: unknown) => boolean)(args, params);
  const snap = config.guardSnapshot;
  snap.context = context;
  return (resolved as unknown as { check: (s: unknown, a: unknown, r: unknown) => boolean }).check(snap, args, resolved);
}

/** A guard resolved once; the general evaluator for everything but a plain function guard. */
export function compileGuard(guards: Record<string, unknown>, guard: Guard): GuardFn {
  const isInline = typeof guard === 'function';
  const name = typeof guard === 'string' ? guard : undefined;
  const resolved = isInline ? guard : name !== undefined ? guards[name] : undefined;
  if (typeof resolved === 'function' && !('check' in resolved)) {
    const f = resolved as (a: { context: unknown; event: EventObject }, p: undefined) => boolean;
    const args: { context: unknown; event: EventObject } = { context: undefined, event: undefined as unknown as EventObject };
    return (context, event) => {
      args.context = context;
      args.event = event;
      return f(args, undefined);
    };
  }
  return (context, event, config) => evaluateGuard(guards, guard, context, event, config);
}
