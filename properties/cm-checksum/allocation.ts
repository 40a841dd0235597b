/**
 * Receive-buffer allocation under memory pressure, on a real buddy
 * allocator: the property that a 64 KB-MTU packet's buffer is found
 * whenever enough pages are free, which scatter/gather keeps and a linear
 * order-5 buffer breaks; and the failure rates of both paths under
 * generated pressure.
 *
 * Which path an end uses is read from the machine: step the variant's
 * machine into connected mode and look at NETIF_F_SG.
 */
import fc from 'fast-check';
import { BuddyAllocator, type Block } from '../../src/impl/cm-checksum/buddy.js';
import { allocRxBuffer, freeRxBuffer, pagesNeeded, LINEAR_ORDER, type RxPath } from '../../src/impl/cm-checksum/rx-alloc.js';
import { XStateSuccessors } from '../../src/explore/xstate-successors.js';
import { checkParams } from '../../src/model/params.js';
import { cmChecksumMachine } from '../../models/cm-checksum/cm-checksum.machine.js';
import { params } from '../../models/cm-checksum/params.js';
import type { Behaviour } from '../../models/cm-checksum/variants.js';
import type { Cap, CmContext } from '../../models/cm-checksum/context.js';
import { pressure, type Pressure } from './arbitraries.js';

/** A 2 MB pool: sixteen order-5 blocks when nothing is allocated. */
export const POOL_PAGES = 512;

/** The path A's device features give a 64 KB packet once connected mode is set, for this variant and capability. */
export function rxPathOf(b: Behaviour, cap: Cap): RxPath {
  const instance = { machine: cmChecksumMachine(checkParams(params), b), inputs: [{ capA: cap, capB: cap }], events: () => [] };
  const succ = new XStateSuccessors(instance);
  const s = succ.step(succ.initial()[0], { type: 'SET_MODE_CONNECTED' });
  return (s.context as CmContext).featuresA.sg ? 'sg' : 'linear';
}

export interface RxAttempt {
  readonly ok: boolean;
  readonly freePages: number;
  readonly largestFreeOrder: number;
}

/** Plays a pressure scenario against a fresh allocator, returning every receive allocation attempt. */
export function runPressure(p: Pressure, path: RxPath, pages = POOL_PAGES): RxAttempt[] {
  const a = new BuddyAllocator(pages);
  const others: Block[] = [];
  const held: Block[][] = [];
  const attempts: RxAttempt[] = [];
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
    } else if (op.kind === 'consume') {
      const buf = take(held, op.pick);
      if (buf) freeRxBuffer(a, buf);
    } else {
      const before = { freePages: a.freePages, largestFreeOrder: a.largestFreeOrder };
      const buf = allocRxBuffer(a, path);
      if (buf) held.push(buf);
      attempts.push({ ok: buf !== null, ...before });
    }
  }
  return attempts;
}

/** A failed attempt although the free pages would have held the packet. */
export function failedWithEnoughFree(path: RxPath, t: RxAttempt): boolean {
  return !t.ok && t.freePages >= pagesNeeded(path);
}

/** The property: a receive buffer is never refused while enough pages are free. */
export function allocationNeverFailsWithEnoughFreePages(path: RxPath, pages = POOL_PAGES) {
  return fc.property(pressure(pages), (p) => !runPressure(p, path, pages).some((t) => failedWithEnoughFree(path, t)));
}

export interface FailureRates {
  readonly path: RxPath;
  readonly scenarios: number;
  readonly attempts: number;
  readonly failures: number;
  /** Failures although enough pages were free: fragmentation, not exhaustion. */
  readonly fragmentationFailures: number;
}

/** Both paths over the same generated scenarios (fixed seed): how often a 64 KB packet finds no buffer. */
export function failureRates(seed: number, scenarios: number, pages = POOL_PAGES): FailureRates[] {
  const sample = fc.sample(pressure(pages), { seed, numRuns: scenarios });
  return (['linear', 'sg'] as const).map((path) => {
    let attempts = 0;
    let failures = 0;
    let fragmentationFailures = 0;
    for (const p of sample) {
      for (const t of runPressure(p, path, pages)) {
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
  traffic: [{ kind: 'rx' }],
};
