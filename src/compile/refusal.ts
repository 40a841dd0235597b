/**
 * What the compiled path does not compile: anything the models do not use.
 * A refusal names the construct and where it is; the checker then falls
 * back to XState's own step and says so in its statistics.
 */
import type { AnyStateNode } from 'xstate';
import type { Chart } from './chart.js';

export class CompileRefusal extends Error {
  constructor(
    readonly construct: string,
    readonly where: string,
  ) {
    super(`${construct} in ${where}`);
    this.name = 'CompileRefusal';
  }
}

const SUPPORTED_BUILTIN_ACTIONS = new Set(['xstate.assign', 'xstate.raise']);
// Built-in guards are recognised by name; each is evaluated through its own `check`.
const SUPPORTED_BUILTIN_GUARDS = new Set(['and', 'or', 'not', 'stateIn']);

function where(n: AnyStateNode): string {
  return `state node '${n.id}'`;
}

/** Resolves a named action or guard reference to its implementation (as xstate does). */
export function resolveImpl(table: Record<string, unknown>, ref: unknown): unknown {
  if (typeof ref === 'function') return ref;
  const name = typeof ref === 'string' ? ref : (ref as { type?: string })?.type;
  return name === undefined ? undefined : table[name];
}

function checkAction(chart: Chart, n: AnyStateNode, a: unknown, place: string): void {
  const impl = resolveImpl(chart.machine.implementations.actions as Record<string, unknown>, a);
  if (typeof impl !== 'function') {
    throw new CompileRefusal(`an action that is not implemented (${JSON.stringify(a)})`, `${where(n)}, ${place}`);
  }
  const type = (impl as { type?: string }).type;
  if (!('resolve' in impl)) throw new CompileRefusal(`a custom action '${type ?? impl.name ?? 'inline'}'`, `${where(n)}, ${place}`);
  if (!type || !SUPPORTED_BUILTIN_ACTIONS.has(type)) throw new CompileRefusal(`the action ${type}`, `${where(n)}, ${place}`);
  if (type === 'xstate.raise' && (impl as { delay?: unknown }).delay !== undefined) {
    throw new CompileRefusal('a delayed raise', `${where(n)}, ${place}`);
  }
}

function checkGuard(chart: Chart, n: AnyStateNode, g: unknown, place: string): void {
  if (g === undefined) return;
  const impl = resolveImpl(chart.machine.implementations.guards as Record<string, unknown>, g);
  if (impl === undefined) throw new CompileRefusal(`a guard that is not implemented (${JSON.stringify(g)})`, `${where(n)}, ${place}`);
  if (typeof impl !== 'function') return checkGuard(chart, n, impl, place);
  const f = impl as { check?: unknown; name?: string; guards?: unknown[] };
  if (!('check' in f)) return;
  if (!f.name || !SUPPORTED_BUILTIN_GUARDS.has(f.name)) throw new CompileRefusal(`the built-in guard '${f.name ?? '?'}'`, `${where(n)}, ${place}`);
  for (const inner of f.guards ?? []) checkGuard(chart, n, inner, place);
}

/** Throws CompileRefusal for the first construct the compiled path does not handle. */
export function refuseUncompilable(chart: Chart): void {
  for (const n of chart.nodes) {
    if (n.type === 'history') throw new CompileRefusal('a history state', where(n));
    if (n.type === 'final') throw new CompileRefusal('a final state', where(n));
    if (n.invoke.length) throw new CompileRefusal('invoke', where(n));
    n.entry.forEach((a: unknown) => checkAction(chart, n, a, 'entry'));
    n.exit.forEach((a: unknown) => checkAction(chart, n, a, 'exit'));
    if (n.type === 'compound') (n.initial.actions ?? []).forEach((a: unknown) => checkAction(chart, n, a, 'initial'));
    for (const [type, ts] of n.transitions) {
      if (type.includes('*')) throw new CompileRefusal(`the wildcard event descriptor '${type}'`, where(n));
      for (const t of ts) {
        t.actions.forEach((a: unknown) => checkAction(chart, n, a, `on ${type}`));
        checkGuard(chart, n, t.guard, `on ${type}`);
        for (const target of t.target ?? []) if ((target as AnyStateNode).type === 'history') throw new CompileRefusal('a history target', where(n));
      }
    }
    for (const t of n.always ?? []) {
      t.actions.forEach((a: unknown) => checkAction(chart, n, a, 'always'));
      checkGuard(chart, n, t.guard, 'always');
    }
  }
}
