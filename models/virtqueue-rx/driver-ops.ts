/**
 * A mutable working copy of the context for one step. Steps are pure
 * functions of (context, event): they copy the context into a draft, apply
 * the kernel's operations to it, and return the canonical result.
 */
import { canonical, type Ctx, type Entry, type RefillOrigin, type Skb } from './context.js';
import type { Behaviour } from './behaviour.js';
import type { VirtqueueRxParams } from './params.js';

export interface Draft {
  avail: number;
  used: number;
  lastUsed: number;
  ring: Entry[];
  max: number;
  sock: Skb[];
  pool: number[];
  frag: { p: number; o: number } | null;
  pages: number[];
  ewma: number;
  refill: RefillOrigin;
  deferred: boolean;
  left: number;
  oom: number;
}

export interface Env {
  readonly b: Behaviour;
  readonly p: VirtqueueRxParams;
}

/** A working copy; the transient `deferred` ghost starts false in every step. */
export function draft(c: Ctx): Draft {
  return {
    ...c,
    deferred: false,
    ring: [...c.ring],
    sock: [...c.sock],
    pool: [...c.pool],
    frag: c.frag ? { ...c.frag } : null,
    pages: [...c.pages],
  };
}

export function commit(d: Draft): Ctx {
  return canonical(d);
}

/** alloc_page: a fresh page with one reference. */
export function allocPage(d: Draft): number {
  d.pages.push(1);
  return d.pages.length - 1;
}

/** put_page: drops one reference; the page returns to the buddy allocator at zero. */
export function putPage(d: Draft, p: number): void {
  d.pages[p] = (d.pages[p] ?? 0) - 1;
}

export function getPage(d: Draft, p: number): void {
  d.pages[p] = (d.pages[p] ?? 0) + 1;
}

/** The application reads the oldest delivered skb: kfree_skb drops its page references. */
export function freeSkbFromSock(c: Ctx): Ctx {
  const d = draft(c);
  const skb = d.sock.shift()!;
  for (const b of skb.bufs) if (b.ref === 1) putPage(d, b.p);
  return commit(d);
}
