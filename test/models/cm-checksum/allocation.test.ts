/**
 * The sender's skb for a full 64 KB-MTU segment under memory pressure, on a
 * real buddy allocator. The path is read from each variant's machine
 * (NETIF_F_SG in connected mode): scatter/gather is found whenever 17 pages
 * are free and leaks nothing; the linear order-5 buffer of upstream-2008
 * (and of a proposal end that turned the capability off) fails with plenty
 * of memory free; and seeded faults of the scatter/gather path are caught.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { variants } from '../../../models/cm-checksum/variants.js';
import {
  PINNED_HALVES,
  allocationNeverFailsWithEnoughFreePages,
  failureRates,
  failedWithEnoughFree,
  noPageLeaks,
  runPressure,
  txPathOf,
} from '../../../properties/cm-checksum/allocation.js';
import { LINEAR_ORDER, pagesNeeded } from '../../../src/impl/cm-checksum/tx-skb.js';

const SEED = 2014_0617;
const RUNS = 100;
const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;

describe('cm-checksum allocation: the path each variant gives a segment\'s skb', () => {
  test('upstream-2008 clears NETIF_F_SG in connected mode: linear order-5 skbs, whatever the capability', () => {
    expect(txPathOf(behaviour('upstream-2008'), 'on')).toBe('linear');
    expect(txPathOf(behaviour('upstream-2008'), 'old')).toBe('linear');
  });

  test('the proposal keeps NETIF_F_SG while the capability is on, and loses it with the checksum feature', () => {
    expect(txPathOf(behaviour('ib-crc-negotiation'), 'on')).toBe('sg');
    expect(txPathOf(behaviour('ib-crc-negotiation'), 'off')).toBe('linear');
  });
});

describe('cm-checksum allocation: a segment\'s skb is found whenever enough pages are free', () => {
  test('ib-crc-negotiation, capability on (scatter/gather): never refused while 17 pages are free', () => {
    expect(pagesNeeded('sg')).toBe(17);
    fc.assert(allocationNeverFailsWithEnoughFreePages(txPathOf(behaviour('ib-crc-negotiation'), 'on')), { seed: SEED, numRuns: RUNS });
  });

  test('upstream-2008 (linear): refused with 32 pages free and no free order-5 block', () => {
    const path = txPathOf(behaviour('upstream-2008'), 'on');
    const r = fc.check(allocationNeverFailsWithEnoughFreePages(path), { seed: SEED, numRuns: RUNS });
    expect(r.failed).toBe(true);
    const [p] = r.counterexample!;
    const failure = runPressure(p, path).attempts.find((t) => failedWithEnoughFree(path, t))!;
    expect(failure.freePages).toBeGreaterThanOrEqual(1 << LINEAR_ORDER);
    expect(failure.largestFreeOrder).toBeLessThan(LINEAR_ORDER);
    // The same scenario, with scatter/gather, gets its skb every time enough pages are free.
    expect(runPressure(p, 'sg').attempts.some((t) => failedWithEnoughFree('sg', t))).toBe(false);
  });

  test('seeded fault: scatter/gather fragments taken as order-1 blocks are refused with enough pages free', () => {
    const r = fc.check(allocationNeverFailsWithEnoughFreePages('sg', undefined, 'order-1-frags'), { seed: SEED, numRuns: RUNS });
    expect(r.failed).toBe(true);
  });

  test('by hand, on 64 pages: pages 0 and 32 pinned, 62 free, and still no order-5 block', () => {
    expect(runPressure(PINNED_HALVES, 'linear', 64).attempts).toEqual([{ ok: false, freePages: 62, largestFreeOrder: 4 }]);
    expect(runPressure(PINNED_HALVES, 'sg', 64).attempts).toEqual([{ ok: true, freePages: 62, largestFreeOrder: 4 }]);
  });
});

describe('cm-checksum allocation: no page leaks', () => {
  for (const path of ['sg', 'linear'] as const) {
    test(`${path}: after every segment is acknowledged and every other block freed, all 512 pages are free`, () => {
      fc.assert(noPageLeaks(path), { seed: SEED, numRuns: RUNS });
    });
  }

  test('seeded fault: a scatter/gather allocation that fails midway and does not give back its pages leaks them', () => {
    const r = fc.check(noPageLeaks('sg', undefined, 'no-undo'), { seed: SEED, numRuns: RUNS });
    expect(r.failed).toBe(true);
    const [p] = r.counterexample!;
    const run = runPressure(p, 'sg', undefined, 'no-undo');
    expect(run.attempts.some((t) => !t.ok)).toBe(true);
    expect(run.freeAtEnd).toBeLessThan(512);
  });
});

describe('cm-checksum allocation: failure rates under the generated pressure', () => {
  test('the linear path fails from fragmentation; scatter/gather fails only when memory is exhausted', () => {
    const [linear, sg] = failureRates(SEED, 100);
    expect(linear.attempts).toBe(sg.attempts);
    expect(linear.attempts).toBeGreaterThan(0);
    expect(sg.fragmentationFailures).toBe(0);
    expect(linear.fragmentationFailures).toBeGreaterThan(0);
    expect(linear.failures).toBeGreaterThan(sg.failures);
  });
});
