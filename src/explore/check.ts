/**
 * check(spec, options): explores one model at one parameter assignment and
 * variant, and returns a CheckResult. Every invariant, the deadlock check and
 * every goal is decided in the same breadth-first search (each with its own
 * shortest trace); liveness is decided afterwards on the explored graph.
 */
import type { AnyModelSpec, ModelInstance, ModelState, Variant } from '../model/spec.js';
import { checkParams, resolveParams, type ParamValues } from '../model/params.js';
import { UnknownModelError } from '../errors/unknown-model-error.js';
import { UsageError } from '../errors/usage-error.js';
import { buildTrace } from '../trace/build.js';
import type { PropertyKind, Trace } from '../trace/types.js';
import { search, type SearchOutcome, type SearchProgress } from './bfs.js';
import { findLasso, prunedOnTheWay } from './liveness.js';
import { withExplanation } from './explain.js';
import type { CheckResult, Stats, Verdict, Violation, Witness } from './result.js';
import { XStateSpace } from './xstate-space.js';
import { XStateSuccessors } from './xstate-successors.js';
import type { StateSpace } from './state-space.js';
import { compile, CompileRefusal, CompiledSpace } from '../compile/compile.js';
import { DomainViolation } from '../compile/domain-layout.js';
import { toPlain } from './key.js';

/** Large enough for every model at its check bounds, small enough to stay far from the heap limit. */
export const DEFAULT_MAX_STATES = 2_000_000;

export const DEADLOCK_PROPERTY = 'deadlockFree';
export const DEADLOCK_DOC = 'Every reachable state that is not an allowed end state has an event that changes it.';
export const ERROR_PROPERTY = 'stepsDoNotThrow';
export const ERROR_DOC = "No guard or action of the machine throws on a reachable state.";

export interface CheckOptions {
  /** Variant name; the model's first (baseline) variant when absent. */
  variant?: string;
  /** Parameter overrides, on top of the check bounds and the variant's own. */
  params?: Record<string, unknown>;
  maxStates?: number;
  maxDepth?: number;
  onProgress?: (p: SearchProgress) => void;
  /** Milliseconds between progress reports (default 1000). */
  progressEveryMs?: number;
  /**
   * Which successor path explores: 'compiled' (the default) falls back to
   * 'xstate' when the machine uses a construct the compiler refuses.
   */
  successors?: 'compiled' | 'xstate';
}

export interface ResolvedRun {
  variant: Variant<ParamValues, unknown>;
  params: ParamValues;
  instance: ModelInstance;
}

export function findVariant(spec: AnyModelSpec, name?: string): Variant<ParamValues, unknown> {
  if (name === undefined) return spec.variants[0];
  const v = spec.variants.find((x) => x.name === name);
  if (!v) throw new UnknownModelError('variant', name, spec.variants.map((x) => x.name), spec.id);
  return v;
}

/** Resolves variant and parameters (refusing bad ones) and instantiates the model. */
export function resolveRun(spec: AnyModelSpec, variantName?: string, overrides: Record<string, unknown> = {}): ResolvedRun {
  const variant = findVariant(spec, variantName);
  const base = resolveParams(spec.id, spec.params, checkParams(spec.params), variant.params ?? {});
  const params = resolveParams(spec.id, spec.params, base, overrides);
  return { variant, params, instance: spec.instantiate(params, variant.behaviour) };
}

const steps = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

/** The compiled space when the machine compiles; otherwise XState's, labelled with the refusal. */
function chooseSpace(instance: ModelInstance, which: 'compiled' | 'xstate', keepEdges: boolean): StateSpace {
  if (which === 'xstate') return new XStateSpace(instance);
  const c = compile(instance, { targets: keepEdges });
  if (!(c instanceof CompileRefusal)) return c;
  const fallback = new XStateSpace(instance);
  Object.defineProperty(fallback, 'label', { value: `xstate (not compiled: ${c.message})` });
  return fallback;
}

function positive(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
    throw new UsageError(`--${name} must be a positive integer, not ${v}`, `pass --${name} <n> with n ≥ 1`);
  }
}

