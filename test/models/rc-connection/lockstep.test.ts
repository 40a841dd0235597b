/**
 * The reference implementation (real bytes) and the machine in lockstep:
 * fast-check generates traffic (message sizes across the copybreak
 * threshold, bursts, receiver stalls, allocation failures, peer faults) and
 * after every step the implementation's abstract state must equal the
 * machine's and every delivered byte must be right. Then the same property
 * must fail: against an implementation that diverges from the machine, and
 * on the repost-before-copy bug, whose corrupted bytes the oracle catches.
 */
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { resolveRun } from '../../../src/explore/check.js';
import { XStateSuccessors } from '../../../src/explore/xstate-successors.js';
import { RcLink } from '../../../src/impl/rc-connection/link.js';
import { spec } from '../../../models/rc-connection/index.js';
import type { RcBehaviour } from '../../../models/rc-connection/behaviour.js';
import type { RcParams } from '../../../models/rc-connection/params.js';
import { commandArbitraries, type Machine } from '../../../properties/rc-connection/commands.js';

/** A fresh (machine, implementation) pair: the machine of `variant`, the implementation with `implBehaviour`. */
function lockstepPair(variant: string, overrides: Partial<RcParams>, seed: number, implBehaviour?: Partial<RcBehaviour>) {
  const { instance, params } = resolveRun(spec, variant, overrides);
  const p = params as RcParams;
  const succ = new XStateSuccessors(instance);
  const machine: Machine = { instance, succ, s: succ.initial()[0] };
  const b = { ...(spec.variants.find((v) => v.name === variant)!.behaviour as RcBehaviour), ...implBehaviour };
  const link = new RcLink({ sendqSize: p.sendq_size, recvqSize: p.recvq_size, neighQueue: p.neigh_queue, rnrRetry: p.rnr_retry, copybreak: p.copybreak, seed }, b);
  return { machine, link };
}

const commands = fc.commands(commandArbitraries(), { maxCommands: 150, size: 'max' });

// Longer behaviours than the check bounds: lockstep samples long runs instead of covering short ones.
const LOCKSTEP = { max_sends: 60, peer_dreq: 'always', peer_rej: 'always' } as const;

function lockstep(variant: string, overrides: Partial<RcParams>, implBehaviour?: Partial<RcBehaviour>) {
  return fc.property(commands, fc.integer({ min: 1, max: 0x7fffffff }), (cmds, seed) => {
    const { machine, link } = lockstepPair(variant, overrides, seed, implBehaviour);
    fc.modelRun(() => ({ model: machine, real: link }), cmds);
  });
}

describe('rc-connection: implementation and machine in lockstep', () => {
  const cases: [string, Partial<RcParams>][] = [
    ['copybreak-2008', LOCKSTEP],
    ['copybreak-2008', { ...LOCKSTEP, sendq_size: 8, recvq_size: 4, neigh_queue: 2 }],
    ['pre-copybreak', LOCKSTEP],
    ['rnr-retry-7', LOCKSTEP],
    ['count-success-only', LOCKSTEP],
    ['srq-post-fails', LOCKSTEP],
    ['reaped-twice', LOCKSTEP],
    ['post-while-not-up', LOCKSTEP],
  ];
  for (const [variant, overrides] of cases) {
    const { sendq_size = 4, recvq_size = 2 } = overrides;
    test(`${variant}, sendq ${sendq_size}, recvq ${recvq_size}: same state after every step, every byte right`, () => {
      fc.assert(lockstep(variant, overrides), { seed: 0x5eed, numRuns: 80 });
    });
  }
});

/** A shrunk fc.commands counterexample as step names, without its replay comment. */
function steps(cmds: unknown): string[] {
  return String(cmds).replace(/\/\*.*\*\//, '').split(',').map((x) => x.trim());
}

describe('rc-connection: the lockstep and integrity properties fail when they should', () => {
  test('an implementation that only counts successes in tx_packets diverges from the 2008 machine', () => {
    const r = fc.check(lockstep('copybreak-2008', LOCKSTEP, { txPacketsOnSuccessOnly: true }), { seed: 0x5eed, numRuns: 200 });
    expect(r.failed).toBe(true);
    // Shrunk to the first failed send's completion, counted as tx_errors by one and tx_packets by the other.
    expect(String(r.errorInstance)).toMatch(/the implementation is\n.*"txPackets":0,"txErrors":1[^]*but the machine is\n.*"txPackets":1,"txErrors":0/);
    expect(steps(r.counterexample?.[0]).at(-1)).toBe('TX_WC');
  });

  test('repost-before-copy: the HCA refills the reposted buffer and the application gets the wrong bytes', () => {
    const r = fc.check(lockstep('repost-before-copy', LOCKSTEP), { seed: 0x5eed, numRuns: 300 });
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toMatch(/arrived as \d+ bytes \(copybreak\) that differ from the \d+ sent/);
    const shrunk = steps(r.counterexample?.[0]);
    // The shrunk story: a small message polled with its buffer reposted, another message written into it, the copy.
    expect(shrunk.at(-1)).toBe('COPY');
    expect(shrunk).toContain('RX_WC');
    expect(shrunk.filter((x) => x.startsWith('APP_SEND')).length).toBeGreaterThanOrEqual(2);
    expect(shrunk.length).toBeLessThanOrEqual(12);
  });
});
