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
const segments = (t: Trace) => t.steps.map((s) => s.event as EventObject & { len?: number; csum?: string; psh?: boolean }).filter((e) => e.type === 'SEGMENT_ARRIVES');

/** Replays a trace's events on another variant (same read), returning the final context. */
function replayOn(variant: string, t: Trace): Record<string, any> {
  const v = spec.variants.find((x) => x.name === variant)!;
  const instance = spec.instantiate(checkParams(spec.params), v.behaviour);
  const succ = new XStateSuccessors(instance);
  const sorted = (o: unknown) => JSON.stringify(Object.entries(o as object).sort());
  const start = instance.inputs.findIndex((i) => sorted(i) === sorted(t.input));
  expect(start).toBeGreaterThanOrEqual(0);
  let s = succ.initial()[start];
  for (const step of t.steps) s = succ.step(s, step.event);
  return s.context as Record<string, any>;
}

describe('tcp-dma: the zero-window hang of 2.6.32.2 and its two fixes', () => {
  test('net-dma-2.6.32.2: a read whose target sk_rcvbuf cannot hold charged sleeps for good (lasso of 4, stuttering)', () => {
    const t = traceOf('net-dma-2.6.32.2', 'blockingReadReturns');
    expect(types(t)).toEqual(['SEGMENT_ARRIVES', 'RECVMSG', 'COPY_SKB', 'SK_WAIT_DATA']);
    expect(t.loop?.stutter).toBe(true);
    const c = lastContext(t);
    expect(t.steps.at(-1)!.state.value).toBe('sleeping');
    expect(c.decision).toBe('pinned');
    expect(c.copied).toBeLessThan(c.target);
    // The DMA-copied skb waits on sk_async_wait_queue, still charged, and its descriptor was never issued.
    expect(c.asyncWait).toEqual([{ seq: 0, len: 2, charged: true }]);
    expect(c.cookies.map((k: { issued: boolean }) => k.issued)).toEqual([false]);
  });

  test('net-dma-2.6.32.2: the same lasso leaves its descriptor unissued forever', () => {
    expect(types(traceOf('net-dma-2.6.32.2', 'everyCookieCompletes'))).toEqual(['SEGMENT_ARRIVES', 'RECVMSG', 'COPY_SKB', 'SK_WAIT_DATA']);
  });

  test('net-dma-free-skbs-periodically: the copy completes, but nobody wakes the reader to free its skb (lasso of 5)', () => {
    const t = traceOf('net-dma-free-skbs-periodically', 'blockingReadReturns');
    expect(types(t)).toEqual(['SEGMENT_ARRIVES', 'RECVMSG', 'COPY_SKB', 'SK_WAIT_DATA', 'DMA_COMPLETE']);
    expect(t.loop?.stutter).toBe(true);
    const c = lastContext(t);
    expect(c.cookies).toEqual([]);
    expect(c.asyncWait).toEqual([{ seq: 0, len: 2, charged: true }]);
  });

  test('net-dma-flush-on-zero-window: before sleeping with a zero window it drains the engine and frees the skb', () => {
    const hang = traceOf('net-dma-2.6.32.2', 'blockingReadReturns');
    const c = replayOn('net-dma-flush-on-zero-window', hang);
    expect(c.asyncWait).toEqual([]);
    expect(c.cookies).toEqual([]);
    expect(c.ubuf.slice(0, 2)).toEqual(['0:dma', '1:dma']);
  });
});

