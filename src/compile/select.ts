/**
 * Transition selection compiled per (configuration, event type): xstate's
 * transitionNode recursion (the deepest active state's first enabled
 * candidate; a compound state's own candidates only when its active child
 * selected nothing; a parallel state's regions all together, and its own
 * candidates only when no region selected anything) becomes a small tree
 * of candidate lists built once, so a step costs the guards it evaluates
 * and nothing else. Guards are resolved once per transition.
 */
import type { AnyStateNode, AnyTransitionDefinition, EventObject } from 'xstate';
import type { Chart } from './chart.js';
import type { Config } from './configs.js';
import { compileGuard, type GuardFn } from './guards.js';

export type T = AnyTransitionDefinition;

/** One candidate: the transition, its guard (undefined: always enabled), and the node for error messages. */
export interface Candidate {
  readonly t: T;
  readonly guard: unknown;
  /** The guard resolved once; undefined when the transition has none. */
  readonly check: GuardFn | undefined;
  readonly node: AnyStateNode;
}

/** A selection program: `own` candidates tried only when the children selected nothing. */
export interface Program {
  /** Non-parallel nodes have at most one child program; parallel nodes one per region. */
  readonly children: readonly Program[];
  readonly parallel: boolean;
  readonly own: readonly Candidate[];
  /** A chain without parallel states selects at most one transition: one flat list, deepest first. */
  readonly flat?: readonly Candidate[];
}

export class Selector {
  private readonly programs: Map<string, Program>[] = [];
  /** Programs by configuration and event index (the compiled space's interned events). */
  private readonly byEvent: Program[][] = [];
  private readonly guardImpls: Record<string, unknown>;
  private readonly compiled = new Map<T, GuardFn | undefined>();

  constructor(private readonly chart: Chart) {
    this.guardImpls = chart.machine.implementations.guards as Record<string, unknown>;
  }

  private build(i: number, config: Config, type: string): Program {
    const ch = this.chart;
    const own = ch.candidates(i, type).map((t) => this.candidate(t, ch.nodes[i]));
    const parallel = ch.type[i] === 'parallel';
    const kids = parallel ? ch.children[i] : ch.children[i].filter((c) => config.active[c]).slice(0, 1);
    const children = kids.map((c) => this.build(c, config, type));
    if (!parallel && children.every((c) => c.flat)) {
      return { children, parallel, own, flat: [...(children[0]?.flat ?? []), ...own] };
    }
    return { children, parallel, own };
  }

  candidate(t: T, node: AnyStateNode): Candidate {
    if (!this.compiled.has(t)) this.compiled.set(t, t.guard === undefined ? undefined : compileGuard(this.guardImpls, t.guard));
    return { t, guard: t.guard, check: this.compiled.get(t), node };
  }

  /** The program for an interned event index (cached in arrays). */
  programFor(config: Config, eventIndex: number, type: string): Program {
    let row = this.byEvent[config.id];
    if (!row) this.byEvent[config.id] = row = [];
    return (row[eventIndex] ??= this.program(config, type));
  }

  program(config: Config, type: string): Program {
    let m = this.programs[config.id];
    if (!m) this.programs[config.id] = m = new Map();
    let p = m.get(type);
    if (!p) m.set(type, (p = this.build(0, config, type)));
    return p;
  }

  /** StateNode.next: the first enabled candidate, with xstate's message when a guard throws. */
  first(list: readonly Candidate[], context: unknown, event: EventObject, config: Config): T | undefined {
    for (let k = 0; k < list.length; k++) {
      const c = list[k];
      if (c.check === undefined) return c.t;
      let passed: boolean;
      try {
        passed = c.check(context, event, config);
      } catch (err) {
        const g = c.guard;
        const name = typeof g === 'string' ? g : typeof g === 'object' ? (g as { type?: string }).type : undefined;
        throw new Error(`Unable to evaluate guard ${name ? `'${name}' ` : ''}in transition for event '${event.type}' in state node '${c.node.id}':\n${(err as Error).message}`);
      }
      if (passed) return c.t;
    }
    return undefined;
  }

  /** Appends the selected transitions for `event` to `out` (xstate's getTransitionData). */
  run(p: Program, context: unknown, event: EventObject, config: Config, out: T[]): void {
    if (p.flat) {
      const t = this.first(p.flat, context, event, config);
      if (t) out.push(t);
      return;
    }
    const before = out.length;
    for (const c of p.children) this.run(c, context, event, config, out);
    if (out.length === before) {
      const t = this.first(p.own, context, event, config);
      if (t) out.push(t);
    }
  }

  /** The single transition a flat program selects (undefined: none); null when the program is not flat. */
  single(p: Program, context: unknown, event: EventObject, config: Config): T | undefined | null {
    return p.flat ? this.first(p.flat, context, event, config) : null;
  }
}
