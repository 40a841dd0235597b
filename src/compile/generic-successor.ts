/**
 * The generic per-event successor of the compiled path: the event's
 * selection program and plan, then either an in-place write of the source
 * record (no action, or one assign whose values fit their fields) or the
 * full macrostep on a context object, packed with the shape the plan is
 * likely to produce. The result is a record in `out`.
 */
import type { EventObject } from 'xstate';
import { classify, InPlaceAssign, type ActionEnv, type ActionResult, type ActionShape } from './actions.js';
import type { Config } from './configs.js';
import type { Layout } from './layout.js';
import type { T } from './select.js';
import type { Plan, Stepper } from './step.js';

export class GenericSuccessor {
  /** The successor record of the last computation (reallocated when a record outgrows it). */
  out = new Int32Array(64);
  /** The successor's context object when the full macrostep built one (else undefined). */
  nextContext: unknown;
  private readonly result: ActionResult = { context: undefined, assigned: false };
  private readonly selected: T[] = [];
  private readonly inPlace: InPlaceAssign;
  /** A successor's likely shape: by plan, then by the source's shape. */
  private readonly successorHints = new WeakMap<object, Map<number, number>>();

  constructor(
    private readonly stepper: Stepper,
    private readonly layout: Layout,
    private readonly env: ActionEnv,
  ) {
    this.inPlace = new InPlaceAssign(env);
  }

  /** Packs (config, context) into this.out; returns the record length. */
  pack(config: number, context: unknown, hint: number): number {
    let len = this.layout.pack(config, context, this.out, hint);
    while (len < 0) {
      this.out = new Int32Array(Math.max(2 * this.out.length, -len));
      len = this.layout.pack(config, context, this.out, hint);
    }
    return len;
  }

  private hintsOf(p: Plan): Map<number, number> {
    let m = this.successorHints.get(p);
    if (!m) this.successorHints.set(p, (m = new Map()));
    return m;
  }

  private shapeOf(p: Plan): ActionShape {
    return (p.shape ??= classify(this.env, p.actions)) as ActionShape;
  }

  /**
   * The successor record of one event in `out`, or -1 when the event changes
   * nothing. The source record is src[srcOff .. srcOff + srcLen), copied for
   * in-place writes; `hint` is its layout hint.
   */
  compute(config: Config, context: unknown, e: EventObject, ei: number, src: Int32Array, srcOff: number, srcLen: number, hint: number): number {
    this.nextContext = undefined;
    const sel = this.stepper.selector;
    const program = sel.programFor(config, ei, e.type);
    const single = sel.single(program, context, e, config);
    if (single === undefined) return -1;
    if (single !== null && !this.stepper.hasAlways) {
      const plan = this.stepper.planOf(config, single);
      const shape = this.shapeOf(plan);
      if (shape.kind !== 'generic') {
        if (shape.kind === 'none' && plan.next === config) return -1;
        if (this.out.length < srcLen) this.out = new Int32Array(2 * srcLen);
        const out = this.out;
        for (let k = 0; k < srcLen; k++) out[k] = src[srcOff + k];
        this.layout.setConfig(out, 0, plan.next.id);
        if (shape.kind === 'none') return srcLen;
        if (this.inPlace.run(shape, context, e, this.layout, out, hint)) return srcLen;
        // The assign's result does not fit in place: take the generic path below.
      }
    }
    const selected = this.selected;
    selected.length = 0;
    if (single === null) sel.run(program, context, e, config, selected);
    else selected.push(single);
    if (selected.length === 0) return -1;
    const r = this.result;
    const next = this.stepper.step(config, context, e, selected, r);
    if (next === config && !r.assigned) return -1;
    this.nextContext = r.context;
    // Lists change length from step to step: a plan tends to map a source shape to one successor shape.
    const byPlan = selected.length === 1 ? this.hintsOf(this.stepper.planOf(config, selected[0])) : undefined;
    const guess = byPlan?.get(hint) ?? hint;
    const len = this.pack(next.id, r.context, guess);
    byPlan?.set(hint, this.layout.hintOf(this.out, 0));
    return len;
  }
}