function boundHint(spec: AnyModelSpec, params: ParamValues, reason: string, bound: number): string {
  const shrinkable = Object.entries(spec.params)
    .filter(([k, d]) => d.kind === 'int' && (params[k] as number) > d.min)
    .map(([k]) => `--param ${k}=${(params[k] as number) - 1}`);
  const shrink = shrinkable.length ? ` or shrink the parameters (e.g. ${shrinkable.slice(0, 3).join(', ')})` : '';
  if (reason === 'max-states') return `raise --max-states (now ${bound})${shrink}`;
  if (reason === 'max-depth') return `raise --max-depth (now ${bound}) or leave it out${shrink}`;
  return `the heap filled after ${bound} states: shrink the parameters${shrink}, or give Node more heap with NODE_OPTIONS=--max-old-space-size=<MiB>`;
}

export function check(spec: AnyModelSpec, options: CheckOptions = {}): CheckResult {
  positive('max-states', options.maxStates);
  positive('max-depth', options.maxDepth);
  const { variant, params, instance } = resolveRun(spec, options.variant, options.params);
  const keepEdges = spec.liveness.length > 0;
  let space = chooseSpace(instance, options.successors ?? 'compiled', keepEdges);
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const checkDeadlock = spec.checkDeadlock !== false;
  const probe = {
    invariants: spec.invariants.map((inv) => ({ name: inv.name, holds: (s: ModelState) => inv.holds(s, params), expand: inv.expandViolations === true })),
    goals: spec.goals.map((g) => ({ name: g.name, reached: (s: ModelState) => g.reached(s, params) })),
    leadsTo: spec.liveness.map((l) => ({ name: l.name, from: (s: ModelState) => l.from(s, params), to: (s: ModelState) => l.to(s, params) })),
    isEnd: (s: ModelState) => instance.isEndState?.(s) ?? false,
  };
  const searchOptions = {
    maxStates,
    maxDepth: options.maxDepth,
    onProgress: options.onProgress,
    progressEveryMs: options.progressEveryMs,
    keepEdges,
  };
  let out: SearchOutcome;
  try {
    out = search(space, probe, searchOptions);
  } catch (err) {
    if (!(err instanceof DomainViolation)) throw err;
    // The model's declared domains are wrong; the generic layout needs none.
    const shaped = new CompiledSpace(instance, { layout: 'shape' });
    Object.defineProperty(shaped, 'label', { value: `compiled (shape layout: declared domains do not hold: ${err.message})` });
    space = shaped;
    out = search(space, probe, searchOptions);
  }
  // Traces are always rebuilt with XState's own step, whatever path explored.
  const succ = space instanceof XStateSpace ? space.succ : new XStateSuccessors(instance);
  const { graph } = out;
  const complete = out.stop === 'complete';
  const trace = (state: number, extra: number[] = []): Trace => {
    const p = graph.pathTo(state);
    return buildTrace(succ, instance.inputs, { input: p.input, events: [...p.events, ...extra].map((i) => space.event(i)) });
  };

  // The model's own account of a violation, read on XState's snapshot of the state the trace shows.
  const snapshotAt = (t: Trace, input: number, index: number): ModelState => {
    let s = succ.initial()[input];
    for (const step of t.steps.slice(0, index)) s = succ.step(s, step.event);
    return s as unknown as ModelState;
  };

  const verdicts: Verdict[] = [];
  const violations: (Violation & { order: number })[] = [];
  const witnesses: Witness[] = [];
  const record = (property: string, kind: PropertyKind, doc: string, order: number, message: string, t?: Trace, unforced?: Violation['unforced']) => {
    verdicts.push({ property, kind, verdict: kind === 'goal' ? 'unreached' : 'violated', ...(t ? { length: t.steps.length } : {}) });
    violations.push({ property, kind, doc, message, ...(t ? { trace: t } : {}), ...(unforced ? { unforced } : {}), order });
  };

  if (out.error) {
    const { state, event, message } = out.error;
    const t = trace(state);
    const type = space.event(event).type;
    const errTrace: Trace = { ...t, failingEvent: toPlain(space.event(event)) };
    record(ERROR_PROPERTY, 'error', ERROR_DOC, 0, `the machine threw on event ${type} after ${steps(t.steps.length)}: ${message}`, errTrace);
  }

  spec.invariants.forEach((inv, i) => {
    const first = out.invariantFirst[i];
    if (first >= 0) {
      const t = trace(first);
      const message = withExplanation(`invariant ${inv.name} is violated after ${steps(t.steps.length)}`, inv, () => snapshotAt(t, graph.pathTo(first).input, t.steps.length), params);
      record(inv.name, 'invariant', inv.doc, 1, message, t);
    } else {
      verdicts.push({ property: inv.name, kind: 'invariant', verdict: complete ? 'holds' : 'unknown' });
    }
  });

  if (checkDeadlock) {
    if (out.deadlockFirst >= 0) {
      const t = trace(out.deadlockFirst);
      record(DEADLOCK_PROPERTY, 'deadlock', DEADLOCK_DOC, 2, `deadlock after ${steps(t.steps.length)}: no event changes the state, and it is not an allowed end state`, t);
    } else {
      verdicts.push({ property: DEADLOCK_PROPERTY, kind: 'deadlock', verdict: complete ? 'holds' : 'unknown' });
    }
  }

  // Liveness needs the whole graph: on a partial one a missing cycle proves nothing.
  const livenessDecidable = complete;
  spec.liveness.forEach((l, i) => {
    if (!livenessDecidable) {
      verdicts.push({ property: l.name, kind: 'liveness', verdict: 'unknown' });
      return;
    }
    const lasso = findLasso(graph, out.leadsFrom[i], out.leadsTo[i], l.fair, (ev) => space.event(ev).type);
    if (!lasso) {
      // No lasso among the states explored; a behaviour that runs into an unexpanded state goes on unseen.
      const unseen = out.pruned > 0 ? prunedOnTheWay(graph, out.leadsFrom[i], out.leadsTo[i], out.prunedStates) : -1;
      verdicts.push({ property: l.name, kind: 'liveness', verdict: unseen < 0 ? 'holds' : 'unknown' });
      return;
    }
    const t = buildTrace(succ, instance.inputs, {
      input: lasso.input,
      events: lasso.events.map((e) => space.event(e)),
      loop: { start: lasso.loopStart, stutter: lasso.stutter, from: lasso.fromIndex },
    });
    const cycle = lasso.stutter
      ? 'then stays there forever, since no weakly fair event is enabled'
      : `then repeats a fair cycle of ${steps(t.steps.length - lasso.loopStart)}`;
    record(
      l.name,
      'liveness',
      l.doc,
      3,
      withExplanation(
        `leads-to ${l.name} is violated: its premise holds after ${steps(lasso.fromIndex)}; the behaviour reaches state ${lasso.loopStart} and ${cycle}, never reaching its goal`,
        l,
        () => snapshotAt(t, lasso.input, lasso.loopStart),
        params,
      ),
      t,
      lasso.unforced,
    );
  });

  spec.goals.forEach((g, i) => {
    const first = out.goalFirst[i];
    if (first >= 0) {
      const t = trace(first);
      verdicts.push({ property: g.name, kind: 'goal', verdict: 'reached', length: t.steps.length });
      witnesses.push({ goal: g.name, doc: g.doc, trace: t });
    } else if (complete) {
      const message =
        out.pruned > 0
          ? `goal ${g.name} is not reached: no explored state satisfies it, and ${out.pruned} ${out.pruned === 1 ? 'state that violates an invariant was' : 'states that violate an invariant were'} not expanded, so it may lie beyond them`
          : `goal ${g.name} is unreachable: no reachable state satisfies it`;
      record(g.name, 'goal', g.doc, 4, message);
    } else {
      verdicts.push({ property: g.name, kind: 'goal', verdict: 'unknown' });
    }
  });

  const stats: Stats = {
    initialStates: instance.inputs.length,
    distinct: graph.count,
    transitions: graph.transitions,
    depth: out.maxDepth,
    elapsedMs: out.elapsedMs,
    statesPerSecond: graph.count / Math.max(out.elapsedMs / 1000, 1e-6),
    successorPath: space.label,
    invariants: spec.invariants.length,
    liveness: spec.liveness.length,
    goals: spec.goals.length,
    complete,
    pruned: out.pruned,
    graphBytes: graph.bytes + (space.bytes ?? 0),
  };
  const base = { model: spec.id, variant: variant.name, params, stats, verdicts, witnesses };
  if (violations.length > 0) {
    violations.sort((a, b) => a.order - b.order || (a.trace?.steps.length ?? 0) - (b.trace?.steps.length ?? 0));
    return { ...base, kind: 'violated', violations: violations.map(({ order: _o, ...v }) => v) };
  }
  if (out.stop === 'max-states' || out.stop === 'max-depth' || out.stop === 'memory') {
    const bound = out.stop === 'max-states' ? maxStates : out.stop === 'max-depth' ? options.maxDepth! : graph.count;
    return { ...base, kind: 'bounded-out', reason: out.stop, bound, hint: boundHint(spec, params, out.stop, bound) };
  }
  return { ...base, kind: 'holds' };
}

export type { SearchOutcome };
