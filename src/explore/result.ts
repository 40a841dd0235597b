/**
 * What `check` returns: data, never a thrown report. The three outcomes are
 * a discriminated union; all carry the statistics and a verdict per property.
 */
import type { ParamValues } from '../model/params.js';
import type { PropertyKind, Trace } from '../trace/types.js';

export interface Stats {
  readonly initialStates: number;
  readonly distinct: number;
  /** Steps that change the state (self-loops are not transitions). */
  readonly transitions: number;
  /** The longest shortest path from an initial state, in steps (the diameter). */
  readonly depth: number;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  /** Which successor path computed the steps ('xstate' or 'compiled'). */
  readonly successorPath: string;
  readonly invariants: number;
  readonly liveness: number;
  readonly goals: number;
  /** Whether every reachable state was explored. */
  readonly complete: boolean;
  /**
   * States not expanded because they violate an invariant. When nonzero, the
   * verdicts of the other properties cover the behaviours up to their first
   * such violation, not what lies beyond it.
   */
  readonly pruned: number;
  /** Bytes held by the graph's typed arrays. */
  readonly graphBytes: number;
}

/** holds / violated for safety and liveness; reached / unreached for goals; unknown when cut short. */
export type VerdictValue = 'holds' | 'violated' | 'reached' | 'unreached' | 'unknown';

export interface Verdict {
  readonly property: string;
  readonly kind: PropertyKind;
  readonly verdict: VerdictValue;
  /** Steps in the shortest counterexample or witness (for a lasso: prefix plus cycle). */
  readonly length?: number;
}

export interface Violation {
  readonly property: string;
  readonly kind: PropertyKind;
  readonly doc: string;
  /** One line: what was found. */
  readonly message: string;
  /** Absent for an unreachable goal, which has no path to show. */
  readonly trace?: Trace;
  /** For a lasso: events enabled on the cycle that fairness does not force. */
  readonly unforced?: readonly { type: string; reason: string }[];
}

export interface Witness {
  readonly goal: string;
  readonly doc: string;
  readonly trace: Trace;
}

interface ResultBase {
  readonly model: string;
  readonly variant: string;
  readonly params: ParamValues;
  readonly stats: Stats;
  readonly verdicts: readonly Verdict[];
  readonly witnesses: readonly Witness[];
}

export interface Holds extends ResultBase {
  readonly kind: 'holds';
}

export interface Violated extends ResultBase {
  readonly kind: 'violated';
  /** Each violated property once, with its shortest counterexample; the first found leads. */
  readonly violations: readonly Violation[];
}

export interface BoundedOut extends ResultBase {
  readonly kind: 'bounded-out';
  readonly reason: 'max-states' | 'max-depth' | 'memory';
  readonly bound: number;
  /** How to get a complete run: raise the bound or shrink the parameters. */
  readonly hint: string;
}

export type CheckResult = Holds | Violated | BoundedOut;
