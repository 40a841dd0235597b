/**
 * Data integrity on real bytes: the reference receive path returns exactly
 * the stream's bytes on the CPU-copy baseline and on NET_DMA with the
 * fallback drained, forks included; on 2.6.32.2 as shipped (stale-mapping)
 * fast-check finds, and shrinks, a read whose bytes never reached the
 * application's page.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { variants } from '../../../models/tcp-dma/variants.js';
import { integrityProperty } from '../../../properties/tcp-dma/integrity.js';

const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;
const SEED = 20091226;

describe('tcp-dma: every read returns the stream\'s bytes', () => {
  for (const name of ['net-dma-off', 'net-dma']) {
    test(`${name}: holds over 300 generated sessions`, () => {
      fc.assert(integrityProperty(behaviour(name)), { seed: SEED, numRuns: 300 });
    });
  }

  test('stale-mapping: a fork and a CPU fallback during DMA lose bytes, shrunk to a short session', () => {
    const out = fc.check(integrityProperty(behaviour('stale-mapping')), { seed: SEED, numRuns: 2000 });
    expect(out.failed).toBe(true);
    const cmds = [...(out.counterexample![0] as Iterable<{ toString(): string }>)].map(String);
    // Shrunk: the pinned read, the fork, the unverified segment whose CPU copy moves the page, and a DMA into that page.
    expect(cmds.length).toBeLessThanOrEqual(10);
    expect(cmds[0]).toMatch(/^recvmsg/);
    expect(cmds).toContain('fork');
    expect(cmds.some((c) => c.includes('csum unverified'))).toBe(true);
    expect(cmds).toContain('dmaComplete');
    expect(String(out.errorInstance)).toMatch(/byte \d+ \(stream offset \d+\) is \d+, the stream has \d+/);
  });

  for (const [name, why] of [
    ['return-before-cookies', /outstanding/],
    ['early-copy-past-ucopy-len', /past the user buffer/],
    ['dma-with-peek', /consum|byte/],
  ] as const) {
    test(`${name}: fails too`, () => {
      const out = fc.check(integrityProperty(behaviour(name)), { seed: SEED, numRuns: 2000 });
      expect(out.failed).toBe(true);
      expect(String(out.errorInstance)).toMatch(why);
    });
  }
});
