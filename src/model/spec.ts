/**
 * The contract between a protocol model and the checking engine.
 *
 * A model is an XState v5 machine (the specification) plus everything the
 * checker needs to explore it: the event alphabet at each state, the
 * properties to check, the parameters with their kernel defaults and the
 * smaller bounds used for exhaustive checking, and the named variants
 * (kernel versions and historical bugs) each with the properties it must
 * violate. The engine never looks inside a model beyond this interface.
 */
import type { AnyStateMachine, EventObject, StateValue } from 'xstate';
import type { ParamDecls, ParamValues } from './params.js';
import type { ContextDomains } from './domains.js';

/**
 * What a property sees of a state: the state value, the context and
 * `matches`. An XState snapshot satisfies it; a faster successor path may
 * hand predicates a lighter object with the same three members.
 */
export interface ModelState<C = any> {
  readonly value: StateValue;
  readonly context: C;
  matches(value: any): boolean;
}

/** A safety property: must hold in every reachable state. */
export interface Invariant<C = any, P extends ParamValues = ParamValues> {
  /** Named after its meaning, e.g. `everySendEndsOnce`. */
  readonly name: string;
  /** One sentence: what it means for the protocol. */
  readonly doc: string;
  holds(state: ModelState<C>, params: P): boolean;
  /**
   * Keep exploring from states that violate this invariant (default: a
   * violating state is an error state and is not expanded). For a property
   * that a correct kernel version violates by design, such as an accounting
   * convention or an optimisation the version lacks, so that the rest of
   * that version's behaviour is still checked and every other property still
   * gets its own shortest counterexample.
   */
  readonly expandViolations?: boolean;
  /**
   * What a violating state shows, in the kernel's terms and with its values
   * (e.g. "tx_packets is 3 but only 2 sends completed successfully"): printed
   * after the verdict under every counterexample and by replay. Called only
   * on states that violate the invariant.
   */
  explain?(state: ModelState<C>, params: P): string;
}

/**
 * `from ~> to` (leads-to): whenever `from` holds, `to` holds then or later,
 * in every behaviour that is weakly fair to the named event types. Steps of
 * other events may stop at any time (the environment may stutter forever).
 */
export interface LeadsTo<C = any, P extends ParamValues = ParamValues> {
  readonly name: string;
  readonly doc: string;
  from(state: ModelState<C>, params: P): boolean;
  to(state: ModelState<C>, params: P): boolean;
  /** Event types under weak fairness: continuously enabled means eventually taken. */
  readonly fair: readonly string[];
  /**
   * Why the behaviour is stuck, in the kernel's terms and with its values,
   * read at the state where a counterexample's cycle starts (or where it
   * stutters for ever): printed under the verdict and by replay.
   */
  explain?(state: ModelState<C>, params: P): string;
}

/** A state that must be reachable (a vacuity check), reported with a shortest witness. */
export interface Goal<C = any, P extends ParamValues = ParamValues> {
  readonly name: string;
  readonly doc: string;
  reached(state: ModelState<C>, params: P): boolean;
}

/** How a trace's steps are drawn as a sequence diagram: who sends each event to whom. */
export interface Lanes {
  readonly participants: readonly string[];
  /** Returns [from, to] participants for an event, and an optional note. */
  of(event: EventObject): readonly [string, string];
}

/** One explorable instance of a model: a machine and its environment at fixed parameters. */
export interface ModelInstance {
  readonly machine: AnyStateMachine;
  /**
   * Machine inputs, one per initial state (as TLC starts from every state of
   * `Init`). `[undefined]` for a machine without input.
   */
  readonly inputs: readonly unknown[];
  /**
   * The event alphabet at this state; events that change nothing are
   * ignored. Return a fresh array or a constant one, and never change an
   * array once returned (the compiled path caches by identity).
   */
  events(state: ModelState): readonly EventObject[];
  /** States where the protocol may legitimately stop (not deadlocks). */
  isEndState?(state: ModelState): boolean;
  /**
   * The finite domain of every context field (optional): lets the compiled
   * successor path pack states into bits. Every field must be declared.
   */
  readonly domains?: ContextDomains;
}

export type VariantKind = 'baseline' | 'version' | 'bug';

/** A named variant: a kernel version, or a historical or seeded bug. */
export interface Variant<P extends ParamValues = ParamValues, B = unknown> {
  readonly name: string;
  readonly kind: VariantKind;
  /** What the variant is, with its kernel version or commit where it has one. */
  readonly doc: string;
  /** The behaviour switches the machine reads (model-specific). */
  readonly behaviour: B;
  /** Parameter overrides on top of the check bounds (rarely needed). */
  readonly params?: Partial<P>;
  /** Properties this variant exists to violate; a test asserts each one fails. */
  readonly catches: readonly string[];
}

/** A table of simulated figures, beside the seed's where the seed has them. */
export interface SimTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly notes?: readonly string[];
}

/** A series for a plot (the docs generator draws it as SVG). */
export interface SimPlot {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly { readonly name: string; readonly points: readonly (readonly [number, number])[] }[];
}

export interface SimReport {
  readonly tables: readonly SimTable[];
  readonly plots: readonly SimPlot[];
  /** Sentences stating what the simulation shows, including where it departs from the seed and why. */
  readonly findings: readonly string[];
}

/** A model's throughput or accounting experiment, run by `rxspec simulate <model>`. */
export interface Simulation {
  /** What is simulated, with the cost sources. */
  readonly doc: string;
  /** Deterministic for a given seed. `variant` restricts the run to one variant where that makes sense. */
  run(options: { variant?: string; seed: number }): SimReport;
}

export interface ModelSpec<P extends ParamValues = ParamValues, B = unknown, C = any> {
  /** Kebab-case identifier used on the command line, e.g. `rc-connection`. */
  readonly id: string;
  readonly title: string;
  /** One paragraph for the index of models. */
  readonly summary: string;
  /** Seed files and kernel files@commit the model follows. */
  readonly sources: readonly string[];
  /** Prose: what is modelled (from the machine's header). */
  readonly modelled: string;
  /** Prose: what is left out, and why. */
  readonly leftOut: string;
  readonly params: ParamDecls<P>;
  /** The first variant is the baseline the model is named for. */
  readonly variants: readonly Variant<P, B>[];
  instantiate(params: P, behaviour: B): ModelInstance;
  readonly invariants: readonly Invariant<C, P>[];
  readonly liveness: readonly LeadsTo<C, P>[];
  readonly goals: readonly Goal<C, P>[];
  /** Whether a reachable state with no enabled event is a violation (default true). */
  readonly checkDeadlock?: boolean;
  readonly lanes?: Lanes;
  readonly simulation?: Simulation;
}

// The registry holds models of different parameter and behaviour types.
export type AnyModelSpec = ModelSpec<any, any, any>;
