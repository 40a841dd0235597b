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
import type { ActionEnv } from './actions.js';
import { GenericSuccessor } from './generic-successor.js';
import { Chart } from './chart.js';
import { ConfigTable, type Config } from './configs.js';
import type { Layout } from './layout.js';
import { refuseUncompilable } from './refusal.js';
import { ShapeLayout } from './shape-layout.js';
import { DomainLayout, DomainViolation } from './domain-layout.js';
import { generateSuccessors, type GeneratedSuccessors, type Hooks } from './generated-successors.js';
import { RxspecError } from '../errors/rxspec-error.js';
import { Stepper } from './step.js';
import { MAX_BITMAP_BITS, RecordTable } from './table.js';
import { SuccessorBatch } from './successor-batch.js';

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
  /** The visited set is a bitmap (ids of states seen before are not tracked). */
  private readonly bitmap: boolean;
  /** Successors come from generated code (bit-packed records, no eventless transitions). */
  private readonly generates: boolean;
  /** The generic per-event successor; its `out` holds the record every path interns from. */
  private readonly gen: GenericSuccessor;
  private readonly events = new EventTable();
  /** The event array the model returned last, and its interned indices (models usually return one constant array). */
  private lastEvents: readonly EventObject[] | undefined;
  private lastIndices: number[] = [];
  /**
   * Contexts of states discovered but not yet expanded, for layouts where
   * unpacking costs more than keeping them (the generic one): the search
   * views a new state at once and expands it later, and both would unpack.
   */
  private readonly pending: unknown[] | null;
  /** With bit-packed records only the last new state's context is kept. */
  private lastId = -1;
  private lastContext: unknown;
  private readonly viewObject: View = { value: undefined, context: undefined, matches: () => false };
  private readonly eventsView: View = { value: undefined, context: undefined, matches: () => false };

  /**
   * `layout: 'shape'` forces the generic layout even when the model declares
   * domains; `targets: false` says the search keeps no edges, so the ids of
   * states seen before need not be tracked (a visited bitmap may be used).
   */
  constructor(
    private readonly instance: ModelInstance,
    options: { layout?: 'auto' | 'shape'; targets?: boolean } = {},
  ) {
    this.chart = new Chart(instance.machine);
    refuseUncompilable(this.chart);
    this.configs = new ConfigTable(this.chart);
    const self = createActor(instance.machine, { input: instance.inputs[0] });
    this.env = { actions: instance.machine.implementations.actions as Record<string, unknown>, self, system: self.system };
    this.stepper = new Stepper(this.chart, this.configs, this.env);
    let why = '';
    let declared: DomainLayout | undefined;
    if (instance.domains && options.layout !== 'shape') {
      try {
        declared = new DomainLayout(instance.domains, this.chart.maxConfigurations());
      } catch (err) {
        why = `: declared domains not usable (${(err as Error).message})`;
      }
    }
    this.layout = declared ?? new ShapeLayout();
    const bitmapBits = options.targets === false && declared && declared.keyBits > 0 && declared.keyBits <= MAX_BITMAP_BITS ? declared.keyBits : 0;
    this.table = new RecordTable(this.layout.fixedWidth, bitmapBits);
    this.bitmap = bitmapBits > 0;
    this.generates = this.layout instanceof DomainLayout && !this.stepper.hasAlways;
    this.batch = new SuccessorBatch(this.layout.fixedWidth);
    this.pending = this.layout.fixedWidth ? null : [];
    this.label = `compiled (${this.layout.name} layout${bitmapBits ? `, visited bitmap of 2^${bitmapBits} bits` : ''}${why})`;
    this.gen = new GenericSuccessor(this.stepper, this.layout, this.env);
  }

  get size(): number {
    return this.table.size;
  }

  get bytes(): number {
    return this.table.bytes;
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
      const len = this.gen.pack(config.id, s.context, -1);
      const id = this.table.intern(this.gen.out, len, Infinity);
      this.remember(id, s.context);
      if (this.table.lastWasNew) out.push({ id, input });
    });
    return out;
  }

  /** The context of a state; the last one unpacked is kept, since the search views a state just before expanding it. */
  private contextOf(id: number): unknown {
    if (id === this.lastId) return this.lastContext;
    const kept = this.pending?.[id];
    if (kept !== undefined) return kept;
    const context = this.layout.unpack(this.table.arena, this.table.offset(id));
    this.lastId = id;
    this.lastContext = context;
    return context;
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

  /** The state being expanded, for the per-event handlers (set by expand). */
  private cur = { id: 0, limit: 0, off: 0, len: 0, hint: 0, config: undefined as unknown as Config, context: undefined as unknown, events: [] as readonly EventObject[] };
  private curEmit: (eventIndex: number, target: number, isNew: boolean) => void = () => {};
  /** Generated successors by configuration id (an array: it is read once per state). */
  private readonly generated: ({ indices: readonly number[]; fn: GeneratedSuccessors } | undefined)[] = [];
  /** Successors of the generated path, interned together (see SuccessorBatch). */
  private readonly batch: SuccessorBatch;
  /**
   * Batched successors pay off when interning probes a hash table (the
   * batch overlaps their cache misses). With a bitmap the generated code
   * tests the bit itself and hands only new successors to `fresh`; the
   * generic path reports at once.
   */
  private readonly hooks: Hooks = {
    emit: (k) => this.batch.add(k, this.gen.out, undefined),
    fresh: (k, rec) => this.curEmit(this.lastIndices[k], this.table.internBit(rec, this.cur.limit), true),
    slow: (k) => {
      if (this.bitmap) return this.handle(k);
      const n = this.compute(k);
      if (n >= 0) this.batch.add(k, this.gen.out, this.gen.nextContext);
    },
    fatal: (err) => err instanceof DomainViolation || err instanceof ModelStepError || err instanceof RxspecError,
  };

  private flush(): void {
    this.batch.drain(this.table, this.gen.out, (k, context) => this.report(k, this.layout.fixedWidth, context));
  }

  /**
   * Interns gen.out[0..n) as the successor of event k of the state being
   * expanded, and reports it; `context` is the successor's context object
   * when one was built (kept for its view and expansion). With a bitmap
   * only new successors are reported; the others are counted in `seen`.
   */
  private report(k: number, n: number, context: unknown): void {
    const c = this.cur;
    // The same record as the source: the step changed nothing that makes a state.
    // (A bitmap does not give the source's id back, so compare the records first.)
    if (this.bitmap && this.gen.out[0] === this.table.arena[c.off]) return;
    const j = this.table.intern(this.gen.out, n, c.limit);
    if (j === c.id) return;
    if (this.bitmap && !this.table.lastWasNew) {
      this.seen++;
      return;
    }
    if (context !== undefined) this.remember(j, context);
    this.curEmit(this.lastIndices[k], j, this.table.lastWasNew);
  }

  /** The generic path's successor record of event k (into gen.out), or -1 when nothing changes. */
  private compute(k: number): number {
    const c = this.cur;
    const ei = this.lastIndices[k];
    try {
      return this.gen.compute(c.config, c.context, c.events[k], ei, this.table.arena, this.table.offset(c.id), c.len, c.hint);
    } catch (err) {
      // Wrong declared domains are the layout's problem, not a step of the model that threw;
      // a context that is not plain data is the model's definition, as on XState's path.
      if (err instanceof DomainViolation || err instanceof RxspecError) throw err;
      throw new ModelStepError(ei, err);
    }
  }

  /** The generic path for event k of the state being expanded, reported at once. */
  private handle(k: number): void {
    const n = this.compute(k);
    if (n >= 0) this.report(k, n, this.gen.nextContext);
  }

  /** Successors seen before, not reported (bitmap only). */
  private seen = 0;

  expand(id: number, limit: number, emit: (eventIndex: number, target: number, isNew: boolean) => void): void {
    // A bitmap cannot name a state seen before, so it cannot report every successor.
    if (this.bitmap) throw new Error('internal: a space built without targets is expanded with expandNew');
    this.expandState(id, limit, emit);
  }

  /**
   * For a search that keeps no edges: reports only the successors not seen
   * before and returns how many state-changing successors were seen before.
   */
  expandNew(id: number, limit: number, emit: (eventIndex: number, target: number) => void): number {
    this.seen = 0;
    if (this.bitmap) return this.expandState(id, limit, emit) + this.seen;
    // A hash table reports every successor: count those seen before here.
    this.emitNew = emit;
    return this.expandState(id, limit, this.onHashed) + this.seen;
  }

  /** expandNew's receiver for a hash table's successors (allocated once, not per state). */
  private emitNew: (eventIndex: number, target: number) => void = () => {};
  private readonly onHashed = (ev: number, j: number, isNew: boolean): void => {
    if (isNew) this.emitNew(ev, j);
    else this.seen++;
  };

  /** Expands a state; returns the successors the generated code found seen before (bitmap only). */
  private expandState(id: number, limit: number, emit: (eventIndex: number, target: number, isNew: boolean) => void): number {
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
        return gen(context, arena, off, this.gen.out, events);
      } finally {
        if (this.batch.size) this.flush();
      }
    }
    for (let k = 0; k < events.length; k++) this.handle(k);
    return 0;
  }

  /** The generated successors of a configuration for the current alphabet (bit-packed layout only). */
  private generatedFor(config: Config): GeneratedSuccessors | undefined {
    if (!this.generates) return undefined;
    const indices = this.lastIndices;
    const known = this.generated[config.id];
    if (known && (known.indices === indices || (known.indices.length === indices.length && known.indices.every((x, i) => x === indices[i])))) return known.fn;
    if (this.gen.out.length < this.layout.fixedWidth) this.gen.out = new Int32Array(2 * this.layout.fixedWidth);
    const fn = generateSuccessors(config, indices, this.cur.events, this.stepper, this.layout as DomainLayout, this.env, this.hooks, this.table.bitmap ?? undefined);
    this.generated[config.id] = { indices, fn };
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
