/**
 * Helpers for the rc-connection tests: step the machine with the checker's
 * own semantics, and read a counterexample as a list of event names.
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { check, resolveRun } from '../../../src/explore/check.js';
import type { CheckResult } from '../../../src/explore/result.js';
import { XStateSuccessors } from '../../../src/explore/xstate-successors.js';
import type { Trace } from '../../../src/trace/types.js';
import { spec } from '../../../models/rc-connection/index.js';
import type { RcContext } from '../../../models/rc-connection/state.js';

/** An event as a short label: TX_WC, TIMEWAIT_EXIT@reap0, RX_WC:small, RX_REFILL:post-fails. */
export function label(e: EventObject): string {
  const x = e as EventObject & { tx?: string; len?: string; skb?: string; post?: string };
  return x.type + (x.tx && x.tx !== 'neigh' ? `@${x.tx}` : '') + (x.len ? `:${x.len}` : '') + (x.skb ? `:${x.skb}` : '') + (x.post ? `:post-${x.post}` : '');
}

export function labels(t: Trace | undefined): string[] {
  return (t?.steps ?? []).map((s) => label(s.event));
}

const results = new Map<string, CheckResult>();
let suiteResults: Map<string, CheckResult> | undefined;

/** Reuse the results the model suite computed at the check bounds (its tests run first in the file). */
export function reuse(fromSuite: Map<string, CheckResult>): void {
  suiteResults = fromSuite;
}

/** check() memoized per variant and parameter overrides (each exhaustive run costs up to seconds). */
export function checked(variant: string, params: Record<string, unknown> = {}): CheckResult {
  const atBounds = Object.keys(params).length === 0;
  const fromSuite = atBounds ? suiteResults?.get(variant) : undefined;
  if (fromSuite) return fromSuite;
  const k = `${variant} ${JSON.stringify(params)}`;
  let r = results.get(k);
  if (!r) results.set(k, (r = check(spec, { variant, params })));
  return r;
}

export function violation(r: CheckResult, property: string): Trace | undefined {
  return r.kind === 'violated' ? r.violations.find((v) => v.property === property)?.trace : undefined;
}

/** A replayable instance: the machine at a variant's parameters, stepped as the checker steps it. */
export function replay(variant: string, params: Record<string, unknown> = {}) {
  const { instance, params: p } = resolveRun(spec, variant, params);
  const succ = new XStateSuccessors(instance);
  let s: AnyMachineSnapshot = succ.initial()[0];
  return {
    params: p,
    get state(): AnyMachineSnapshot {
      return s;
    },
    get ctx(): RcContext {
      return s.context as RcContext;
    },
    enabled: (): string[] => instance.events(s).map(label),
    /** Steps by label; the event must be enabled (as the checker would offer it). */
    step(...names: string[]): void {
      for (const name of names) {
        const e = instance.events(s).find((x) => label(x) === name);
        if (!e) throw new Error(`${name} is not enabled; enabled: ${instance.events(s).map(label).join(', ')}`);
        const next = succ.step(s, e);
        if (succ.key(next) === succ.key(s)) throw new Error(`${name} changed nothing`);
        s = next;
      }
    },
  };
}
