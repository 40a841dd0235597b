/**
 * Executing the actions the compiled path accepts, as xstate resolves them:
 * assign (a function of { context, event, spawn, self, system } returning a
 * partial context, or one such function or value per key, merged with
 * Object.assign into a new context object) and raise without a delay (the
 * event goes to the internal queue). Named actions and their params are
 * resolved through the machine's implementations.
 */
import type { EventObject } from 'xstate';

export interface ActionEnv {
  readonly actions: Record<string, unknown>;
  readonly self: unknown;
  readonly system: unknown;
}

export interface ActionResult {
  context: any;
  /** Whether an assign ran (xstate then returns a new snapshot object). */
  assigned: boolean;
}

const spawn = () => {
  throw new Error('spawn is not supported by the compiled successor path');
};

export function runActions(env: ActionEnv, actions: readonly unknown[], event: EventObject, r: ActionResult, queue: EventObject[]): void {
  for (const action of actions) {
    const isInline = typeof action === 'function';
    const impl = (isInline ? action : env.actions[typeof action === 'string' ? action : (action as { type: string }).type]) as {
      type: string;
      assignment?: unknown;
      event?: unknown;
    };
    const a = action as { params?: unknown };
    const params =
      isInline || typeof action === 'string'
        ? undefined
        : 'params' in (a as object)
          ? typeof a.params === 'function'
            ? a.params({ context: r.context, event })
            : a.params
          : undefined;
    if (impl.type === 'xstate.assign') {
      const args = { context: r.context, event, spawn, self: env.self, system: env.system };
      const assignment = impl.assignment;
      let partial: Record<string, unknown>;
      if (typeof assignment === 'function') {
        partial = assignment(args, params);
      } else {
        partial = {};
        for (const key of Object.keys(assignment as object)) {
          const p = (assignment as Record<string, unknown>)[key];
          partial[key] = typeof p === 'function' ? p(args, params) : p;
        }
      }
      r.context = Object.assign({}, r.context, partial);
      r.assigned = true;
    } else {
      // xstate.raise without a delay (anything else was refused when compiling).
      const args = { context: r.context, event, self: env.self, system: env.system };
      const e = impl.event;
      queue.push(typeof e === 'function' ? e(args, params) : (e as EventObject));
    }
  }
}

/** What a plan's actions amount to, for the fast path: nothing, one assign, or anything else. */
export type ActionShape =
  | { kind: 'none' }
  | {
      kind: 'assign';
      assignment: unknown;
      params: unknown;
      keys?: readonly string[];
      /** Field handles of `keys`, per layout hint (resolved on first use). */
      fields?: Map<number, unknown[] | null>;
    }
  | { kind: 'generic' };

export function classify(env: ActionEnv, actions: readonly unknown[]): ActionShape {
  if (actions.length === 0) return { kind: 'none' };
  if (actions.length > 1) return { kind: 'generic' };
  const action = actions[0];
  const isInline = typeof action === 'function';
  const impl = (isInline ? action : env.actions[typeof action === 'string' ? action : (action as { type: string }).type]) as { type?: string; assignment?: unknown };
  if (impl?.type !== 'xstate.assign') return { kind: 'generic' };
  const a = action as { params?: unknown };
  // Params that are functions of the context are computed per step; leave those to the generic path.
  if (!isInline && typeof action !== 'string' && 'params' in (a as object) && typeof a.params === 'function') return { kind: 'generic' };
  const params = isInline || typeof action === 'string' ? undefined : (a as { params?: unknown }).params;
  const assignment = impl.assignment;
  return { kind: 'assign', assignment, params, keys: typeof assignment === 'function' ? undefined : Object.keys(assignment as object), fields: new Map() };
}

/** Where assigned values go: a layout's field handles and writers. */
export interface FieldSink {
  write(out: Int32Array, hint: number, key: string, value: unknown): boolean;
  field(hint: number, key: string): unknown;
  writeField(out: Int32Array, field: unknown, value: unknown): boolean;
}

/**
 * Runs a single assign without building the next context: each assigned
 * value goes to `write` (false when it cannot be written in place; the
 * caller then takes the generic path, which recomputes the step: assigns are
 * pure, so computing one twice is harmless).
 */
export class InPlaceAssign {
  private readonly args: { context: unknown; event: EventObject; spawn: () => never; self: unknown; system: unknown };

  constructor(env: ActionEnv) {
    this.args = { context: undefined, event: undefined as unknown as EventObject, spawn, self: env.self, system: env.system };
  }

  run(a: Extract<ActionShape, { kind: 'assign' }>, context: unknown, event: EventObject, sink: FieldSink, out: Int32Array, hint: number): boolean {
    const args = this.args;
    args.context = context;
    args.event = event;
    if (a.keys) {
      const keys = a.keys;
      let fields = a.fields!.get(hint);
      if (fields === undefined) {
        const refs = keys.map((k) => sink.field(hint, k));
        fields = refs.every((r) => r !== undefined) ? refs : null;
        a.fields!.set(hint, fields);
      }
      if (fields === null) return false;
      const assignment = a.assignment as Record<string, unknown>;
      for (let i = 0; i < keys.length; i++) {
        const p = assignment[keys[i]];
        if (!sink.writeField(out, fields[i], typeof p === 'function' ? p(args, a.params) : p)) return false;
      }
      return true;
    }
    const partial = (a.assignment as (x: unknown, p: unknown) => Record<string, unknown>)(args, a.params);
    for (const k in partial) if (!sink.write(out, hint, k, partial[k])) return false;
    return true;
  }
}
