/**
 * The explored state graph, kept compact: states are numbered in the order
 * breadth-first search discovers them, so parent pointers give shortest
 * paths, and the edges of state i are the slice [edgeStart[i], edgeStart[i+1])
 * of two parallel typed arrays (target state, event index). Snapshots are not
 * kept: a trace is rebuilt by re-running its events.
 */
import type { EventObject } from 'xstate';
import { BitVector, IntVector } from './int-vector.js';

export class StateGraph {
  count = 0;
  readonly parent = new IntVector();
  readonly parentEvent = new IntVector();
  readonly depth = new IntVector();
  /** For each initial state (parent -1), which machine input it came from. */
  readonly rootInput = new IntVector();
  readonly edgeStart = new IntVector();
  readonly edgeTarget = new IntVector();
  readonly edgeEvent = new IntVector();
  /** States whose successors were all computed (not cut by an invariant, a bound or an error). */
  readonly expanded = new BitVector();
  /** How many states have an edgeStart entry (expansion proceeds in id order). */
  expandedUpTo = 0;

  constructor(readonly event: (index: number) => EventObject) {}

  addState(parent: number, eventIndex: number, depth: number, input: number): number {
    const id = this.count++;
    this.parent.push(parent);
    this.parentEvent.push(eventIndex);
    this.depth.push(depth);
    this.rootInput.push(input);
    return id;
  }

  beginEdges(state: number): void {
    this.edgeStart.set(state, this.edgeTarget.length);
    this.expandedUpTo = state + 1;
  }

  addEdge(target: number, eventIndex: number): void {
    this.edgeTarget.push(target);
    this.edgeEvent.push(eventIndex);
  }

  /** Closes the edge table after the search (a sentinel for the last state). */
  seal(): void {
    this.edgeStart.set(this.expandedUpTo, this.edgeTarget.length);
  }

  /** First edge of a state; edges run up to (not including) endEdge. */
  firstEdge(state: number): number {
    return state < this.expandedUpTo ? this.edgeStart.get(state) : 0;
  }

  endEdge(state: number): number {
    return state < this.expandedUpTo ? this.edgeStart.get(state + 1) : 0;
  }

  get transitions(): number {
    return this.edgeTarget.length;
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
    return { input: this.rootInput.get(s), events: events.reverse(), states: states.reverse() };
  }

  /** Bytes held by the graph's tables (for statistics). */
  get bytes(): number {
    return (
      this.parent.byteLength +
      this.parentEvent.byteLength +
      this.depth.byteLength +
      this.rootInput.byteLength +
      this.edgeStart.byteLength +
      this.edgeTarget.byteLength +
      this.edgeEvent.byteLength
    );
  }
}
