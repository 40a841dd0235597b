/**
 * The compiled state space: states are integer records in a RecordTable;
 * successors come from compiled selection and memoized plans running the
 * model's own guards and assigns on a context unpacked from the record,
 * never building an XState snapshot. A step whose only action is one assign
 * writes its fields straight into a copy of the source record. Initial
 * states come from XState itself (once per input).
 */
import { createActor, type AnyMachineSnapshot, type AnyStateNode, type EventObject } from 'xstate';
import type { ModelInstance, ModelState } from '../model/spec.js';
import { EventTable } from '../explore/event-table.js';
import { ModelStepError } from '../explore/successors.js';
import { NOT_INTERNED, type StateSpace } from '../explore/state-space.js';
import { XStateSuccessors } from '../explore/xstate-successors.js';
import { classify, InPlaceAssign, type ActionEnv, type ActionResult, type ActionShape } from './actions.js';
import { Chart } from './chart.js';
import { ConfigTable, type Config } from './configs.js';
import type { Layout } from './layout.js';
import { refuseUncompilable } from './refusal.js';
import { ShapeLayout } from './shape-layout.js';
import { DomainLayout, DomainViolation } from './domain-layout.js';
import { generateSuccessors, type GeneratedSuccessors, type Hooks } from './generated-successors.js';
import { RxspecError } from '../errors/rxspec-error.js';
import type { T } from './select.js';
import { Stepper, type Plan } from './step.js';
import { RecordTable } from './table.js';

interface View {
  value: unknown;
  context: unknown;
  matches: (v: any) => boolean;
}

export class CompiledSpace implements StateSpace {
  readonly label: string;
  private readonly chart: Chart;
  private readonly configs: ConfigTable;
  private readonly stepper: Stepper;
  private readonly env: ActionEnv;
  private readonly layout: Layout;
  private readonly table: RecordTable;
  private out = new Int32Array(64);
  private readonly events = new EventTable();
  private readonly result: ActionResult = { context: undefined, assigned: false };
  private readonly selected: T[] = [];
  private readonly inPlace: InPlaceAssign;
  /** The event array the model returned last, and its interned indices (models usually return one constant array). */
  private lastEvents: readonly EventObject[] | undefined;
  private lastIndices: number[] = [];
  /** The successor's context object when the generic path built one. */
  private nextContext: unknown;
  /**
   * Contexts of states discovered but not yet expanded, for layouts where
   * unpacking costs more than keeping them (the generic one): the search
   * views a new state at once and expands it later, and both would unpack.
   */
  private readonly pending: unknown[] | null;
  /** With bit-packed records only the last new state's context is kept. */
  private lastId = -1;
  private lastContext: unknown;
  /** A successor's likely shape: by plan, then by the source's shape. */
  private readonly successorHints = new WeakMap<object, Map<number, number>>();
  private readonly viewObject: View = { value: undefined, context: undefined, matches: () => false };
  private readonly eventsView: View = { value: undefined, context: undefined, matches: () => false };

  /** `layout: 'shape'` forces the generic layout even when the model declares domains. */
  constructor(
    private readonly instance: ModelInstance,
    options: { layout?: 'auto' | 'shape' } = {},
  ) {
    this.chart = new Chart(instance.machine);
    refuseUncompilable(this.chart);
    this.configs = new ConfigTable(this.chart);
    const self = createActor(instance.machine, { input: instance.inputs[0] });
    this.env = { actions: instance.machine.implementations.actions as Record<string, unknown>, self, system: self.system };
    this.stepper = new Stepper(this.chart, this.configs, this.env);
    let why = '';
    let declared: Layout | undefined;
    if (instance.domains && options.layout !== 'shape') {
      try {
        declared = new DomainLayout(instance.domains, this.chart.maxConfigurations());
      } catch (err) {
        why = `: declared domains not usable (${(err as Error).message})`;
      }
    }
    this.layout = declared ?? new ShapeLayout();
    this.table = new RecordTable(this.layout.fixedWidth);
    this.pending = this.layout.fixedWidth ? null : [];
    this.label = `compiled (${this.layout.name} layout${why})`;
    this.inPlace = new InPlaceAssign(this.env);
  }

