/**
 * The reference state space: XState's pure step, states keyed by the
 * canonical JSON of (state value, context) in a Map, and the snapshots of
 * the frontier kept until each is expanded.
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { ModelInstance, ModelState } from '../model/spec.js';
import type { StateKey } from './key.js';
import { NOT_INTERNED, type StateSpace } from './state-space.js';
import { XStateSuccessors } from './xstate-successors.js';

export class XStateSpace implements StateSpace {
  readonly label = 'xstate';
  readonly succ: XStateSuccessors;
  private readonly visited = new Map<StateKey, number>();
  private readonly snapshots: (AnyMachineSnapshot | undefined)[] = [];
  private readonly keys: (StateKey | undefined)[] = [];

  constructor(instance: ModelInstance) {
    this.succ = new XStateSuccessors(instance);
  }

  get size(): number {
    return this.visited.size;
  }

  private intern(s: AnyMachineSnapshot, k: StateKey): number {
    const id = this.visited.size;
    this.visited.set(k, id);
    this.snapshots[id] = s;
    this.keys[id] = k;
    return id;
  }

  init(): { id: number; input: number }[] {
    const out: { id: number; input: number }[] = [];
    this.succ.initial().forEach((s, input) => {
      const k = this.succ.key(s);
      if (!this.visited.has(k)) out.push({ id: this.intern(s, k), input });
    });
    return out;
  }

  view(id: number): ModelState {
    const s = this.snapshots[id];
    if (!s) throw new Error(`internal: state ${id} was released before it was viewed`);
    return s;
  }

  expand(id: number, limit: number, emit: (eventIndex: number, target: number, isNew: boolean) => void): void {
    this.succ.expand(this.snapshots[id]!, this.keys[id]!, (ev, next, k) => {
      const known = this.visited.get(k);
      if (known !== undefined) emit(ev, known, false);
      else if (this.visited.size >= limit) emit(ev, NOT_INTERNED, true);
      else emit(ev, this.intern(next, k), true);
    });
  }

  release(id: number): void {
    this.snapshots[id] = undefined;
    this.keys[id] = undefined;
  }

  event(index: number): EventObject {
    return this.succ.event(index);
  }

  isFinal(id: number): boolean {
    const s = this.snapshots[id];
    return s !== undefined && this.succ.isFinal(s);
  }
}
