/**
 * Up-front refusal of machine features the pure-step checker cannot explore
 * faithfully. With an inert actor scope, invoked actors never run and
 * delayed events never arrive, so a machine that relies on them would be
 * checked as if they did not exist. Time must be an explicit event instead.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { UnsupportedMachineError } from '../errors/unsupported-machine-error.js';

const TIME_FIX = 'model time as an explicit event (e.g. { type: "TIMEOUT" }) that the model\'s events() offers';

function actionsOf(node: AnyStateNode): Array<{ where: string; action: unknown }> {
  const out: Array<{ where: string; action: unknown }> = [];
  for (const a of node.entry ?? []) out.push({ where: 'entry', action: a });
  for (const a of node.exit ?? []) out.push({ where: 'exit', action: a });
  for (const [type, ts] of node.transitions) {
    for (const t of ts) for (const a of t.actions ?? []) out.push({ where: `on ${type}`, action: a });
  }
  for (const t of node.always ?? []) for (const a of t.actions ?? []) out.push({ where: 'always', action: a });
  return out;
}

function visit(machine: AnyStateMachine, node: AnyStateNode): void {
  const path = node.path.length ? node.path.join('.') : '(root)';
  if (node.invoke.length > 0) {
    throw new UnsupportedMachineError(machine.id, path, '`invoke`', 'model the invoked service as states and explicit events of this machine');
  }
  if (node.after.length > 0) {
    throw new UnsupportedMachineError(machine.id, path, '`after` (a delayed transition)', TIME_FIX);
  }
  for (const { where, action } of actionsOf(node)) {
    const a = action as { type?: string; delay?: unknown };
    if ((a?.type === 'xstate.raise' || a?.type === 'xstate.sendTo') && a.delay !== undefined) {
      throw new UnsupportedMachineError(machine.id, path, `a delayed event (${where})`, TIME_FIX);
    }
    if (a?.type === 'xstate.spawnChild') {
      throw new UnsupportedMachineError(machine.id, path, `spawnChild (${where})`, 'model the child as a parallel region of this machine');
    }
  }
  for (const child of Object.values(node.states)) visit(machine, child as AnyStateNode);
}

/** Throws UnsupportedMachineError naming the first refused construct. */
export function refuseUnsupported(machine: AnyStateMachine): void {
  visit(machine, machine.root);
}

const PURE_EXECUTABLE = new Set(['xstate.raise', 'xstate.emit', 'xstate.log']);

/**
 * Checks an action the pure step hands to its executor. Built-in actions that
 * changed the snapshot already did so; anything else is a side effect that
 * the checker would silently drop.
 */
export function refuseExecutedAction(machine: AnyStateMachine, action: { type: string; params?: unknown }): void {
  const params = action.params as { delay?: unknown } | undefined;
  if (action.type === 'xstate.raise' && typeof params?.delay === 'number') {
    throw new UnsupportedMachineError(machine.id, '(a transition)', 'a delayed raise', TIME_FIX);
  }
  if (!PURE_EXECUTABLE.has(action.type)) {
    throw new UnsupportedMachineError(
      machine.id,
      '(a transition)',
      `the action '${action.type}', whose side effect a pure step cannot see`,
      'express the effect with assign() on the context, or leave it out of the specification',
    );
  }
}
