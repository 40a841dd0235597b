/**
 * Rebuilds a trace from a path of event indices by re-running it through
 * XState's own step: the explorer keeps no snapshots, and a trace produced
 * this way shows exactly what the machine does, whatever successor path the
 * search used.
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { toPlain } from '../explore/key.js';
import type { XStateSuccessors } from '../explore/xstate-successors.js';
import type { Trace, TraceState } from './types.js';

export function stateOf(s: AnyMachineSnapshot): TraceState {
  return { value: toPlain(s.value), context: toPlain(s.context) };
}

export interface PathSpec {
  input: number;
  events: readonly EventObject[];
  loop?: { start: number; stutter: boolean; from: number };
}

export function buildTrace(ref: XStateSuccessors, inputs: readonly unknown[], path: PathSpec): Trace {
  let s = ref.initial()[path.input];
  const initial = stateOf(s);
  const steps = path.events.map((event) => {
    s = ref.step(s, event);
    return { event: toPlain(event), state: stateOf(s) };
  });
  const input = inputs[path.input] === undefined ? null : toPlain(inputs[path.input]);
  return path.loop ? { input, initial, steps, loop: path.loop } : { input, initial, steps };
}
