/**
 * Data integrity and liveness on real bytes. The reference receive path
 * returns exactly the stream's bytes, corrupted segments included, and every
 * read returns once the kernel and the sender run fairly: on the CPU-copy
 * baseline and on NET_DMA with every fix. Each failing variant fails in its
 * own way, asserted by message and by the shrunk counterexample: 2.6.32.2's
 * read that closes the window on itself, the stale mapping after a fork, and
 * the seeded bugs.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { variants } from '../../../models/tcp-dma/variants.js';
import { integrityProperty, kernelConfig } from '../../../properties/tcp-dma/integrity.js';
import { BUFFER_BYTES } from '../../../properties/tcp-dma/arbitraries.js';
import { readIsExact, Session } from '../../../src/impl/tcp-dma/session.js';

const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;
const SEED = 20091226;
const RUNS = 200;

function failure(name: string, forks: boolean) {
  const out = fc.check(integrityProperty(behaviour(name), { forks }), { seed: SEED, numRuns: RUNS });
  expect(out.failed, `${name} must fail`).toBe(true);
  const cmds = [...(out.counterexample![0] as Iterable<{ toString(): string }>)].map(String);
  return { cmds, message: String(out.errorInstance) };
}

const ZERO_WINDOW_HANG =
  /never returns: the reader is sleeping with the receive window closed \(sk_rmem_alloc (\d+) of sk_rcvbuf (\d+), (\d+) skbs on sk_async_wait_queue\), copied (\d+) of target (\d+)/;
const WRONG_BYTE = /byte \d+ \(stream offset \d+\) is \d+, the stream has \d+/;

describe('tcp-dma: every read returns the stream\'s bytes', () => {
  for (const name of ['net-dma-off', 'net-dma-drain-on-fallback']) {
    test(`${name}: holds over ${RUNS} generated sessions, forks and corrupted segments included`, () => {
      fc.assert(integrityProperty(behaviour(name)), { seed: SEED, numRuns: RUNS });
    });
  }

  test('net-dma-flush-on-zero-window: every read returns when nobody forks', () => {
    fc.assert(integrityProperty(behaviour('net-dma-flush-on-zero-window'), { forks: false }), { seed: SEED, numRuns: RUNS });
  });

  for (const name of ['net-dma-2.6.32.2', 'net-dma-free-skbs-periodically']) {
    test(`${name}: a read whose target the buffer cannot hold charged sleeps for good behind a zero window`, () => {
      const { cmds, message } = failure(name, false);
      const m = message.match(ZERO_WINDOW_HANG);
      expect(m, message).not.toBeNull();
      const [rmem, rcvbuf, skbs, copied, target] = m!.slice(1).map(Number);
      expect(rmem).toBeGreaterThanOrEqual(rcvbuf); // the DMA-copied skbs, still charged, fill sk_rcvbuf
      expect(skbs).toBeGreaterThan(0);
      expect(copied).toBeLessThan(target);
      // Shrunk: a full window queued before a read whose target is more than it holds.
      expect(cmds).toContain('fillWindow');
      expect(cmds.some((c) => /^recvmsg\(len \d+, MSG_WAITALL/.test(c))).toBe(true);
    });
  }

  test('net-dma-flush-on-zero-window: a fork and a CPU fallback during DMA lose bytes (the stale mapping), shrunk', () => {
    const { cmds, message } = failure('net-dma-flush-on-zero-window', true);
    expect(message).toMatch(WRONG_BYTE);
    expect(cmds.length).toBeLessThanOrEqual(6);
    expect(cmds[0]).toMatch(/^recvmsg/);
    expect(cmds).toContain('fork');
    expect(cmds.some((c) => c.includes('csum unverified'))).toBe(true);
  });

  test('return-before-cookies: skbs are freed under the engine', () => {
    expect(failure('return-before-cookies', false).message).toMatch(/\d+ skbs freed while their DMA copy was outstanding/);
  });

  test('unpin-twice: a pinned read is unpinned twice', () => {
    expect(failure('unpin-twice', false).message).toMatch(/pinned once, unpinned 2 times/);
  });

  test('early-copy-past-ucopy-len: the early copy writes past the user buffer', () => {
    expect(failure('early-copy-past-ucopy-len', false).message).toMatch(/bytes copied past the user buffer/);
  });

  test('dma-with-peek: the early copy feeds a peeking reader that never counts it, past its buffer', () => {
    const { cmds, message } = failure('dma-with-peek', false);
    expect(message).toMatch(/"peek":true.*bytes copied past the user buffer/);
    expect(cmds[0]).toMatch(/MSG_PEEK/);
  });

  test('early-copy-out-of-order: at kernel sizes a segment is DMA-copied ahead of the unread data before it', () => {
    const { cmds, message } = failure('early-copy-out-of-order', false);
    expect(message).toMatch(WRONG_BYTE);
    expect(cmds.some((c) => c.startsWith('recvmsg'))).toBe(true);
  });

  test('early-copy-unverified: a corrupted segment reaches the application', () => {
    const { cmds, message } = failure('early-copy-unverified', false);
    expect(message).toMatch(WRONG_BYTE);
    expect(cmds.some((c) => c.includes('corrupt'))).toBe(true);
  });

  test('a corrupted segment is dropped on both checksum paths and retransmitted, on the baseline', () => {
    const s = new Session(kernelConfig, behaviour('net-dma-off'), BUFFER_BYTES);
    // Queued with no reader: tcp_checksum_complete_user fails and the segment is discarded.
    expect(s.arrive(1448, false, false, true)).toBe(true);
    expect([s.sk.csumDrops, s.sk.rcvNxt, s.sent]).toEqual([1, 0, 0]);
    // The reader waits with ucopy.task installed: the prequeue runs in its context and
    // skb_copy_and_csum_datagram_iovec fails (the tcp_copy_to_iovec path).
    s.startRead({ len: 4 * 1448, peek: false, waitall: true, rcvlowat: 1, lowLatency: false });
    s.runReader();
    expect(s.reader!.phase).toBe('sleeping');
    s.arrive(1448, false, false, true);
    s.runReader();
    expect([s.sk.csumDrops, s.sk.rcvNxt]).toEqual([2, 0]);
    // The sender goes back and the read completes with the stream's bytes.
    for (let i = 0; i < 4; i++) {
      s.arrive(1448, i === 3, false);
      s.runReader();
    }
    expect(s.outcomes).toHaveLength(1);
    expect(readIsExact(s.outcomes[0])).toBeNull();
    expect(s.outcomes[0].result).toBe(4 * 1448);
  });
});