describe('tcp-dma: the stories the counterexamples tell', () => {
  test('net-dma-2.6.32.2: after a fork, the CPU fallback takes a copy-on-write fault on the page DMA is still writing (5 steps)', () => {
    const t = traceOf('net-dma-2.6.32.2', 'userBufferHoldsTheStream');
    expect(types(t)).toEqual(['RECVMSG', 'FORK', 'SEGMENT_ARRIVES', 'SEGMENT_ARRIVES', 'SK_WAIT_DATA']);
    expect(segments(t).map((e) => e.csum)).toEqual(['verified', 'unverified']);
    const c = lastContext(t);
    // The early copy's bytes went to the pinned frame; the fallback's write moved the page to a fresh one.
    expect(c.ubuf.slice(0, 2)).toEqual(['0:lost', '1:cpu']);
    expect(c.remapped[0]).toBe(true);
    expect(c.cookies).toHaveLength(1);
  });

  test('the stale mapping outlives both zero-window fixes (5 steps each)', () => {
    for (const v of ['net-dma-free-skbs-periodically', 'net-dma-flush-on-zero-window']) {
      const t = traceOf(v, 'userBufferHoldsTheStream');
      expect(types(t), v).toEqual(['RECVMSG', 'FORK', 'SEGMENT_ARRIVES', 'SEGMENT_ARRIVES', 'SK_WAIT_DATA']);
      expect(lastContext(t).ubuf.slice(0, 2)).toEqual(['0:lost', '1:cpu']);
    }
  });

  test('net-dma-drain-on-fallback: the same events with the fallback draining first keep every byte, and end the offload', () => {
    const c = replayOn('net-dma-drain-on-fallback', traceOf('net-dma-flush-on-zero-window', 'userBufferHoldsTheStream'));
    expect(c.ubuf.slice(0, 2)).toEqual(['0:dma', '1:cpu']);
    expect(c.abandoned).toBe(true);
    expect(c.cookies).toEqual([]);
  });

  test('return-before-cookies: the call returns with its descriptor outstanding and the skb freed (5 steps)', () => {
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

  test('unpin-twice: the exit unpins a pinned read twice (5 steps)', () => {
    const t = traceOf('unpin-twice', 'pinnedFromDecisionToExit');
    expect(types(t)).toEqual(['RECVMSG', 'SEGMENT_ARRIVES', 'SK_WAIT_DATA', 'BREAK', 'RETURN']);
    const c = lastContext(t);
    expect(t.steps.at(-1)!.state.value).toBe('returned');
    expect(c.decision).toBe('pinned');
    expect(c.pinned).toBe('unpinned');
    expect(c.unpins).toBe(2);
    // Only the exit is wrong: the same events on the fixed kernel unpin once.
    expect(replayOn('net-dma-drain-on-fallback', t).unpins).toBe(1);
  });

  test('dma-at-copybreak: a read of exactly the copybreak is pinned and early-copied by DMA (3 steps)', () => {
    const t = traceOf('dma-at-copybreak', 'dmaOnlyWhenEligible');
    expect(types(t)).toEqual(['RECVMSG', 'SK_WAIT_DATA', 'SEGMENT_ARRIVES']);
    const input = t.input as { len: number; waitall: boolean };
    expect(input.len).toBe(checkParams(spec.params).copybreak);
    expect(input.waitall).toBe(true);
    const c = lastContext(t);
    expect(c.decision).toBe('pinned');
    expect(c.cookies).toEqual([expect.objectContaining({ path: 'early', verified: true })]);
  });

  test('dma-ignores-low-latency: with tcp_low_latency the copy loop still DMA-copies a queued skb (3 steps)', () => {
    const t = traceOf('dma-ignores-low-latency', 'dmaOnlyWhenEligible');
    expect(types(t)).toEqual(['SEGMENT_ARRIVES', 'RECVMSG', 'COPY_SKB']);
    expect((t.input as { lowLatency: boolean }).lowLatency).toBe(true);
    const c = lastContext(t);
    expect(c.decision).toBe('pinned');
    // No prequeue reader and no ucopy.len in low-latency mode: the DMA is the copy loop's, not an early copy.
    expect(c.ucopyLen).toBe(0);
    expect(c.cookies).toEqual([expect.objectContaining({ path: 'loop', skb: 0 })]);
  });

  test('early-copy-out-of-order: a segment is early-copied ahead of the unread skb before it (5 steps, at its own params)', () => {
    const t = traceOf('early-copy-out-of-order', 'earlyCopyInOrderWithinUcopyLen');
    expect(types(t)).toEqual(['RECVMSG', 'SK_WAIT_DATA', 'SEGMENT_ARRIVES', 'SEGMENT_ARRIVES', 'SEGMENT_ARRIVES']);
    expect(segments(t).map((e) => [e.len, e.psh])).toEqual([[1, false], [2, false], [1, true]]);
    const c = lastContext(t);
    // The 2-unit segment did not fit ucopy.len (1) and was queued without a wakeup; the next one was DMA-copied past it.
    expect(c.queue).toEqual([{ seq: 1, len: 2 }]);
    expect(c.copiedSeq).not.toBe(c.rcvNxt);
    expect(c.cookies.map((k: { path: string; at: number; skb: number }) => [k.path, k.at, k.skb])).toEqual([
      ['early', 0, 0],
      ['early', 1, 3],
    ]);
    expect(c.ubuf).toEqual(['0:dma-pending', '3:dma-pending']);
    // The same 5 steps tell userBufferHoldsTheStream's story.
    expect(types(traceOf('early-copy-out-of-order', 'userBufferHoldsTheStream'))).toEqual(types(t));
  });

  test('early-copy-unverified: a segment the NIC did not verify is DMA-copied, unchecksummed (3 steps)', () => {
    const t = traceOf('early-copy-unverified', 'dmaOnlyWhenEligible');
    expect(types(t)).toEqual(['RECVMSG', 'SK_WAIT_DATA', 'SEGMENT_ARRIVES']);
    expect(segments(t).map((e) => e.csum)).toEqual(['unverified']);
    const c = lastContext(t);
    expect(c.cookies).toEqual([expect.objectContaining({ path: 'early', verified: false })]);
  });

  test('early-copy-past-ucopy-len: the early copy runs past the buffer (4 steps)', () => {
    const t = traceOf('early-copy-past-ucopy-len', 'earlyCopyInOrderWithinUcopyLen');
    expect(types(t)).toEqual(['RECVMSG', 'SK_WAIT_DATA', 'SEGMENT_ARRIVES', 'SEGMENT_ARRIVES']);
    const c = lastContext(t);
    expect(c.ucopyLen).toBeLessThan(0);
    expect(c.overrun).toBeGreaterThan(0);
  });
});

describe('tcp-dma: the witnesses of the seed\'s situations', () => {
  test('the early copy stops on PSH after 3 steps, at ucopy.len == 0 after 4, on receive memory after 5', () => {
    expect(traceOf('net-dma-drain-on-fallback', 'earlyCopyStopsOnPsh').steps).toHaveLength(3);
    expect(traceOf('net-dma-drain-on-fallback', 'earlyCopyStopsAtUcopyLenZero').steps).toHaveLength(4);
    const rmem = traceOf('net-dma-drain-on-fallback', 'earlyCopyStopsOnReceiveMemory');
    expect(rmem.steps).toHaveLength(5);
    // The skb the copy loop DMA-copied is still charged while it waits for its cookie: that is what passes rcvbuf/2.
    expect(lastContext(rmem).asyncWait.some((a: { charged: boolean }) => a.charged)).toBe(true);
  });

  test('with data already queued, the read skips DMA and copies with the CPU (5 steps)', () => {
    const t = traceOf('net-dma-drain-on-fallback', 'noDmaBecauseDataWasThere');
    expect(types(t)).toEqual(['SEGMENT_ARRIVES', 'RECVMSG', 'COPY_SKB', 'BREAK', 'RETURN']);
    expect(lastContext(t).ubuf[0]).toBe('0:cpu');
  });
});

describe('tcp-dma: every counterexample explains itself in the kernel\'s terms', () => {
  const messageOf = (variant: string, property: string): string => {
    const r = resultFor(variant);
    const v = r.kind === 'violated' ? r.violations.find((x) => x.property === property) : undefined;
    if (!v) throw new Error(`${variant} does not violate ${property}`);
    return v.message;
  };

  test('the 2.6.32.2 hang: charged skbs on sk_async_wait_queue fill sk_rcvbuf, so the window stays 0', () => {
    expect(messageOf('net-dma-2.6.32.2', 'blockingReadReturns')).toMatch(
      /never reaching its goal: the reader sleeps in sk_wait_data with copied 2 of target 3 units, and the receive window is 0 because charged skbs fill sk_rcvbuf: 3 of its 3 units are charged, by the skb at seq 0 \(2 units, truesize 3\) on sk_async_wait_queue, whose DMA copy \(cookie 1\) was never issued: .*; so the sender cannot send the 1 unit the reader still waits for$/,
    );
  });

  test('free-skbs-periodically: the copy completed but the sleeping reader never frees its skb', () => {
    expect(messageOf('net-dma-free-skbs-periodically', 'blockingReadReturns')).toMatch(
      /3 of its 3 units are charged, by the skb at seq 0 \(2 units, truesize 3\) on sk_async_wait_queue, whose DMA copy completed, but only the reader frees it \(tcp_service_net_dma\)/,
    );
  });

  test('everyCookieCompletes: the descriptor below ioat_pending_level is never issued', () => {
    expect(messageOf('net-dma-2.6.32.2', 'everyCookieCompletes')).toMatch(
      /: cookie 1 \(copy-loop DMA of the skb at seq 0 into units 0–1\) was never handed to the engine: 1 descriptor pending is not more than ioat_pending_level 1/,
    );
  });

  test('the fork: unit 0 is lost to the stale pinned frame, unit 1 was copied by the CPU', () => {
    const m = messageOf('net-dma-2.6.32.2', 'userBufferHoldsTheStream');
    expect(m).toMatch(/violated after 5 steps: in the 3-unit user buffer \(2 KiB units\), unit 0 \(stream offset 0\) is lost: the early DMA copy \(cookie 1\) writes it into the pinned frame of page 0, which the application stopped mapping when the CPU copy into unit 1 took a copy-on-write fault after the fork/);
    expect(m).toMatch(/unit 1 \(stream offset 1\) was copied by the CPU, which the application sees through its new frame of page 0; unit 2 is not yet written$/);
  });

  test('the seeded bugs name their failing clause and values', () => {
    expect(messageOf('return-before-cookies', 'returnsOnlyAfterEveryCookie')).toMatch(/: tcp_recvmsg returned 1 with 1 DMA copy outstanding: cookie 1 \(early copy of the skb at seq 0 into unit 0, issued\)$/);
    expect(messageOf('return-before-cookies', 'skbHeldUntilCopied')).toMatch(/: the skb at seq 0 was freed .* while cookie 1 .* still reads it$/);
    expect(messageOf('return-before-cookies', 'pinnedFromDecisionToExit')).toMatch(/: the pages are unpinned while cookie 1 .* still writes them/);
    expect(messageOf('unpin-twice', 'pinnedFromDecisionToExit')).toMatch(/: dma_unpin_iovec_pages ran 2 times for one dma_pin_iovec_pages/);
    expect(messageOf('dma-at-copybreak', 'dmaOnlyWhenEligible')).toMatch(/although len 2 units is not above tcp_dma_copybreak 2$/);
    expect(messageOf('dma-with-peek', 'dmaOnlyWhenEligible')).toMatch(/although the read is MSG_PEEK$/);
    expect(messageOf('dma-ignores-low-latency', 'dmaOnlyWhenEligible')).toMatch(/although sysctl_tcp_low_latency is set$/);
    expect(messageOf('early-copy-unverified', 'dmaOnlyWhenEligible')).toMatch(/neither the NIC nor software verified the checksum of the skb at seq 0 that cookie 1 copies$/);
    expect(messageOf('early-copy-past-ucopy-len', 'earlyCopyInOrderWithinUcopyLen')).toMatch(/: ucopy.len is -1: .*; cookie 2 \(early copy of the skb at seq 2 into units 2–3, issued\) reaches past the 3-unit buffer$/);
    expect(messageOf('early-copy-out-of-order', 'earlyCopyInOrderWithinUcopyLen')).toMatch(/: cookie 2 \(early copy of the skb at seq 3 into unit 1, issued\) is out of order: .* while the skb at seq 1 waits on sk_receive_queue$/);
    expect(messageOf('early-copy-out-of-order', 'userBufferHoldsTheStream')).toMatch(/: unit 1 holds stream offset 3, not 1: the buffer's units hold stream offsets 0, 3/);
  });
});