  get size(): number {
    return this.table.size;
  }

  get bytes(): number {
    return this.table.bytes;
  }

  /** Packs (config, context) into this.out; returns the record length. */
  private pack(config: number, context: unknown, hint: number): number {
    let len = this.layout.pack(config, context, this.out, hint);
    while (len < 0) {
      this.out = new Int32Array(Math.max(2 * this.out.length, -len));
      len = this.layout.pack(config, context, this.out, hint);
    }
    return len;
  }

  private remember(id: number, context: unknown): void {
    if (id !== NOT_INTERNED && this.table.lastWasNew) {
      if (this.pending) this.pending[id] = context;
      this.lastId = id;
      this.lastContext = context;
    }
  }

  init(): { id: number; input: number }[] {
    const out: { id: number; input: number }[] = [];
    new XStateSuccessors(this.instance).initial().forEach((s: AnyMachineSnapshot, input) => {
      const config = this.configs.intern((s._nodes as AnyStateNode[]).map((n) => n.order));
      const len = this.pack(config.id, s.context, -1);
      const id = this.table.intern(this.out, len, Infinity);
      this.remember(id, s.context);
      if (this.table.lastWasNew) out.push({ id, input });
    });
    return out;
  }

  private contextOf(id: number): unknown {
    if (id === this.lastId) return this.lastContext;
    const kept = this.pending?.[id];
    if (kept !== undefined) return kept;
    return this.layout.unpack(this.table.arena, this.table.offset(id));
  }

  view(id: number): ModelState {
    const config = this.configs.configs[this.layout.configOf(this.table.arena, this.table.offset(id))];
    const v = this.viewObject;
    v.value = config.value;
    v.context = this.contextOf(id);
    v.matches = config.matches;
    return v as unknown as ModelState;
  }

  /** The index of an event already interned (by identity or canonical key), if any. */
  eventIndex(e: EventObject): number | undefined {
    return this.events.find(e);
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
   * The successor record of one event in this.out, or -1 when the event
   * changes nothing. `src` is the source record, copied for in-place writes.
   */
  private successor(config: Config, context: unknown, e: EventObject, ei: number, srcOff: number, srcLen: number, hint: number): number {
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
        const arena = this.table.arena;
        for (let k = 0; k < srcLen; k++) out[k] = arena[srcOff + k];
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

  /** The state being expanded, for the per-event handlers (set by expand). */
  private cur = { id: 0, limit: 0, off: 0, len: 0, hint: 0, config: undefined as unknown as Config, context: undefined as unknown, events: [] as readonly EventObject[] };
  private curEmit: (eventIndex: number, target: number, isNew: boolean) => void = () => {};
  private readonly generated = new Map<number, { indices: readonly number[]; fn: GeneratedSuccessors }>();
  /**
   * Successors of the generated path, batched in event order so their hash
   * probes can be prefetched together: records (fixed width), event numbers,
   * and the context object when the generic path built one.
   */
  private batchRecs = new Int32Array(64);
  private batchKs = new Int32Array(16);
  private batchCtx: unknown[] = [];
  private batched = 0;
  private readonly hooks: Hooks = {
    emit: (k) => this.enqueue(k, undefined),
    slow: (k) => {
      const n = this.compute(k);
      if (n >= 0) this.enqueue(k, this.nextContext);
    },
    fatal: (err) => err instanceof DomainViolation || err instanceof ModelStepError || err instanceof RxspecError,
  };

  private enqueue(k: number, context: unknown): void {
    const W = this.layout.fixedWidth;
    const b = this.batched++;
    if (this.batchRecs.length < (b + 1) * W || this.batchKs.length <= b) {
      const recs = new Int32Array(2 * (b + 1) * W);
      recs.set(this.batchRecs.subarray(0, b * W));
      this.batchRecs = recs;
      const ks = new Int32Array(2 * (b + 1));
      ks.set(this.batchKs.subarray(0, b));
      this.batchKs = ks;
    }
    for (let i = 0; i < W; i++) this.batchRecs[b * W + i] = this.out[i];
    this.batchKs[b] = k;
    if (context !== undefined || this.batchCtx.length > b) this.batchCtx[b] = context;
  }

  /** Interns and reports the batch, in event order, after touching every record's first slot. */
  private flush(): void {
    const W = this.layout.fixedWidth;
    const n = this.batched;
    this.batched = 0;
    for (let b = 0; b < n; b++) this.table.prefetch(this.batchRecs, b * W, W);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < W; i++) this.out[i] = this.batchRecs[b * W + i];
      this.nextContext = b < this.batchCtx.length ? this.batchCtx[b] : undefined;
      if (b < this.batchCtx.length) this.batchCtx[b] = undefined;
      this.report(this.batchKs[b], W);
    }
  }

