/**
 * The sender's skb allocation under memory pressure, on a real buddy
 * allocator (src/impl/cm-checksum/tx-skb.ts says why it is the sender's:
 * tcp_sendmsg's select_size is where NETIF_F_SG decides between one linear
 * order-5 buffer and order-0 pages; the 2.6 receive ring used page
 * fragments either way).
 *
 * Two properties: a segment's skb is found whenever enough pages are free,
 * which scatter/gather keeps and a linear order-5 buffer breaks (and which
 * order-1 fragments, a seeded fault, break too); and no page leaks, which a
 * scatter/gather path that does not undo a partial allocation (a seeded
 * fault) breaks. Which path an end uses is read from the machine: step the
 * variant's machine into connected mode and look at NETIF_F_SG.
 */
import fc from 'fast-check';
import { BuddyAllocator, type Block } from '../../src/impl/cm-checksum/buddy.js';
import { allocSegmentSkb, freeSegmentSkb, pagesNeeded, type SgFault, type SkbPath } from '../../src/impl/cm-checksum/tx-skb.js';
import { XStateSuccessors } from '../../src/explore/xstate-successors.js';
import { checkParams } from '../../src/model/params.js';
import { cmChecksumMachine } from '../../models/cm-checksum/cm-checksum.machine.js';
import { params } from '../../models/cm-checksum/params.js';
import type { Behaviour } from '../../models/cm-checksum/variants.js';
import type { Cap, CmContext } from '../../models/cm-checksum/context.js';
import { pressure, type Pressure } from './arbitraries.js';

/** A 2 MB pool: sixteen order-5 blocks when nothing is allocated. */
export const POOL_PAGES = 512;

/** The path A's device features give a full segment's skb once connected mode is set, for this variant and capability. */
export function txPathOf(b: Behaviour, cap: Cap): SkbPath {
  const instance = { machine: cmChecksumMachine(checkParams(params), b), inputs: [{ capA: cap, capB: cap }], events: () => [] };
  const succ = new XStateSuccessors(instance);
  const s = succ.step(succ.initial()[0], { type: 'SET_MODE_CONNECTED' });
  return (s.context as CmContext).featuresA.sg ? 'sg' : 'linear';
}

export interface SendAttempt {
  readonly ok: boolean;
  readonly freePages: number;
  readonly largestFreeOrder: number;
}

export interface PressureRun {
  readonly attempts: readonly SendAttempt[];
  /** Free pages after every skb was acknowledged and every other block freed: the pool's size unless a page leaked. */
  readonly freeAtEnd: number;
}

/** Plays a pressure scenario against a fresh allocator. */
export function runPressure(p: Pressure, path: SkbPath, pages = POOL_PAGES, fault?: SgFault): PressureRun {
  const a = new BuddyAllocator(pages);
  const others: Block[] = [];
  const held: Block[][] = [];
  const attempts: SendAttempt[] = [];
  const take = <T>(list: T[], pick: number): T | undefined => (list.length ? list.splice(pick % list.length, 1)[0] : undefined);
  for (const order of p.fill) {
    const b = a.alloc(order);
    if (b) others.push(b);
  }
  for (const pick of p.release) {
    const b = take(others, pick);
    if (b) a.release(b);
  }
  for (const op of p.traffic) {
    if (op.kind === 'alloc') {
      const b = a.alloc(op.order);
      if (b) others.push(b);
    } else if (op.kind === 'free') {
      const b = take(others, op.pick);
      if (b) a.release(b);
    } else if (op.kind === 'ack') {
      const skb = take(held, op.pick);
      if (skb) freeSegmentSkb(a, skb);
    } else {
      const before = { freePages: a.freePages, largestFreeOrder: a.largestFreeOrder };
      const skb = allocSegmentSkb(a, path, fault);
      if (skb) held.push(skb);
      attempts.push({ ok: skb !== null, ...before });
    }
  }
  for (const skb of held) freeSegmentSkb(a, skb);
  for (const b of others) a.release(b);
  return { attempts, freeAtEnd: a.freePages };
}

/** A failed attempt although the free pages would have held the segment. */
export function failedWithEnoughFree(path: SkbPath, t: SendAttempt): boolean {
  return !t.ok && t.freePages >= pagesNeeded(path);
}

/** The property: a segment's skb is never refused while enough pages are free. */
export function allocationNeverFailsWithEnoughFreePages(path: SkbPath, pages = POOL_PAGES, fault?: SgFault) {
  return fc.property(pressure(pages), (p) => !runPressure(p, path, pages, fault).attempts.some((t) => failedWithEnoughFree(path, t)));
}

/** The property: once every skb is acknowledged and every other block freed, every page is free again. */
export function noPageLeaks(path: SkbPath, pages = POOL_PAGES, fault?: SgFault) {
  return fc.property(pressure(pages), (p) => runPressure(p, path, pages, fault).freeAtEnd === pages);
}

export interface FailureRates {
  readonly path: SkbPath;
  readonly scenarios: number;
  readonly attempts: number;
  readonly failures: number;
  /** Failures although enough pages were free: fragmentation, not exhaustion. */
  readonly fragmentationFailures: number;
}

/** Both paths over the same generated scenarios (fixed seed): how often a full segment finds no skb. */
export function failureRates(seed: number, scenarios: number, pages = POOL_PAGES): FailureRates[] {
  const sample = fc.sample(pressure(pages), { seed, numRuns: scenarios });
  return (['linear', 'sg'] as const).map((path) => {
    let attempts = 0;
    let failures = 0;
    let fragmentationFailures = 0;
    for (const p of sample) {
      for (const t of runPressure(p, path, pages).attempts) {
        attempts++;
        if (!t.ok) failures++;
        if (failedWithEnoughFree(path, t)) fragmentationFailures++;
      }
    }
    return { path, scenarios, attempts, failures, fragmentationFailures };
  });
}

/**
 * A story by hand on a 64-page pool (two order-5 blocks): page 0 and page
 * 32 stay allocated while everything else is freed, so 62 pages are free
 * and no order-5 block is. Fill: page 0, then one block of each order 0 to
 * 4 (which uses up the first half), then page 32; release the five blocks.
 */
export const PINNED_HALVES: Pressure = {
  fill: [0, 0, 1, 2, 3, 4, 0],
  release: [1, 1, 1, 1, 1],
  traffic: [{ kind: 'send' }],
};
