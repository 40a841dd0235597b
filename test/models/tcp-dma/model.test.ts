/**
 * The tcp-dma model against its manifest, then the stories its
 * counterexamples and witnesses tell, asserted by length and by shape.
 */
import { describe, expect, test } from 'vitest';
import type { EventObject } from 'xstate';
import { spec } from '../../../models/tcp-dma/index.js';
import { check } from '../../../src/explore/check.js';
import { XStateSuccessors } from '../../../src/explore/xstate-successors.js';
import { checkParams } from '../../../src/model/params.js';
import type { CheckResult } from '../../../src/explore/result.js';
import type { Trace } from '../../../src/trace/types.js';
import { modelSuite } from '../../support/model-suite.js';

const results = modelSuite(spec);
const resultFor = (variant: string): CheckResult => results.get(variant) ?? check(spec, { variant });

function traceOf(variant: string, property: string): Trace {
  const r = resultFor(variant);
  const t =
    r.kind === 'violated' ? r.violations.find((v) => v.property === property)?.trace : undefined;
  const w = r.witnesses.find((x) => x.goal === property)?.trace;
  const out = t ?? w;
  if (!out) throw new Error(`${variant} has no trace for ${property}`);
  return out;
}

const types = (t: Trace) => t.steps.map((s) => s.event.type);
const lastContext = (t: Trace) => t.steps[t.steps.length - 1].state.context as Record<string, any>;
const segments = (t: Trace) => t.steps.map((s) => s.event as EventObject & { csum?: string; psh?: boolean }).filter((e) => e.type === 'SEGMENT_ARRIVES');

describe('tcp-dma: the stories the counterexamples tell', () => {
  test('stale-mapping: after a fork, the CPU fallback takes a copy-on-write fault on the page DMA is still writing (5 steps)', () => {
    const t = traceOf('stale-mapping', 'userBufferHoldsTheStream');
    expect(t.steps).toHaveLength(5);
    expect(types(t)[0]).toBe('RECVMSG');
    expect(types(t)).toContain('FORK');
    expect(types(t).at(-1)).toBe('SK_WAIT_DATA');
    expect(segments(t).map((e) => e.csum)).toEqual(['verified', 'unverified']);
    const c = lastContext(t);
    // The early copy's byte went to the pinned frame; the fallback's write moved the page to a fresh one.
    expect(c.ubuf.slice(0, 2)).toEqual(['0:lost', '1:cpu']);
    expect(c.remapped[0]).toBe(true);
    expect(c.cookies).toHaveLength(1);
  });

  test('net-dma: the same events with the fallback draining first keep every byte, and end the offload', () => {
    const bad = traceOf('stale-mapping', 'userBufferHoldsTheStream');
    const variant = spec.variants.find((v) => v.name === 'net-dma')!;
    const instance = spec.instantiate(checkParams(spec.params), variant.behaviour);
    const succ = new XStateSuccessors(instance);
    const sorted = (o: unknown) => JSON.stringify(Object.entries(o as object).sort());
    const start = instance.inputs.findIndex((i) => sorted(i) === sorted(bad.input));
    expect(start).toBeGreaterThanOrEqual(0);
    let s = succ.initial()[start];
    for (const step of bad.steps) s = succ.step(s, step.event);
    const c = s.context as Record<string, any>;
    expect(c.ubuf.slice(0, 2)).toEqual(['0:dma', '1:cpu']);
    expect(c.abandoned).toBe(true);
    expect(c.cookies).toEqual([]);
  });

  test('return-before-cookies: the call returns with its descriptor never issued and the skb freed (5 steps)', () => {
    for (const p of ['returnsOnlyAfterEveryCookie', 'skbHeldUntilCopied', 'pinnedFromDecisionToExit', 'userBufferHoldsTheStream']) {
      const t = traceOf('return-before-cookies', p);
      expect(t.steps, p).toHaveLength(5);
      expect(types(t).at(-1)).toBe('RETURN');
      const c = lastContext(t);
      expect(c.cookies.length).toBeGreaterThan(0);
      expect(c.asyncWait).toEqual([]);
      expect(c.pinned).toBe('unpinned');
    }
  });

  test('dma-with-peek: a peeking reader gets an early DMA copy (3 steps)', () => {
    const t = traceOf('dma-with-peek', 'dmaOnlyWhenEligible');
    expect(types(t)).toEqual(['RECVMSG', 'SK_WAIT_DATA', 'SEGMENT_ARRIVES']);
    expect((t.input as { peek: boolean }).peek).toBe(true);
    const c = lastContext(t);
    expect(c.decision).toBe('pinned');
    expect(c.cookies[0].path).toBe('early');
    expect(c.copiedSeq).toBe(1); // the peek consumed a byte
  });

  test('early-copy-past-ucopy-len: the early copy runs past the buffer (4 steps)', () => {
    const t = traceOf('early-copy-past-ucopy-len', 'earlyCopyInOrderWithinUcopyLen');
    expect(types(t)).toEqual(['RECVMSG', 'SK_WAIT_DATA', 'SEGMENT_ARRIVES', 'SEGMENT_ARRIVES']);
    const c = lastContext(t);
    expect(c.ucopyLen).toBeLessThan(0);
    expect(c.overrun).toBeGreaterThan(0);
  });

  test('early-copy-past-ucopy-len: a reader whose buffer the early copy filled sleeps forever (lasso of 6, stuttering)', () => {
    const t = traceOf('early-copy-past-ucopy-len', 'blockingReadReturns');
    expect(t.steps).toHaveLength(6);
    expect(t.loop?.stutter).toBe(true);
    const c = lastContext(t);
    expect(c.ucopyLen).toBe(0);
    expect(c.woken).toBe(false);
    expect(t.steps.at(-1)!.state.value).toBe('sleeping');
  });

  test('early-copy-past-ucopy-len: its last descriptor is never issued (lasso of 7)', () => {
    const t = traceOf('early-copy-past-ucopy-len', 'everyCookieCompletes');
    expect(t.steps).toHaveLength(7);
    expect(t.loop?.stutter).toBe(true);
    const c = lastContext(t);
    expect(c.cookies.every((k: { issued: boolean }) => !k.issued)).toBe(true);
  });
});

describe('tcp-dma: the witnesses of the seed\'s situations', () => {
  test('the early copy stops on PSH after 3 steps, at ucopy.len == 0 after 4, on receive memory after 5', () => {
    expect(traceOf('net-dma', 'earlyCopyStopsOnPsh').steps).toHaveLength(3);
    expect(traceOf('net-dma', 'earlyCopyStopsAtUcopyLenZero').steps).toHaveLength(4);
    const rmem = traceOf('net-dma', 'earlyCopyStopsOnReceiveMemory');
    expect(rmem.steps).toHaveLength(5);
    // The skb the copy loop DMA-copied is still charged while it waits for its cookie: that is what passes rcvbuf/2.
    expect(lastContext(rmem).asyncWait.some((a: { charged: boolean }) => a.charged)).toBe(true);
  });

  test('with data already queued, the read skips DMA and copies with the CPU (5 steps)', () => {
    const t = traceOf('net-dma', 'noDmaBecauseDataWasThere');
    expect(types(t)).toEqual(['SEGMENT_ARRIVES', 'RECVMSG', 'COPY_SKB', 'BREAK', 'RETURN']);
    expect(lastContext(t).ubuf[0]).toBe('0:cpu');
  });
});