  /** Interns this.out[0..n) as the successor of event k of the state being expanded, and reports it. */
  private report(k: number, n: number): void {
    const c = this.cur;
    const j = this.table.intern(this.out, n, c.limit);
    // The same record as the source: the step changed nothing that makes a state.
    if (j === c.id) return;
    if (this.nextContext !== undefined) this.remember(j, this.nextContext);
    this.nextContext = undefined;
    this.curEmit(this.lastIndices[k], j, this.table.lastWasNew);
  }

  /** The generic path's successor record of event k (into this.out), or -1 when nothing changes. */
  private compute(k: number): number {
    const c = this.cur;
    const ei = this.lastIndices[k];
    try {
      return this.successor(c.config, c.context, c.events[k], ei, this.table.offset(c.id), c.len, c.hint);
    } catch (err) {
      // Wrong declared domains are the layout's problem, not a step of the model that threw.
      if (err instanceof DomainViolation) throw err;
      throw new ModelStepError(ei, err);
    }
  }

  /** The generic path for event k of the state being expanded, reported at once. */
  private handle(k: number): void {
    const n = this.compute(k);
    if (n >= 0) this.report(k, n);
  }

  expand(id: number, limit: number, emit: (eventIndex: number, target: number, isNew: boolean) => void): void {
    const arena = this.table.arena;
    const off = this.table.offset(id);
    const config = this.configs.configs[this.layout.configOf(arena, off)];
    const context = this.contextOf(id);
    const ev = this.eventsView;
    ev.value = config.value;
    ev.context = context;
    ev.matches = config.matches;
    const events = this.instance.events(ev as unknown as ModelState);
    if (events !== this.lastEvents) {
      this.lastEvents = events;
      this.lastIndices = events.map((e) => this.events.intern(e));
    }
    const c = this.cur;
    c.id = id;
    c.limit = limit;
    c.off = off;
    c.len = this.table.length(id);
    c.hint = this.layout.hintOf(arena, off);
    c.config = config;
    c.context = context;
    c.events = events;
    this.curEmit = emit;
    const gen = this.generatedFor(config);
    if (gen) {
      try {
        gen(context, arena, off, this.out, events);
      } finally {
        if (this.batched) this.flush();
      }
      return;
    }
    for (let k = 0; k < events.length; k++) this.handle(k);
  }

  /** The generated successors of a configuration for the current alphabet (bit-packed layout only). */
  private generatedFor(config: Config): GeneratedSuccessors | undefined {
    if (!(this.layout instanceof DomainLayout) || this.stepper.hasAlways) return undefined;
    const indices = this.lastIndices;
    const known = this.generated.get(config.id);
    if (known && (known.indices === indices || (known.indices.length === indices.length && known.indices.every((x, i) => x === indices[i])))) return known.fn;
    if (this.out.length < this.layout.fixedWidth) this.out = new Int32Array(2 * this.layout.fixedWidth);
    const fn = generateSuccessors(config, indices, this.cur.events, this.stepper, this.layout, this.env, this.hooks);
    this.generated.set(config.id, { indices, fn });
    return fn;
  }

  release(id: number): void {
    if (this.pending) this.pending[id] = undefined;
  }

  event(index: number): EventObject {
    return this.events.get(index);
  }

  isFinal(): boolean {
    return false;
  }
}
