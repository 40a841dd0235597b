/**
 * Replaying a trace file: re-executes its events on the named model,
 * parameters and variant with XState's own step, checks that every step
 * reproduces the recorded state, and re-evaluates the property on the
 * replayed states (an invariant broken at the end, a deadlock, a goal
 * reached, a fair lasso that never reaches its goal, a step that throws).
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { AnyModelSpec } from '../model/spec.js';
import { resolveRun } from '../explore/check.js';
import { canonicalJson, eventKey, stateKey } from '../explore/key.js';
import { ModelStepError } from '../explore/successors.js';
import { XStateSuccessors } from '../explore/xstate-successors.js';
import { withExplanation } from '../explore/explain.js';
import { TraceDivergedError } from '../errors/trace-diverged-error.js';
import { TraceFormatError } from '../errors/trace-format-error.js';
import type { ParamValues } from '../model/params.js';
import { diff, flatten } from './diff.js';
import { stateOf } from './build.js';
import type { TraceFile, TraceState } from './types.js';

export interface ReplayOutcome {
  /** reproduced: every step matched and the property fails (or the goal is reached) again. */
  readonly kind: 'reproduced' | 'property-holds';
  readonly steps: number;
  readonly message: string;
}

function firstDifference(want: TraceState, got: TraceState): string {
  const d = diff(flatten(want), flatten(got));
  if (d.length === 0) return 'the states differ';
  const c = d[0];
  return `recorded ${c.field} = ${c.before ?? '(absent)'}, the model gives ${c.after ?? '(absent)'}${d.length > 1 ? ` (and ${d.length - 1} more fields)` : ''}`;
}

/** Whether any event of the alphabet changes the state (deadlock and fairness need it). */
function enabledTypes(ref: XStateSuccessors, s: AnyMachineSnapshot): Set<string> {
  const out = new Set<string>();
  ref.expand(s, ref.key(s), (i) => out.add(ref.event(i).type));
  return out;
}

export function replay(file: string, t: TraceFile, spec: AnyModelSpec): ReplayOutcome {
  const { params, instance } = resolveRun(spec, t.variant, t.params as ParamValues);
  const ref = new XStateSuccessors(instance);
  const p = t.property;
  const inputIndex = instance.inputs.findIndex((x) => canonicalJson(x ?? null) === canonicalJson(t.trace.input ?? null));
  if (inputIndex < 0) throw new TraceDivergedError(file, 0, 'its input is not one of the model\'s initial states');
  let s = ref.initial()[inputIndex];
  const states: AnyMachineSnapshot[] = [s];
  const check = (i: number, want: TraceState) => {
    if (ref.key(s) !== stateKey(want.value, want.context)) throw new TraceDivergedError(file, i, firstDifference(want, stateOf(s)));
  };
  check(0, t.trace.initial);
  t.trace.steps.forEach((step, i) => {
    // Only what the model's environment can send at that state: a hand-made event is not a behaviour.
    const wanted = eventKey(step.event);
    if (!instance.events(s as never).some((e) => eventKey(e) === wanted)) {
      throw new TraceDivergedError(file, i + 1, `its event ${canonicalJson(step.event)} is not one the model's environment sends in state ${i}`);
    }
    try {
      s = ref.step(s, step.event);
    } catch (err) {
      if (!(err instanceof ModelStepError)) throw err;
      throw new TraceDivergedError(file, i + 1, `the machine throws on ${step.event.type}: ${err.message}`);
    }
    check(i + 1, step.state);
    states.push(s);
  });
  const n = t.trace.steps.length;
  const done = (ok: boolean, yes: string, no: string): ReplayOutcome => ({ kind: ok ? 'reproduced' : 'property-holds', steps: n, message: ok ? yes : no });

  switch (p.kind) {
    case 'invariant': {
      const inv = spec.invariants.find((x) => x.name === p.name);
      if (!inv) throw new TraceFormatError(file, `names invariant '${p.name}', which model '${spec.id}' does not have`);
      const violated = !inv.holds(s, params);
      const yes = violated ? withExplanation(`invariant ${p.name} is violated in the last state`, inv, () => s, params) : '';
      return done(violated, yes, `invariant ${p.name} holds in the last state: the trace is no longer a counterexample`);
    }
    case 'goal': {
      const g = spec.goals.find((x) => x.name === p.name);
      if (!g) throw new TraceFormatError(file, `names goal '${p.name}', which model '${spec.id}' does not have`);
      return done(g.reached(s, params), `goal ${p.name} is reached in the last state`, `goal ${p.name} is not reached in the last state`);
    }
    case 'deadlock': {
      const stuck = enabledTypes(ref, s).size === 0 && !ref.isFinal(s) && !(instance.isEndState?.(s) ?? false);
      return done(stuck, 'the last state is a deadlock: no event changes it and it is not an allowed end state', 'the last state is not a deadlock');
    }
    case 'error': {
      if (!t.trace.failingEvent) throw new TraceFormatError(file, 'is a model-error trace without its failingEvent');
      try {
        ref.step(s, t.trace.failingEvent);
      } catch (err) {
        if (err instanceof ModelStepError) return done(true, `the machine throws on ${t.trace.failingEvent.type}: ${err.message}`, '');
        throw err;
      }
      return done(false, '', `the machine no longer throws on ${t.trace.failingEvent.type}`);
    }
    case 'liveness': {
      const l = spec.liveness.find((x) => x.name === p.name);
      if (!l) throw new TraceFormatError(file, `names liveness property '${p.name}', which model '${spec.id}' does not have`);
      const loop = t.trace.loop;
      if (!loop) throw new TraceFormatError(file, 'is a liveness counterexample without its loop');
      if (!loop.stutter && ref.key(states[n]) !== ref.key(states[loop.start])) {
        throw new TraceDivergedError(file, n, `the cycle does not close: the last state is not state ${loop.start}`);
      }
      if (!l.from(states[loop.from], params)) return done(false, '', `the premise of ${p.name} does not hold at state ${loop.from}`);
      // The behaviour is the prefix from the premise and then the cycle for ever: the goal must hold nowhere on it.
      const reached = states.slice(loop.from).findIndex((x) => l.to(x, params));
      if (reached >= 0) return done(false, '', `the goal of ${p.name} holds at state ${loop.from + reached}`);
      const cycle = loop.stutter ? [states[n]] : states.slice(loop.start, n);
      const taken = new Set(t.trace.steps.slice(loop.start).map((x) => x.event.type));
      const enabled = cycle.map((x) => enabledTypes(ref, x));
      const forced = l.fair.filter((f) => !taken.has(f) && enabled.every((e) => e.has(f)));
      if (forced.length > 0) {
        return done(false, '', `the cycle is not weakly fair: ${forced.join(', ')} ${forced.length > 1 ? 'are' : 'is'} enabled throughout and never taken`);
      }
      const how = loop.stutter ? `stays in state ${n} forever` : `repeats the cycle from state ${loop.start}`;
      return done(true, withExplanation(`the premise of ${p.name} holds at state ${loop.from}, and the behaviour ${how} under weak fairness without reaching its goal`, l, () => states[loop.start], params), '');
    }
  }
}
