/**
 * The reference implementation (real bytes) and the machine in lockstep:
 * fast-check generates traffic (message sizes across the copybreak
 * threshold, bursts, receiver stalls, allocation and post failures, peer
 * faults) and after every step the implementation's abstract state must
 * equal the machine's, the size class it chose must follow the copybreak
 * rule, and every delivered byte must be right. Coverage is counted and
 * asserted, so the boundary sizes and reconnects are really exercised. Then
 * the same property must fail: against implementations that diverge from
 * the machine, and on the repost-before-copy bug, whose corrupted bytes the
 * oracle catches.
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
function lockstepPair(variant: string, overrides: Partial<RcParams>, seed: number, implBehaviour?: Partial<RcBehaviour>, implCopybreak?: number) {
  const { instance, params } = resolveRun(spec, variant, overrides);
  const p = params as RcParams;
  const succ = new XStateSuccessors(instance);
  const machine: Machine = { instance, params: p, succ, s: succ.initial()[0] };
  const b = { ...(spec.variants.find((v) => v.name === variant)!.behaviour as RcBehaviour), ...implBehaviour };
  const link = new RcLink({ sendqSize: p.sendq_size, recvqSize: p.recvq_size, neighQueue: p.neigh_queue, rnrRetry: p.rnr_retry, copybreak: implCopybreak ?? p.copybreak, seed }, b);
  return { machine, link };
}

// Longer behaviours than the check bounds: lockstep samples long runs instead of covering short ones.
const LOCKSTEP = { max_sends: 60, peer_dreq: 'always', peer_rej: 'always' } as const;

/** What the runs of one lockstep property exercised. */
interface Coverage {
  runs: number;
  delivered: number;
  /** Payload 251 (byte_len 255, the largest small packet) delivered by the copybreak copy. */
  largestSmallCopied: number;
  /** Payload 252 (byte_len 256, the smallest large packet) delivered by the replacement path. */
  smallestLargeReplaced: number;
  /** Runs in which a connection was torn down and reached OPER_UP again. */
  reopenedRuns: number;
  /** Receive buffers lost to failed posts. */
  buffersLost: number;
}

const newCoverage = (): Coverage => ({ runs: 0, delivered: 0, largestSmallCopied: 0, smallestLargeReplaced: 0, reopenedRuns: 0, buffersLost: 0 });

function record(cov: Coverage, link: RcLink): void {
  cov.runs++;
  cov.delivered += link.receiver.socket.length;
  for (const d of link.receiver.socket) {
    if (d.payload.length === 251 && d.path === 'copybreak') cov.largestSmallCopied++;
    if (d.payload.length === 252 && d.path === 'replacement') cov.smallestLargeReplaced++;
  }
  if (link.sender.opened >= 2) cov.reopenedRuns++;
  cov.buffersLost += link.receiver.srq.lost;
}

function lockstep(variant: string, overrides: Partial<RcParams>, maxCommands: number, implBehaviour?: Partial<RcBehaviour>, implCopybreak?: number, cov?: Coverage) {
  const commands = fc.commands(commandArbitraries(), { maxCommands, size: 'max' });
  return fc.property(commands, fc.integer({ min: 1, max: 0x7fffffff }), (cmds, seed) => {
    const { machine, link } = lockstepPair(variant, overrides, seed, implBehaviour, implCopybreak);
    fc.modelRun(() => ({ model: machine, real: link }), cmds);
    if (cov) record(cov, link);
  });
}

