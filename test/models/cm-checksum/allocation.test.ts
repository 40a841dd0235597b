/**
 * 64 KB-MTU packet buffers under memory pressure, on a real buddy
 * allocator. The path is read from each variant's machine (NETIF_F_SG in
 * connected mode): scatter/gather never fails while 16 pages are free; the
 * linear order-5 buffer of upstream-2008 (and of a proposal end that turned
 * the capability off) fails with plenty of memory free.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { variants } from '../../../models/cm-checksum/variants.js';
import {
  PINNED_HALVES,
  allocationNeverFailsWithEnoughFreePages,
  failureRates,
  failedWithEnoughFree,
  runPressure,
  rxPathOf,
} from '../../../properties/cm-checksum/allocation.js';
import { LINEAR_ORDER } from '../../../src/impl/cm-checksum/rx-alloc.js';

const SEED = 2014_0617;
const RUNS = 200;
const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;

describe('cm-checksum allocation: the path each variant gives a 64 KB packet', () => {
  test('upstream-2008 clears NETIF_F_SG in connected mode: linear buffers, whatever the capability', () => {
    expect(rxPathOf(behaviour('upstream-2008'), 'on')).toBe('linear');
    expect(rxPathOf(behaviour('upstream-2008'), 'old')).toBe('linear');
  });

  test('the proposal keeps NETIF_F_SG while the capability is on, and loses it with the checksum feature', () => {
    expect(rxPathOf(behaviour('ib-crc-negotiation'), 'on')).toBe('sg');
    expect(rxPathOf(behaviour('ib-crc-negotiation'), 'off')).toBe('linear');
  });
});

describe('cm-checksum allocation: a buffer is found whenever enough pages are free', () => {
  test('ib-crc-negotiation, capability on (scatter/gather): never refused while 16 pages are free', () => {
    fc.assert(allocationNeverFailsWithEnoughFreePages(rxPathOf(behaviour('ib-crc-negotiation'), 'on')), { seed: SEED, numRuns: RUNS });
  });

  test('upstream-2008 (linear): refused with 32 pages free and no free order-5 block', () => {
    const path = rxPathOf(behaviour('upstream-2008'), 'on');
    const r = fc.check(allocationNeverFailsWithEnoughFreePages(path), { seed: SEED, numRuns: RUNS });
    expect(r.failed).toBe(true);
    const [p] = r.counterexample!;
    const failure = runPressure(p, path).find((t) => failedWithEnoughFree(path, t))!;
    expect(failure.freePages).toBeGreaterThanOrEqual(1 << LINEAR_ORDER);
    expect(failure.largestFreeOrder).toBeLessThan(LINEAR_ORDER);
    // The same scenario, with scatter/gather, gets its buffer at that point.
    expect(runPressure(p, 'sg').some((t) => failedWithEnoughFree('sg', t))).toBe(false);
  });

  test('by hand, on 64 pages: pages 0 and 32 pinned, 62 free, and still no order-5 block', () => {
    expect(runPressure(PINNED_HALVES, 'linear', 64)).toEqual([{ ok: false, freePages: 62, largestFreeOrder: 4 }]);
    expect(runPressure(PINNED_HALVES, 'sg', 64)).toEqual([{ ok: true, freePages: 62, largestFreeOrder: 4 }]);
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
