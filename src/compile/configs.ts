/**
 * Configurations: the sets of active state nodes, interned as small
 * integers. Each carries what a snapshot would: its state value (built as
 * xstate's getStateValue builds it, children in document order), `matches`,
 * its atomic nodes, and a snapshot-shaped object for the built-in guards
 * (stateIn, and, or, not), which read `machine`, `_nodes` and `matches`.
 */
import { matchesState, type AnyStateNode, type StateValue } from 'xstate';
import type { Chart } from './chart.js';

export interface Config {
  readonly id: number;
  /** Active node indices in document order. */
  readonly nodes: readonly number[];
  readonly active: Uint8Array;
  readonly atomic: readonly number[];
  readonly value: StateValue;
  matches(v: StateValue): boolean;
  /** What built-in guards receive as `snapshot`; `context` is set before each evaluation. */
  readonly guardSnapshot: { machine: unknown; _nodes: AnyStateNode[]; context: unknown; value: StateValue; matches(v: StateValue): boolean };
}

export class ConfigTable {
  private readonly byKey = new Map<string, number>();
  readonly configs: Config[] = [];

  constructor(private readonly chart: Chart) {}

  /** The configuration with exactly these active nodes (any order). */
  intern(nodes: Iterable<number>): Config {
    const sorted = [...nodes].sort((a, b) => a - b);
    const key = sorted.join(',');
    const known = this.byKey.get(key);
    if (known !== undefined) return this.configs[known];
    const c = this.build(this.configs.length, sorted);
    this.byKey.set(key, c.id);
    this.configs.push(c);
    return c;
  }

  private valueOf(i: number, active: Uint8Array): StateValue {
    const ch = this.chart;
    const kids = ch.children[i].filter((c) => active[c]);
    if (ch.type[i] === 'compound') {
      const k = kids[0];
      if (k === undefined) return {};
      if (ch.isAtomic(k)) return ch.nodes[k].key;
      return { [ch.nodes[k].key]: this.valueOf(k, active) };
    }
    const out: Record<string, StateValue> = {};
    for (const k of kids) out[ch.nodes[k].key] = this.valueOf(k, active);
    return out;
  }

  private build(id: number, nodes: number[]): Config {
    const ch = this.chart;
    const active = new Uint8Array(ch.size);
    for (const n of nodes) active[n] = 1;
    const value = this.valueOf(0, active);
    const matches = (v: StateValue) => matchesState(v, value);
    return {
      id,
      nodes,
      active,
      atomic: nodes.filter((n) => ch.isAtomic(n)),
      value,
      matches,
      guardSnapshot: { machine: ch.machine, _nodes: nodes.map((n) => ch.nodes[n]), context: undefined, value, matches },
    };
  }
}
