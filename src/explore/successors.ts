/**
 * The one interface between the search and the semantics of a model. The
 * reference implementation steps XState's own `machine.transition`; a faster
 * path (a compiled successor function over packed states) can sit behind the
 * same interface and be checked step by step against the reference.
 */
import type { EventObject } from 'xstate';
import type { ModelState } from '../model/spec.js';
import type { StateKey } from './key.js';

/** Raised when a model's guard or action throws while stepping. */
export class ModelStepError extends Error {
  constructor(
    readonly eventIndex: number,
    override readonly cause: unknown,
  ) {
    super((cause instanceof Error ? cause.message : String(cause)).replace(/\s*\n\s*/g, ' '));
  }
}

export interface SuccessorFunction<S> {
  /** Which path computes successors, for statistics ('xstate', 'compiled'). */
  readonly label: string;
  /** One state per machine input. */
  initial(): readonly S[];
  key(state: S): StateKey;
  /** What predicates see of a state. */
  view(state: S): ModelState;
  /**
   * Calls `emit` once per event of the alphabet that changes the state, in
   * the model's event order. Throws ModelStepError if the model throws.
   */
  expand(state: S, stateKey: StateKey, emit: (eventIndex: number, next: S, nextKey: StateKey) => void): void;
  /** The interned event for an index given to `emit`. */
  event(index: number): EventObject;
  /** A final (done) state: the machine itself has stopped. */
  isFinal(state: S): boolean;
}