describe('rc-connection: implementation and machine in lockstep', () => {
  // The two receive paths get long runs with coverage floors; the other variants shorter ones.
  const cases: [string, Partial<RcParams>, number, number][] = [
    ['copybreak-2008', LOCKSTEP, 100, 300],
    ['copybreak-2008', { ...LOCKSTEP, sendq_size: 8, recvq_size: 4, neigh_queue: 2 }, 40, 200],
    ['pre-copybreak', LOCKSTEP, 100, 300],
    ['rnr-retry-7', LOCKSTEP, 40, 200],
    ['count-success-only', LOCKSTEP, 40, 200],
    ['srq-post-fails', LOCKSTEP, 40, 200],
    ['reaped-twice', LOCKSTEP, 40, 200],
    ['post-while-not-up', LOCKSTEP, 40, 200],
  ];
  for (const [variant, overrides, numRuns, maxCommands] of cases) {
    const { sendq_size = 4, recvq_size = 2 } = overrides;
    test(`${variant}, sendq ${sendq_size}, recvq ${recvq_size}: same state after every step, every byte right`, () => {
      const cov = newCoverage();
      fc.assert(lockstep(variant, overrides, maxCommands, undefined, undefined, cov), { seed: 0x5eed, numRuns });
      // Traffic really flowed: on average more than one datagram delivered per run.
      expect(cov.delivered, JSON.stringify(cov)).toBeGreaterThan(cov.runs);
      expect(cov.reopenedRuns, JSON.stringify(cov)).toBeGreaterThan(cov.runs / 5);
      if (numRuns === 100) {
        // Both sides of the copybreak boundary were delivered, each by the path the variant gives it.
        if (variant === 'copybreak-2008') expect(cov.largestSmallCopied, JSON.stringify(cov)).toBeGreaterThanOrEqual(30);
        expect(cov.smallestLargeReplaced, JSON.stringify(cov)).toBeGreaterThanOrEqual(30);
      }
      if (variant === 'srq-post-fails') expect(cov.buffersLost, JSON.stringify(cov)).toBeGreaterThan(0);
    });
  }
});

/** A shrunk fc.commands counterexample as step names, without its replay comment. */
function steps(cmds: unknown): string[] {
  return String(cmds).replace(/\/\*.*\*\//, '').split(',').map((x) => x.trim());
}

describe('rc-connection: the lockstep and integrity properties fail when they should', () => {
  test('an implementation that only counts successes in tx_packets diverges from the 2008 machine', () => {
    const r = fc.check(lockstep('copybreak-2008', LOCKSTEP, 150, { txPacketsOnSuccessOnly: true }), { seed: 0x5eed, numRuns: 200 });
    expect(r.failed).toBe(true);
    // Shrunk to the first failed send's completion, counted as tx_errors by one and tx_packets by the other.
    expect(String(r.errorInstance)).toMatch(/the implementation is\n.*"txPackets":0,"txErrors":1[^]*but the machine is\n.*"txPackets":1,"txErrors":0/);
    expect(steps(r.counterexample?.[0]).at(-1)).toBe('TX_WC');
  });

  test('repost-before-copy: the HCA refills the reposted buffer and the application gets the wrong bytes', () => {
    const r = fc.check(lockstep('repost-before-copy', LOCKSTEP, 150), { seed: 0x5eed, numRuns: 300 });
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toMatch(/arrived as \d+ bytes \(copybreak\) that differ from the \d+ sent/);
    const shrunk = steps(r.counterexample?.[0]);
    // The shrunk story: a small message polled with its buffer reposted, another message written into it, the copy.
    expect(shrunk.at(-1)).toBe('COPY');
    expect(shrunk).toContain('RX_WC');
    expect(shrunk.filter((x) => x.startsWith('APP_SEND')).length).toBeGreaterThanOrEqual(2);
    expect(shrunk.length).toBeLessThanOrEqual(12);
  });

  // The implementation's threshold moved as two plausible slips would move it: `byte_len <= 256`
  // (a threshold of 257) and the header left out (`byte_len - 4 < 256`, a threshold of 260).
  test.each([
    ['byte_len <= IPOIB_CM_COPYBREAK', 257, '256'],
    ['byte_len - 4 < IPOIB_CM_COPYBREAK (header left out)', 260, '25[6-9]'],
  ])('an implementation that tests %s copies large packets, and the lockstep catches it', (_slip, implCopybreak, byteLen) => {
    const r = fc.check(lockstep('copybreak-2008', LOCKSTEP, 150, undefined, implCopybreak), { seed: 0x5eed, numRuns: 200 });
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toMatch(new RegExp(`\\(byte_len ${byteLen}\\) took the small path, but byte_len < IPOIB_CM_COPYBREAK \\(256\\) makes it large`));
  });
});
