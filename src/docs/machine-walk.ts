/**
 * Reading a machine's definition (not its behaviour): state nodes and their
 * transitions with event, guard, targets and action names, in definition
 * order. The state diagram and the transition table are drawn from this.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

export interface TransitionRow {
  /** Dotted path of the source state node ('' for the machine itself). */
  readonly source: string;
  readonly event: string;
  readonly guard?: string;
  /** Dotted paths of the targets; empty for a targetless (internal) transition. */
  readonly targets: readonly string[];
  readonly actions: readonly string[];
}

function nameOf(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'function') {
    const t = (x as { type?: string }).type;
    if (t === 'xstate.assign') return 'assign';
    if (t && !t.startsWith('xstate.')) return t;
    if (t) return t.replace(/^xstate\./, '');
    return x.name && x.name !== 'anonymous' ? x.name : 'inline';
  }
  if (x && typeof x === 'object' && 'type' in x) return String((x as { type: unknown }).type);
  return 'inline';
}

/** Guard names as written in setup(); and/or/not spelled out. */
export function guardName(g: unknown): string | undefined {
  if (g === undefined) return undefined;
  if (typeof g === 'function') {
    const f = g as { type?: string; guards?: unknown[]; name?: string };
    if (f.type === 'xstate.and') return (f.guards ?? []).map(guardName).join(' and ');
    if (f.type === 'xstate.or') return (f.guards ?? []).map(guardName).join(' or ');
    if (f.type === 'xstate.not') return `not ${guardName((f.guards ?? [])[0])}`;
    return f.name && f.name !== 'guard' ? f.name : 'inline guard';
  }
  return nameOf(g);
}

export function pathOf(node: AnyStateNode): string {
  return node.path.join('.');
}

export function transitionsOf(node: AnyStateNode): TransitionRow[] {
  const rows: TransitionRow[] = [];
  for (const [event, defs] of node.transitions) {
    for (const t of defs) {
      rows.push({
        source: pathOf(node),
        event,
        guard: guardName(t.guard),
        targets: (t.target ?? []).map((x: AnyStateNode) => pathOf(x)),
        actions: (t.actions ?? []).map(nameOf),
      });
    }
  }
  for (const t of node.always ?? []) {
    rows.push({ source: pathOf(node), event: '(always)', guard: guardName(t.guard), targets: (t.target ?? []).map(pathOf), actions: (t.actions ?? []).map(nameOf) });
  }
  return rows;
}

/** Every state node, depth first in definition order, the machine's root first. */
export function stateNodes(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const visit = (n: AnyStateNode) => {
    out.push(n);
    for (const c of Object.values(n.states)) visit(c as AnyStateNode);
  };
  visit(machine.root);
  return out;
}

export function allTransitions(machine: AnyStateMachine): TransitionRow[] {
  return stateNodes(machine).flatMap(transitionsOf);
}
