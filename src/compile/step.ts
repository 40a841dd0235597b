/**
 * One macrostep of a machine, computed the way xstate v5 computes it
 * (macrostep, microstep, removeConflictingTransitions, computeExitSet,
 * computeEntrySet in xstate's StateMachine code) for the constructs the
 * compiled path accepts: compound and parallel states, guarded and
 * targetless transitions, reentering transitions, eventless (`always`)
 * transitions, raised events, entry, exit and initial actions.
 *
 * Everything that depends only on the configuration and the chosen
 * transitions (exit set, entry set, the next configuration, the order of
 * the actions) is a plan, computed once and memoized; only guards and
 * actions run per step, on the model's own functions.
 */
import type { AnyStateNode, EventObject } from 'xstate';
import type { Chart } from './chart.js';
import type { Config, ConfigTable } from './configs.js';
import { Selector, type T } from './select.js';
import { runActions, type ActionEnv, type ActionResult } from './actions.js';

export interface Plan {
  /** Actions in execution order: exit actions, transition actions, entry (and initial) actions. */
  readonly actions: readonly unknown[];
  readonly next: Config;
  /** What the actions amount to, for the compiled space's fast path (set on first use). */
  shape?: unknown;
}

/** A guard against machines whose eventless transitions never settle (xstate would loop forever). */
const MAX_MICROSTEPS = 10_000;

const src = (t: T) => (t.source as AnyStateNode).order;

export class Stepper {
  readonly selector: Selector;
  /** Whether any state has eventless transitions (then every step must look for them). */
  readonly hasAlways: boolean;
  private readonly transitionId = new Map<T, number>();
  /** Plans of single transitions: [config id][transition id]. */
  private readonly singlePlans: Plan[][] = [];
  private readonly plans = new Map<string, Plan>();

  constructor(
    private readonly chart: Chart,
    private readonly configs: ConfigTable,
    private readonly env: ActionEnv,
  ) {
    this.selector = new Selector(chart);
    this.hasAlways = chart.nodes.some((n) => (n.always?.length ?? 0) > 0);
  }

  /** A named guard's implementation. */
  guardImpl(name: string): unknown {
    return (this.chart.machine.implementations.guards as Record<string, unknown>)[name];
  }

  private idOf(t: T): number {
    let id = this.transitionId.get(t);
    if (id === undefined) {
      id = this.transitionId.size;
      this.transitionId.set(t, id);
    }
    return id;
  }

  // ---- structure (exit and entry sets) ----

  private desc(a: number, b: number): boolean {
    return b === -1 || this.chart.isDescendant(a, b);
  }

  /** getTransitionDomain: -1 stands for xstate's `undefined` (a reentering root transition). */
  private domain(t: T): number {
    const s = src(t);
    const targets = (t.target ?? []).map((x: AnyStateNode) => x.order);
    if (!t.reenter && targets.every((x: number) => x === s || this.chart.isDescendant(x, s))) return s;
    const all = [...targets, s];
    for (const anc of this.chart.properAncestors(all[0])) {
      if (all.slice(1).every((x) => this.chart.isDescendant(x, anc))) return anc;
    }
    return t.reenter ? -1 : 0;
  }

  private exitSet(ts: readonly T[], config: Config): Set<number> {
    const out = new Set<number>();
    for (const t of ts) {
      if (!t.target?.length) continue;
      const d = this.domain(t);
      if (t.reenter && src(t) === d) out.add(d);
      for (const n of config.nodes) if (this.desc(n, d)) out.add(n);
    }
    return out;
  }

  removeConflicts(enabled: readonly T[], config: Config): T[] {
    if (enabled.length < 2) return enabled as T[];
    const filtered = new Set<T>();
    for (const t1 of enabled) {
      let preempted = false;
      const remove = new Set<T>();
      const e1 = this.exitSet([t1], config);
      for (const t2 of filtered) {
        const e2 = this.exitSet([t2], config);
        if ([...e1].some((x) => e2.has(x))) {
          if (this.chart.isDescendant(src(t1), src(t2))) remove.add(t2);
          else {
            preempted = true;
            break;
          }
        }
      }
      if (!preempted) {
        for (const t of remove) filtered.delete(t);
        filtered.add(t1);
      }
    }
    return [...filtered];
  }

