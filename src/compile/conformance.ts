/**
 * Differential conformance of the compiled successor path against XState's
 * own step. For a state, every event of the model's alphabet is taken both
 * ways: XState's `machine.transition` from a snapshot resolved from the
 * state's (value, context), and the compiled space's expansion. Both must
 * agree on whether the event changes the state, on the next state value and
 * context, and on whether (and with what message) the step throws.
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { ModelInstance, ModelState } from '../model/spec.js';
import { stateKey, toPlain } from '../explore/key.js';
import { ModelStepError } from '../explore/successors.js';
import { XStateSuccessors } from '../explore/xstate-successors.js';
import { CompiledSpace } from './compiled-space.js';

export interface Divergence {
  readonly state: { value: unknown; context: unknown };
  readonly event: EventObject;
  readonly xstate: string;
  readonly compiled: string;
}

export interface ConformanceReport {
  readonly label: string;
  /** States whose every event was compared. */
  readonly states: number;
  /** (state, event) pairs compared. */
  readonly steps: number;
  readonly divergence?: Divergence;
}

type Outcome = { kind: 'unchanged' } | { kind: 'next'; key: string } | { kind: 'throws'; message: string };

function describe(o: Outcome): string {
  return o.kind === 'unchanged' ? 'no change' : o.kind === 'throws' ? `throws: ${o.message}` : o.key;
}

export class Conformance {
  readonly space: CompiledSpace;
  private readonly ref: XStateSuccessors;
  private readonly roots: readonly { id: number; input: number }[];

  constructor(
    private readonly instance: ModelInstance,
    layout: 'auto' | 'shape' = 'auto',
  ) {
    this.space = new CompiledSpace(instance, { layout });
    this.ref = new XStateSuccessors(instance);
    this.roots = this.space.init();
  }

  private keyOf(id: number): string {
    const v = this.space.view(id);
    return stateKey(v.value, v.context);
  }

  /** What XState does with each event from this state. */
  private reference(view: ModelState, events: readonly EventObject[]): Outcome[] {
    const snap = this.instance.machine.resolveState({ value: view.value, context: toPlain(view.context) }) as AnyMachineSnapshot;
    const own = stateKey(snap.value, snap.context);
    return events.map((e) => {
      try {
        const next = this.ref.step(snap, e);
        const k = stateKey(next.value, next.context);
        return next === snap || k === own ? { kind: 'unchanged' } : { kind: 'next', key: k };
      } catch (err) {
        if (err instanceof ModelStepError) return { kind: 'throws', message: err.message };
        throw err;
      }
    });
  }

  /**
   * What the compiled space does with each event from state `id` (interning
   * successors). Expansion stops at the first event that throws: the
   * outcomes end there.
   */
  private compiled(id: number, events: readonly EventObject[]): Outcome[] {
    const targets = new Map<number, number>();
    let thrown: ModelStepError | undefined;
    try {
      this.space.expand(id, Infinity, (ei, j) => targets.set(ei, j));
    } catch (err) {
      if (!(err instanceof ModelStepError)) throw err;
      thrown = err;
    }
    const out: Outcome[] = [];
    for (const e of events) {
      const ei = this.space.eventIndex(e);
      if (thrown && ei === thrown.eventIndex) {
        out.push({ kind: 'throws', message: thrown.message });
        break;
      }
      const j = ei === undefined ? undefined : targets.get(ei);
      out.push(j === undefined ? { kind: 'unchanged' } : { kind: 'next', key: this.keyOf(j) });
    }
    return out;
  }

  /** Compares every event from state `id`; returns the first disagreement. */
  compareAt(id: number): Divergence | undefined {
    const view = this.space.view(id);
    const state = { value: toPlain(view.value), context: toPlain(view.context) };
    const events = [...this.instance.events(view)];
    const want = this.reference(this.space.view(id), events);
    const got = this.compiled(id, events);
    for (let i = 0; i < events.length; i++) {
      const w = describe(want[i]);
      const g = got[i] ? describe(got[i]) : '(expansion stopped earlier)';
      if (w !== g) return { state, event: toPlain(events[i]), xstate: w, compiled: g };
      // Both threw here: the search stops at the first throwing event, so nothing after it matters.
      if (want[i].kind === 'throws') break;
    }
    return undefined;
  }

  /** Breadth-first over the compiled space, comparing every event at every state, up to `maxStates` states. */
  exhaustive(maxStates: number): ConformanceReport {
    let steps = 0;
    let i = 0;
    for (; i < this.space.size && i < maxStates; i++) {
      const d = this.compareAt(i);
      steps += this.instance.events(this.space.view(i)).length;
      if (d) return { label: this.space.label, states: i + 1, steps, divergence: d };
    }
    return { label: this.space.label, states: i, steps };
  }

  /** A walk from initial state `input` choosing events by index (choices wrap around the alphabet). */
  walk(input: number, choices: readonly number[]): ConformanceReport {
    const roots = this.roots;
    let id = roots.find((r) => r.input === input)?.id ?? roots[0].id;
    let steps = 0;
    for (const c of choices) {
      const d = this.compareAt(id);
      if (d) return { label: this.space.label, states: steps + 1, steps, divergence: d };
      const events = this.instance.events(this.space.view(id));
      if (events.length === 0) break;
      const e = events[c % events.length];
      const targets = new Map<number, number>();
      this.space.expand(id, Infinity, (ei, j) => targets.set(ei, j));
      id = targets.get(this.space.eventIndex(e)!) ?? id;
      steps++;
    }
    return { label: this.space.label, states: steps + 1, steps };
  }
}
