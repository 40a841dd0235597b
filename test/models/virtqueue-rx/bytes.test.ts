/**
 * Every bug breaks real bytes: fast-check finds, for each bug variant, a
 * command sequence after which a frame read differs from the frame written,
 * the kernel would fault (BAD_RING, use-after-free), frames vanish without
 * being counted, used buffers are never consumed, or the ring stays dry. The
 * shrunk counterexamples are asserted: their length and the events that
 * tell the story. The 3.12 finding (an undrained head-allocation failure)
 * breaks bytes too.
 */
import { describe, expect, test } from 'vitest';
import { variants } from '../../../models/virtqueue-rx/variants.js';
import { params, type VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import { checkParams, defaultParams } from '../../../src/model/params.js';
import { checkTraffic, counterexampleWords, type TrafficRun } from '../../../properties/virtqueue-rx/traffic-property.js';

const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;
const atKernelScale: VirtqueueRxParams = { ...defaultParams(params), ringSize: 64, startIndex: 65500 };
const atCheckBounds: VirtqueueRxParams = { ...checkParams(params), packets: 1_000_000, oomBudget: 1_000_000 };
const SEED = 20131029;

function breaks(name: string, p: VirtqueueRxParams, o: Omit<TrafficRun, 'ringSize' | 'lockstep'>, seed = SEED) {
  const r = checkTraffic(behaviour(name), p, { ...o, ringSize: p.ringSize, lockstep: false }, { seed, numRuns: 300 });
  expect(r.failed, `${name} should break the byte oracle (seed ${seed})`).toBe(true);
  const err = r.errorInstance as Error;
  return { error: `${err.name}: ${err.message}`, words: counterexampleWords(r) };
}

/** `words` contains `story` in order (other commands may sit between). */
function tells(words: string[], story: RegExp[]): boolean {
  let i = 0;
  for (const w of words) if (i < story.length && story[i].test(w)) i++;
  return i === story.length;
}

describe('virtqueue-rx: each bug breaks real bytes', () => {
  test('page returned after build_skb: the page is reposted and the next frame overwrites the delivered one', () => {
    const { error, words } = breaks('page-returned-after-build-skb', atKernelScale, { failures: ['refill'] });
    expect(error).toMatch(/OracleFailure: frame \d+: sent \d+ bytes, read \d+/);
    expect(words.length).toBeLessThanOrEqual(6);
    expect(tells(words, [/DEVICE_RX|BURST/, /^RECEIVE$/, /REFILL_WORK|NAPI_COMPLETE/, /DEVICE_RX|BURST/])).toBe(true);
  });

  test('2613af0e error path: stranded buffers are parsed as packets and frames vanish uncounted', () => {
    const { error, words } = breaks('error-path-not-drained', atKernelScale, { failures: ['head', 'nskb'] });
    expect(error).toMatch(/OracleFailure: \d+ frames sent, \d+ read, \d+ counted as dropped/);
    expect(words.length).toBeLessThanOrEqual(5);
    expect(tells(words, [/DEVICE_RX|BURST/, /RECEIVE_(HEAD|NSKB)_OOM/])).toBe(true);
  });

  test('frag past MAX_SKB_FRAGS: frags[17..] overwrite the neighbouring skb head, then a garbage page is freed', () => {
    const { error, words } = breaks('frag-past-max', atKernelScale, { failures: [] });
    expect(error).toMatch(/KernelFault: (USE_AFTER_FREE|CORRUPT_SKB|REFCOUNT_UNDERFLOW)|OracleFailure: frame/);
    expect(words.length).toBeLessThanOrEqual(6);
    expect(tells(words, [/DEVICE_RX|BURST/, /^RECEIVE$/])).toBe(true);
  });

  test('last_used_idx < used->idx: after the wrap used buffers are never consumed', () => {
    const { error, words } = breaks('used-index-no-wrap', atKernelScale, { failures: [] });
    expect(error).toMatch(/OracleFailure: \d+ used buffers never consumed/);
    expect(words.length).toBeLessThanOrEqual(5);
    expect(words[0]).toBe('OPEN');
  });

  test('last_used_idx kept wide: after the wrap the driver reads a stale used slot (BAD_RING)', () => {
    const { error, words } = breaks('used-index-wide-shadow', atKernelScale, { failures: [] });
    expect(error).toMatch(/KernelFault: BAD_RING: id \d+ is not a head!/);
    expect(words.length).toBeLessThanOrEqual(5);
  });

  test('no refill_work: a failed NAPI refill on a drained ring leaves it dry', () => {
    const { error, words } = breaks('no-refill-work', atCheckBounds, { failures: ['refill'], maxFrame: atCheckBounds.gsoLen, maxCommands: 20 }, 2);
    expect(error).toMatch(/the ring offers the device no buffer/);
    expect(words.length).toBeLessThanOrEqual(7);
    expect(tells(words, [/^OPEN$/, /DEVICE_RX/, /^RECEIVE$/, /NAPI_COMPLETE_OOM\(posted=0\)/])).toBe(true);
  });

  test('finding: 3.12 (and the build_skb patch on it) strand a packet when the head skb allocation fails', () => {
    for (const name of ['v3.12', 'build-skb']) {
      const { error, words } = breaks(name, atKernelScale, { failures: ['head'] });
      expect(error).toMatch(/OracleFailure/);
      expect(tells(words, [/DEVICE_RX|BURST/, /RECEIVE_HEAD_OOM/])).toBe(true);
    }
  });

  test('3.13 and 3.14 survive the same head failures on real bytes', () => {
    for (const name of ['v3.13', 'v3.14-ewma']) {
      const r = checkTraffic(behaviour(name), atKernelScale, { ringSize: 64, failures: ['head', 'nskb'], lockstep: false }, { seed: SEED, numRuns: 60 });
      expect(r.failed, r.failed ? String(r.errorInstance) : '').toBe(false);
    }
  });
});
