/**
 * The static structure of a machine, indexed by document order: parents,
 * children, initial children, transition candidates per event type, and the
 * ancestor relations the SCXML algorithms need. Computed once per machine.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

export class Chart {
  /** State nodes by document order (`StateNode.order`); the root is 0. */
  readonly nodes: AnyStateNode[] = [];
  readonly parent: number[] = [];
  readonly children: number[][] = [];
  readonly type: string[] = [];
  /** The initial child of a compound node, -1 otherwise. */
  readonly initialChild: number[] = [];
  private readonly candidateCache: Map<string, AnyTransitionDefinition[]>[] = [];

  constructor(readonly machine: AnyStateMachine) {
    const visit = (n: AnyStateNode) => {
      this.nodes[n.order] = n;
      for (const c of Object.values(n.states)) visit(c as AnyStateNode);
    };
    visit(machine.root);
    for (const n of this.nodes) {
      const i = n.order;
      this.parent[i] = n.parent ? n.parent.order : -1;
      this.children[i] = (Object.values(n.states) as AnyStateNode[]).map((c) => c.order);
      this.type[i] = n.type;
      this.initialChild[i] = n.type === 'compound' ? (n.initial.target[0] as AnyStateNode).order : -1;
      this.candidateCache[i] = new Map();
    }
  }

  get size(): number {
    return this.nodes.length;
  }

  isAtomic(i: number): boolean {
    return this.type[i] === 'atomic' || this.type[i] === 'final';
  }

  /** Whether `a` is a proper descendant of `b` (xstate's isDescendant). */
  isDescendant(a: number, b: number): boolean {
    for (let m = this.parent[a]; m !== -1; m = this.parent[m]) if (m === b) return true;
    return false;
  }

  /** Ancestors of `a` from its parent up to (not including) `upTo`; all of them when upTo is -1. */
  properAncestors(a: number, upTo = -1): number[] {
    const out: number[] = [];
    if (a === upTo) return out;
    for (let m = this.parent[a]; m !== -1 && m !== upTo; m = this.parent[m]) out.push(m);
    return out;
  }

  /** The transitions of node `i` for an event type, in definition order (exact matches only). */
  candidates(i: number, eventType: string): AnyTransitionDefinition[] {
    const cache = this.candidateCache[i];
    let c = cache.get(eventType);
    if (!c) {
      c = this.nodes[i].transitions.get(eventType) ?? [];
      cache.set(eventType, c);
    }
    return c;
  }

  /** How many configurations the chart allows at most (product over parallel regions, sum over alternatives). */
  maxConfigurations(i = 0): number {
    if (this.isAtomic(i) || this.children[i].length === 0) return 1;
    const counts = this.children[i].map((c) => this.maxConfigurations(c));
    return this.type[i] === 'parallel' ? counts.reduce((a, b) => a * b, 1) : counts.reduce((a, b) => a + b, 0);
  }

  always(i: number): AnyTransitionDefinition[] | undefined {
    return this.nodes[i].always;
  }
}
