/**
 * Traces: a sequence of events from an initial state with the state reached
 * after each, as plain data. A lasso (a liveness counterexample) also says
 * where its cycle starts; the behaviour repeats the steps after `loop.start`
 * forever, or stays in the last state forever when `loop.stutter` is set.
 */
import type { EventObject } from 'xstate';
import type { ParamValues } from '../model/params.js';

export interface TraceState {
  /** The XState state value, as JSON. */
  readonly value: unknown;
  readonly context: unknown;
}

export interface TraceStep {
  readonly event: EventObject;
  readonly state: TraceState;
}

export interface Trace {
  readonly input: unknown;
  readonly initial: TraceState;
  readonly steps: readonly TraceStep[];
  /** For a model error: the event on which the last state's step throws. */
  readonly failingEvent?: EventObject;
  readonly loop?: {
    /** State index (0 = initial) where the cycle starts. */
    readonly start: number;
    readonly stutter: boolean;
    /** State index where the leads-to premise held. */
    readonly from: number;
  };
}

export type PropertyKind = 'invariant' | 'deadlock' | 'liveness' | 'goal' | 'error';

/** The file format of a counterexample or witness (rxspec-trace, version 1). */
export interface TraceFile {
  readonly format: 'rxspec-trace';
  readonly version: 1;
  readonly model: string;
  readonly variant: string;
  readonly params: ParamValues;
  readonly property: {
    readonly name: string;
    readonly kind: PropertyKind;
    readonly doc: string;
    /** A violation to reproduce, or a goal's witness. */
    readonly role: 'counterexample' | 'witness';
  };
  readonly trace: Trace;
}

export const TRACE_FORMAT = 'rxspec-trace';
export const TRACE_VERSION = 1;
