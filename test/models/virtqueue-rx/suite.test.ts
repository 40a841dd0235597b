/**
 * virtqueue-rx checked exhaustively: every variant against its manifest, and
 * the shortest counterexample of each story the model exists to tell, by
 * length and by the events in order.
 */
import { describe, expect, test } from 'vitest';
import { modelSuite } from '../../support/model-suite.js';
import { spec } from '../../../models/virtqueue-rx/index.js';
import type { CheckResult } from '../../../src/explore/result.js';
import { check } from '../../../src/explore/check.js';
import type { Trace } from '../../../src/trace/types.js';

const results = modelSuite(spec);

const result = (variant: string): CheckResult => {
  let r = results.get(variant);
  if (!r) {
    r = check(spec, { variant });
    results.set(variant, r);
  }
  return r;
};

/** The events of a trace, written as in the kernel: DEVICE_RX(len), NAPI_COMPLETE_OOM(posted). */
const shape = (t: Trace): string[] =>
  t.steps.map((s) => {
    const e = s.event as { type: string; len?: number; posted?: number };
    return e.type + (e.len !== undefined ? `(${e.len})` : '') + (e.posted !== undefined ? `(${e.posted})` : '');
  });

function counterexample(variant: string, property: string): Trace {
  const r = result(variant);
  expect(r.kind, `${variant} should violate ${property}`).toBe('violated');
  const v = r.kind === 'violated' ? r.violations.find((x) => x.property === property) : undefined;
  expect(v?.trace, `${variant}: no counterexample for ${property}`).toBeDefined();
  return v!.trace!;
}

function witness(variant: string, goal: string): Trace {
  const w = result(variant).witnesses.find((x) => x.goal === goal);
  expect(w, `${variant}: goal ${goal} not reached`).toBeDefined();
  return w!.trace;
}

const last = (t: Trace) => t.steps[t.steps.length - 1].state.context as any;

describe('virtqueue-rx: the stories, shortest first', () => {
  test('build_skb bug: the head page is also given back to rq->pages after one MTU packet (3 steps)', () => {
    const t = counterexample('page-returned-after-build-skb', 'everyBufferHasOneOwner');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(1514)', 'RECEIVE']);
    const c = last(t);
    expect(c.pool).toContain(c.sock[0].bufs[0].p);
  });

  test('2613af0e: a failed head allocation strands the second buffer of an MTU frame (3 steps)', () => {
    // 1514 + 12 header bytes do not fit one 1518-byte piece: every full-size frame spans two buffers.
    const t = counterexample('error-path-not-drained', 'packetConsumesExactlyNumBuffers');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(1514)', 'RECEIVE_HEAD_OOM']);
    const c = last(t);
    expect(c.ring[0]).toMatchObject({ len: 8, nb: 0 });
  });

  test('2613af0e: a failed frag_list skb loses the fetched buffer\'s page reference (3 steps)', () => {
    const t = counterexample('error-path-not-drained', 'everyBufferHasOneOwner');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE_NSKB_OOM']);
  });

  test('v3.12 finding: the same stranding when page_to_skb fails on a two-page packet (3 steps)', () => {
    const t = counterexample('v3.12', 'packetConsumesExactlyNumBuffers');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE_HEAD_OOM']);
  });

  test('v3.13 drains the packet on every error path', () => {
    expect(result('v3.13').verdicts.find((v) => v.property === 'packetConsumesExactlyNumBuffers')?.verdict).toBe('holds');
    expect(result('v3.14-ewma').verdicts.find((v) => v.property === 'packetConsumesExactlyNumBuffers')?.verdict).toBe('holds');
  });

  test('frag past MAX_SKB_FRAGS: three 1518-byte pieces without the frag_list give 3 frags (3 steps)', () => {
    const t = counterexample('frag-past-max', 'fragsWithinMaxSkbFrags');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE']);
    expect(last(t).sock[0].frags).toEqual([3]);
  });

  test('last_used_idx < used->idx: after used->idx wraps to 1 the packet is never seen (lasso of 3)', () => {
    const t = counterexample('used-index-no-wrap', 'everyUsedBufferConsumed');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'NAPI_COMPLETE']);
    expect(t.loop).toMatchObject({ stutter: true, start: 3 });
    expect(last(t)).toMatchObject({ lastUsed: 65534, used: 1 });
  });

  test('last_used_idx kept wide: after the wrap it passes used->idx (4 steps)', () => {
    const t = counterexample('used-index-wide-shadow', 'ringIndicesOrdered');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE', 'RECEIVE']);
    expect(last(t)).toMatchObject({ lastUsed: 65538, used: 1 });
  });

  test('no refill_work: a ring drained by traffic and a failed NAPI refill stays dry (lasso of 6)', () => {
    const t = counterexample('no-refill-work', 'dryRingIsRefilled');
    // Two packets (of either order) take all four buffers, so the ring is empty when the refill fails.
    const s = shape(t);
    expect([s[0], ...s.slice(3)]).toEqual(['OPEN', 'RECEIVE', 'RECEIVE', 'NAPI_COMPLETE_OOM(0)']);
    expect(s.slice(1, 3).sort()).toEqual(['DEVICE_RX(4500)', 'DEVICE_RX(60)']);
    expect(t.loop?.stutter).toBe(true);
  });

  test('build_skb finding: truesize is skb_size + sk_buff while the whole page stays pinned (3 steps)', () => {
    const t = counterexample('build-skb', 'truesizeIsMemoryHeld');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(1514)', 'RECEIVE']);
    // skb_size = SKB_DATA_ALIGN(1526) + 320 = 1856; truesize = 1856 + 256; held = 4096 + 256.
    expect(last(t).sock[0]).toMatchObject({ truesize: 2112, held: 4352, len: 1514 });
  });

  test('v3.13 finding: an MTU frame in the buffer that got the page\'s 1024-byte hole is charged 1536 (5 steps)', () => {
    const t = counterexample('v3.13', 'truesizeIsMemoryHeld');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(60)', 'DEVICE_RX(1514)', 'RECEIVE', 'RECEIVE']);
    expect(last(t).sock[1]).toMatchObject({ truesize: 768 + 1536, held: 768 + 2560 });
  });

  test('the frag_list is reached in 3.13 despite coalescing, when the packet starts on a hole buffer', () => {
    const t = witness('v3.13', 'fragListPacket');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(60)', 'DEVICE_RX(4500)', 'RECEIVE', 'RECEIVE']);
    expect(last(t).sock[1].frags).toEqual([2, 1]);
  });

  test('v3.12 needs no frag_list and never drops an honest packet at the check bounds', () => {
    const verdict = (p: string) => result('v3.12').verdicts.find((v) => v.property === p)?.verdict;
    expect(verdict('fragListPacket')).toBe('unreached');
    expect(verdict('fragsWithinMaxSkbFrags')).toBe('holds');
  });
});