  private entrySet(ts: readonly T[]): { enter: Set<number>; defaults: Set<number> } {
    const ch = this.chart;
    const enter = new Set<number>();
    const defaults = new Set<number>();
    const inside = (child: number) => [...enter].some((x) => ch.isDescendant(x, child));
    const addDescendants = (s: number): void => {
      if (ch.type[s] === 'compound') {
        const init = ch.initialChild[s];
        enter.add(init);
        defaults.add(init);
        addDescendants(init);
        addAncestors(ch.properAncestors(init, s), -2);
      } else if (ch.type[s] === 'parallel') {
        for (const child of ch.children[s]) {
          if (!inside(child)) {
            enter.add(child);
            defaults.add(child);
            addDescendants(child);
          }
        }
      }
    };
    // A reentrancy domain of -2 stands for xstate's `undefined` here (no restriction).
    const addAncestors = (ancestors: number[], reentrancyDomain: number): void => {
      for (const anc of ancestors) {
        if (reentrancyDomain === -2 || this.desc(anc, reentrancyDomain)) enter.add(anc);
        if (ch.type[anc] === 'parallel') {
          for (const child of ch.children[anc]) {
            if (!inside(child)) {
              enter.add(child);
              addDescendants(child);
            }
          }
        }
      }
    };
    for (const t of ts) {
      const d = this.domain(t);
      const s0 = src(t);
      const targets: number[] = (t.target ?? []).map((x: AnyStateNode) => x.order);
      for (const s of targets) {
        if (s0 !== s || s0 !== d || t.reenter) {
          enter.add(s);
          defaults.add(s);
        }
        addDescendants(s);
      }
      for (const s of targets) {
        const ancestors = d === -1 ? ch.properAncestors(s) : ch.properAncestors(s, d);
        if (d !== -1 && ch.type[d] === 'parallel') ancestors.push(d);
        addAncestors(ancestors, (ch.parent[s0] === -1 && t.reenter) || d === -1 ? -2 : d);
      }
    }
    return { enter, defaults };
  }

  private makePlan(config: Config, ts: readonly T[]): Plan {
    const ch = this.chart;
    const exit = [...this.exitSet(ts, config)].sort((a, b) => b - a);
    const { enter, defaults } = this.entrySet(ts);
    const entered = [...enter].sort((a, b) => a - b);
    const actions: unknown[] = [];
    for (const s of exit) actions.push(...ch.nodes[s].exit);
    for (const t of ts) actions.push(...t.actions);
    for (const s of entered) {
      actions.push(...ch.nodes[s].entry);
      if (defaults.has(s) && ch.type[s] === 'compound') actions.push(...(ch.nodes[s].initial.actions ?? []));
    }
    const nodes = new Set(config.nodes);
    for (const s of exit) nodes.delete(s);
    for (const s of entered) nodes.add(s);
    return { actions, next: this.configs.intern(nodes) };
  }

  /** The plan of one transition from a configuration (memoized in arrays: no string keys). */
  planOf(config: Config, t: T): Plan {
    let row = this.singlePlans[config.id];
    if (!row) this.singlePlans[config.id] = row = [];
    const id = this.idOf(t);
    return (row[id] ??= this.makePlan(config, [t]));
  }

  /** The plan of conflict-free transitions (already filtered). */
  plan(config: Config, ts: readonly T[]): Plan {
    if (ts.length === 1) return this.planOf(config, ts[0]);
    const key = `${config.id}:${ts.map((t) => this.idOf(t)).join(',')}`;
    let p = this.plans.get(key);
    if (!p) this.plans.set(key, (p = this.makePlan(config, ts)));
    return p;
  }

  // ---- microstep and macrostep ----

  private selectEventless(config: Config, context: unknown, event: EventObject): T[] {
    const enabled = new Set<T>();
    for (const a of config.atomic) {
      loop: for (const s of [a, ...this.chart.properAncestors(a)]) {
        const always = this.chart.always(s);
        if (!always) continue;
        for (const t of always) {
          if (this.selector.first([this.selector.candidate(t, this.chart.nodes[s])], context, event, config)) {
            enabled.add(t);
            break loop;
          }
        }
      }
    }
    return this.removeConflicts([...enabled], config);
  }

  private microstep(config: Config, enabled: readonly T[], event: EventObject, r: ActionResult, queue: EventObject[]): Config {
    if (enabled.length === 0) return config;
    const p = this.plan(config, this.removeConflicts(enabled, config));
    runActions(this.env, p.actions, event, r, queue);
    return p.next;
  }

  /**
   * The macrostep for `event` from (config, context), starting from the
   * transitions already selected for it. Returns the next configuration;
   * r.context is the next context and r.assigned tells whether any assign
   * ran (config unchanged and nothing assigned means xstate would return the
   * very same snapshot).
   */
  step(config: Config, context: unknown, event: EventObject, selected: readonly T[], r: ActionResult): Config {
    r.context = context;
    r.assigned = false;
    const queue: EventObject[] = [];
    let cur = this.microstep(config, selected, event, r, queue);
    if (!this.hasAlways && queue.length === 0) return cur;
    let nextEvent = event;
    let selectEventless = this.hasAlways;
    for (let i = 0; ; i++) {
      if (i > MAX_MICROSTEPS) throw new Error(`more than ${MAX_MICROSTEPS} microsteps without reaching a stable state (an eventless or raised-event cycle)`);
      let enabled = selectEventless ? this.selectEventless(cur, r.context, nextEvent) : [];
      const eventless = enabled.length > 0;
      if (!eventless) {
        if (!queue.length) break;
        nextEvent = queue.shift()!;
        enabled = [];
        this.selector.run(this.selector.program(cur, nextEvent.type), r.context, nextEvent, cur, enabled);
      }
      const assignedBefore: boolean = r.assigned;
      r.assigned = false;
      const next = this.microstep(cur, enabled, nextEvent, r, queue);
      const changed = next !== cur || r.assigned;
      r.assigned ||= assignedBefore;
      // xstate stops selecting eventless transitions once an eventless microstep returns the same snapshot.
      selectEventless = this.hasAlways && !(eventless && !changed);
      cur = next;
    }
    return cur;
  }
}
