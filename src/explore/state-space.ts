/**
 * The one interface between the search and the semantics of a model: a
 * state space interns states as it discovers them (numbering them 0, 1, 2,
 * ... in discovery order) and computes the successors of a numbered state.
 * The reference implementation steps XState's own `machine.transition` and
 * keys states by canonical JSON; a compiled successor function over packed
 * states sits behind the same interface and is checked against the
 * reference step by step.
 */
import type { EventObject } from 'xstate';
import type { ModelState } from '../model/spec.js';

/** Returned as the target of an edge when a new state was not interned because of the bound. */
export const NOT_INTERNED = -1;

/**
 * Returned as the target of an edge to a state interned earlier whose id the
 * space does not track: a space built for a search that keeps no edges may
 * remember only that a state was seen (a bitmap), not its number.
 */
export const UNTRACKED = -2;

export interface StateSpace {
  /** Which path computes successors, for statistics ('xstate', 'compiled'). */
  readonly label: string;
  /** Interns the initial states (one per machine input; duplicates collapse) and returns their ids with the input index. */
  init(): readonly { id: number; input: number }[];
  /** Distinct states interned so far. */
  readonly size: number;
  /**
   * What predicates see of a state. Valid until the next call to view or
   * expand: implementations may reuse one object.
   */
  view(id: number): ModelState;
  /**
   * Computes the successors of `id`: calls `emit` once per event of the
   * alphabet that changes the state, in the model's event order, with the
   * target's id (interning it if new, unless the space already holds
   * `limit` states, in which case the target is NOT_INTERNED; a target seen
   * before may be UNTRACKED if the space was built without targets). Throws
   * ModelStepError if the model's code throws.
   */
  expand(id: number, limit: number, emit: (eventIndex: number, target: number, isNew: boolean) => void): void;
  /**
   * For a search that keeps no edges, an alternative to expand: reports
   * only the successors that are new (or NOT_INTERNED past `limit`) and
   * returns the number of state-changing successors seen before. A space
   * built without targets may support only this.
   */
  expandNew?(id: number, limit: number, emit: (eventIndex: number, target: number) => void): number;
  /** Drops what is kept only to expand `id` later (the search expands each state once). */
  release(id: number): void;
  /** The interned event for an index given to `emit`. */
  event(index: number): EventObject;
  /** A final (done) state: the machine itself has stopped. */
  isFinal(id: number): boolean;
  /** Bytes held by the state store, when the implementation can tell. */
  readonly bytes?: number;
}
