/**
 * The rc-connection simulation: the bounds hold on every run and fail on a
 * seeded simulator bug each; the seed's two regimes, each failing on the
 * other variant; the counters the seed compared; determinism per seed.
 * Runs are 0.5 s of simulated time (the 10 s report is `rxspec simulate`).
 */
import { describe, expect, test } from 'vitest';
import { simulate, type SimOptions, type SimResult, type SimVariant } from '../../../src/sim/rc-connection/ipoib-cm-sim.js';
import { seedOptions } from '../../../src/sim/rc-connection/setup.js';
import {
  everyMessageAccountedFor,
  netperfSends,
  receivedWithinLinkRate,
  receivedWithinReceiverCpu,
  seedRegimeBeforeCopybreak,
  seedRegimeWithCopybreak,
} from '../../../properties/rc-connection/throughput.js';
import { spec } from '../../../models/rc-connection/index.js';

const HALF_SECOND = 5e8;
const runs = new Map<string, SimResult>();
function run(variant: SimVariant, over: Partial<SimOptions> = {}): SimResult {
  const k = `${variant} ${JSON.stringify(over)}`;
  let r = runs.get(k);
  if (!r) runs.set(k, (r = simulate(seedOptions(variant, 7, { durationNs: HALF_SECOND, ...over }))));
  return r;
}

describe('rc-connection simulation: bounds', () => {
  const bounds = [receivedWithinLinkRate, receivedWithinReceiverCpu, everyMessageAccountedFor];
  test.each(['copybreak-2008', 'pre-copybreak', 'count-success-only'] as const)('%s: every bound holds', (v) => {
    for (const b of bounds) expect(b(run(v)), b.name).toMatchObject({ holds: true });
  });

  test('rnr_retry 7 with the replacement path (the stall): every bound holds', () => {
    const r = run('rnr-retry-7', { receivePath: 'replacement' });
    for (const b of bounds) expect(b(r), b.name).toMatchObject({ holds: true });
  });

  test('a receiver that is never charged CPU for its packets breaks the CPU bound', () => {
    expect(receivedWithinReceiverCpu(run('copybreak-2008', { bugs: { rxCpuUncharged: true } })).holds).toBe(false);
  });

  test('packets that do not occupy the link break the link bound', () => {
    expect(receivedWithinLinkRate(run('copybreak-2008', { bugs: { linkUnserialized: true } })).holds).toBe(false);
  });

  test('flushed sends given no fate break the accounting', () => {
    const r = run('pre-copybreak', { bugs: { flushUncounted: true } });
    expect(r.wc.flush).toBeGreaterThan(0);
    expect(everyMessageAccountedFor(r).holds).toBe(false);
  });
});

describe('rc-connection simulation: the seed\'s regimes', () => {
  test('with copybreak: send and receive within 10%, no connection reopened', () => {
    expect(seedRegimeWithCopybreak(run('copybreak-2008'))).toMatchObject({ holds: true });
    const pre = seedRegimeWithCopybreak(run('pre-copybreak'));
    expect(pre.holds).toBe(false);
    expect(pre.detail).toMatch(/NO: \d+ reopened connections/);
  });

  test('before copybreak, at the profile\'s estimates: connections reopen, but the receiver keeps most of the traffic', () => {
    const r = run('pre-copybreak');
    expect(r.connectionsOpened).toBeGreaterThan(1);
    expect(r.rnrNaks).toBe(r.wc.rnr);
    const v = seedRegimeBeforeCopybreak(r);
    expect(v.holds).toBe(false);
    expect(v.detail).toMatch(/yes: \d+ reopened/);
    expect(v.detail).toMatch(/NO: received/);
  });

  test('before copybreak, with the replacement path at twice the estimate (what the seed\'s figures imply): the seed\'s regime', () => {
    expect(seedRegimeBeforeCopybreak(run('pre-copybreak', { replacementCostFactor: 2 }))).toMatchObject({ holds: true });
    expect(seedRegimeBeforeCopybreak(run('copybreak-2008', { replacementCostFactor: 2 })).holds).toBe(false);
  });

  test('tx_packets counts flushed and failed sends (the FIXME) unless only successes are counted', () => {
    const pre = run('pre-copybreak');
    expect(pre.ifconfig.txPackets).toBe(pre.wc.ok + pre.wc.rnr + pre.wc.flush);
    expect(pre.ifconfig.txPackets).toBeGreaterThan(pre.wc.ok);
    const fixed = run('count-success-only', { receivePath: 'replacement' });
    expect(fixed.ifconfig.txPackets).toBe(fixed.wc.ok);
    expect(fixed.ifconfig.txErrors).toBe(fixed.wc.rnr + fixed.wc.flush);
  });

  test('rnr_retry 7: the first RNR NAK waits 655.36 ms instead of failing, so the run stalls without reopening', () => {
    const r = run('rnr-retry-7', { receivePath: 'replacement' });
    expect(r.rnrNaks).toBeGreaterThan(0);
    expect(r.connectionsOpened).toBe(1);
    expect(r.received).toBeLessThan(netperfSends(run('pre-copybreak')) / 10);
  });
});

describe('rc-connection simulation: determinism and the report', () => {
  test('the same seed gives the same run; another seed another', () => {
    const a = simulate(seedOptions('pre-copybreak', 3, { durationNs: 1e8 }));
    const b = simulate(seedOptions('pre-copybreak', 3, { durationNs: 1e8 }));
    const c = simulate(seedOptions('pre-copybreak', 4, { durationNs: 1e8 }));
    expect(b.sends).toBe(a.sends);
    expect(b.received).toBe(a.received);
    expect(c.sends).not.toBe(a.sends);
  });

  test('a single-variant report names what it ran; a model-only variant is explained, not simulated', () => {
    const r = spec.simulation!.run({ variant: 'reaped-twice', seed: 1 });
    expect(r.tables).toEqual([]);
    expect(r.findings[0]).toMatch(/no throughput of its own/);
  });
});
