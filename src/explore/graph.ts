/**
 * The explored state graph, kept compact: states are numbered in the order
 * breadth-first search discovers them, so parent pointers give shortest
 * paths and depth only grows with the id (the graph keeps where each level
 * starts, not a depth per state). The edges of state i are the slice
 * [edgeStart[i], edgeStart[i+1]) of two parallel typed arrays (target,
 * event), kept only when liveness needs them. Snapshots are not kept: a
 * trace is rebuilt by re-running its events.
 */
import type { EventObject } from 'xstate';
import { BitVector, IntVector } from './int-vector.js';

export class StateGraph {
  count = 0;
  readonly parent = new IntVector();
  readonly parentEvent = new IntVector();
  /** levelStart[d] is the first state at depth d. */
  private readonly levelStart: number[] = [0];
  /** Machine input of each initial state (they are the first states). */
  private readonly rootInputs: number[] = [];
  readonly edgeStart = new IntVector();
  readonly edgeTarget = new IntVector();
  readonly edgeEvent = new IntVector();
  /** State-changing steps explored (counted even when edges are not kept). */
  transitions = 0;
  /** States whose successors were all computed (not cut by an invariant, a bound or an error). */
  readonly expanded = new BitVector();
  /** How many states have an edgeStart entry (expansion proceeds in id order). */
  expandedUpTo = 0;

  constructor(
    readonly event: (index: number) => EventObject,
    readonly keepEdges = true,
  ) {}

  addState(id: number, parent: number, eventIndex: number, depth: number, input: number): void {
    if (id !== this.count) throw new Error(`internal: state ${id} discovered out of order (expected ${this.count})`);
    this.count++;
    this.parent.push(parent);
    this.parentEvent.push(eventIndex);
    if (parent === -1) this.rootInputs.push(input);
    while (this.levelStart.length <= depth) this.levelStart.push(id);
  }

  depthOf(state: number): number {
    // Levels are few (the diameter); search from the deepest.
    let d = this.levelStart.length - 1;
    while (this.levelStart[d] > state) d--;
    return d;
  }

  beginEdges(state: number): void {
    if (this.keepEdges) this.edgeStart.set(state, this.edgeTarget.length);
    this.expandedUpTo = state + 1;
  }

  addEdge(target: number, eventIndex: number): void {
    this.transitions++;
    if (!this.keepEdges) return;
    // A space that does not track targets must only be searched without edges.
    if (target < 0) throw new Error(`internal: an edge to state ${target} in a graph that keeps edges`);
    this.edgeTarget.push(target);
    this.edgeEvent.push(eventIndex);
  }

  /** Closes the edge table after the search (a sentinel for the last state). */
  seal(): void {
    if (this.keepEdges) this.edgeStart.set(this.expandedUpTo, this.edgeTarget.length);
  }

  /** First edge of a state; edges run up to (not including) endEdge. */
  firstEdge(state: number): number {
    return state < this.expandedUpTo && this.keepEdges ? this.edgeStart.get(state) : 0;
  }

  endEdge(state: number): number {
    return state < this.expandedUpTo && this.keepEdges ? this.edgeStart.get(state + 1) : 0;
  }

  /** The initial-state input index and the events from it to `state`, shortest. */
  pathTo(state: number): { input: number; events: number[]; states: number[] } {
    const events: number[] = [];
    const states: number[] = [];
    let s = state;
    while (this.parent.get(s) !== -1) {
      states.push(s);
      events.push(this.parentEvent.get(s));
      s = this.parent.get(s);
    }
    states.push(s);
    return { input: this.rootInputs[s], events: events.reverse(), states: states.reverse() };
  }

  inputOf(root: number): number {
    return this.rootInputs[root];
  }

  /** Bytes held by the graph's tables (for statistics). */
  get bytes(): number {
    return this.parent.byteLength + this.parentEvent.byteLength + this.edgeStart.byteLength + this.edgeTarget.byteLength + this.edgeEvent.byteLength;
  }
}
