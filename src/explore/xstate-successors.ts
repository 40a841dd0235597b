/**
 * The reference successor path: XState's own pure step,
 * `machine.transition(snapshot, event, scope)`, with one inert actor scope
 * reused for the whole search. The exported `transition()` builds a fresh
 * actor per call, which costs about three times as much for the same result.
 */
import { createActor, type AnyActorScope, type AnyMachineSnapshot, type EventObject } from 'xstate';
import type { ModelInstance, ModelState } from '../model/spec.js';
import { ModelDefinitionError } from '../errors/model-definition-error.js';
import { stateKey, type StateKey } from './key.js';
import { EventTable } from './event-table.js';
import { refuseExecutedAction, refuseUnsupported } from './refuse.js';
import { ModelStepError, type SuccessorFunction } from './successors.js';

/** An actor scope that executes nothing: actions are checked, never run. */
function inertScope(instance: ModelInstance): AnyActorScope {
  const machine = instance.machine;
  const self = createActor(machine, { input: instance.inputs[0] });
  const scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action: { type: string; params?: unknown }) => refuseExecutedAction(machine, action),
  };
  return scope as unknown as AnyActorScope;
}

function failed(snapshot: AnyMachineSnapshot): boolean {
  return snapshot.status === 'error';
}

export class XStateSuccessors implements SuccessorFunction<AnyMachineSnapshot> {
  readonly label = 'xstate';
  private readonly scope: AnyActorScope;
  private readonly events = new EventTable();

  constructor(private readonly instance: ModelInstance) {
    refuseUnsupported(instance.machine);
    if (instance.inputs.length === 0) {
      throw new ModelDefinitionError(
        `model instance of machine '${instance.machine.id}' declares no initial state`,
        'give ModelInstance.inputs at least one entry ([undefined] for a machine without input)',
      );
    }
    this.scope = inertScope(instance);
  }

  initial(): AnyMachineSnapshot[] {
    return this.instance.inputs.map((input) => {
      const s = this.instance.machine.getInitialSnapshot(this.scope, input) as AnyMachineSnapshot;
      if (failed(s)) {
        throw new ModelDefinitionError(
          `machine '${this.instance.machine.id}' fails in its initial state: ${String((s.error as Error)?.message ?? s.error)}`,
          'fix the machine\'s context or entry actions for this input',
        );
      }
      return s;
    });
  }

  key(s: AnyMachineSnapshot): StateKey {
    return stateKey(s.value, s.context);
  }

  view(s: AnyMachineSnapshot): ModelState {
    return s;
  }

  /** Interns an event: traces and edges refer to events by index. */
  intern(e: EventObject): number {
    return this.events.intern(e);
  }

  event(index: number): EventObject {
    return this.events.get(index);
  }

  /** One pure step; throws ModelStepError when the model's code throws. */
  step(s: AnyMachineSnapshot, e: EventObject, index = -1): AnyMachineSnapshot {
    let next: AnyMachineSnapshot;
    try {
      next = this.instance.machine.transition(s, e, this.scope) as AnyMachineSnapshot;
    } catch (err) {
      if (err instanceof ModelDefinitionError || (err as Error)?.name === 'UnsupportedMachineError') throw err;
      throw new ModelStepError(index, err);
    }
    if (failed(next)) throw new ModelStepError(index, next.error);
    return next;
  }

  expand(s: AnyMachineSnapshot, sKey: StateKey, emit: (i: number, next: AnyMachineSnapshot, k: StateKey) => void): void {
    if (s.status === 'done') return;
    for (const e of this.instance.events(s)) {
      const i = this.intern(e);
      const next = this.step(s, e, i);
      if (next === s) continue;
      const k = this.key(next);
      if (k === sKey) continue;
      emit(i, next, k);
    }
  }

  isFinal(s: AnyMachineSnapshot): boolean {
    return s.status === 'done';
  }
}
