/**
 * The reference implementation's buffers on real bytes: the geometry from
 * ipoib.h, the HCA's scatter across head and pages, the copybreak copy out
 * of the head, and the replacement that sends the old memory up the stack
 * and keeps the unused pages.
 */
import { describe, expect, test } from 'vitest';
import { IPOIB_CM_BUF_SIZE, IPOIB_CM_HEAD_SIZE, IPOIB_CM_RX_SG, PAGE_SIZE } from '../../../src/impl/rc-connection/constants.js';
import { linearize, RxBuffer } from '../../../src/impl/rc-connection/rx-buffer.js';
import { frameOf, payloadBytes } from '../../../src/impl/rc-connection/skb.js';
import { Srq } from '../../../src/impl/rc-connection/srq.js';

describe('rc-connection implementation: receive buffers', () => {
  test('geometry: a 4084-byte head and 15 pages hold IPOIB_CM_BUF_SIZE = 65524 bytes', () => {
    expect(IPOIB_CM_HEAD_SIZE).toBe(4084);
    expect(IPOIB_CM_RX_SG).toBe(16);
    expect(IPOIB_CM_HEAD_SIZE + (IPOIB_CM_RX_SG - 1) * PAGE_SIZE).toBe(IPOIB_CM_BUF_SIZE);
  });

  test('a frame scattered by the HCA reads back byte for byte, across head and pages', () => {
    for (const n of [1, 251, 4080, 4081, 9000, IPOIB_CM_BUF_SIZE - 4]) {
      const frame = frameOf(payloadBytes(7, n, n));
      const b = RxBuffer.fresh();
      b.scatter(frame);
      expect(linearize(b.segments(frame.length))).toEqual(frame);
      expect(b.segments(frame.length)).toHaveLength(1 + RxBuffer.fragsFor(frame.length));
    }
  });

  test('the copybreak copy reads the head only, and is a copy', () => {
    const b = RxBuffer.fresh();
    const frame = frameOf(payloadBytes(1, 0, 100));
    b.scatter(frame);
    const copy = b.copyFromHead(frame.length);
    b.scatter(frameOf(payloadBytes(1, 1, 100)));
    expect(copy).toEqual(frame);
    expect(() => b.copyFromHead(IPOIB_CM_HEAD_SIZE + 1)).toThrow(/linear head only/);
  });

  test('the replacement takes new memory for the used segments and keeps the unused pages', () => {
    const b = RxBuffer.fresh();
    const frame = frameOf(payloadBytes(2, 0, 9000));
    b.scatter(frame);
    const frags = RxBuffer.fragsFor(frame.length);
    expect(frags).toBe(2);
    const r = b.replacement(frags);
    expect(r.head).not.toBe(b.head);
    expect(r.pages.slice(0, frags).every((p, i) => p !== b.pages[i])).toBe(true);
    expect(r.pages.slice(frags).every((p, i) => p === b.pages[frags + i])).toBe(true);
    // The HCA writing into the replacement leaves the delivered bytes alone.
    const up = b.segments(frame.length);
    r.scatter(frameOf(payloadBytes(2, 1, 9000)));
    expect(linearize(up)).toEqual(frame);
  });

  test('the SRQ hands out the oldest posted buffer; a failed post loses the slot for good', () => {
    const srq = new Srq(2);
    expect(srq.take()).toBe(0);
    expect(srq.post(0, true)).toBe(false);
    expect(srq.ring[0]).toBeNull();
    expect(srq.lost).toBe(1);
    expect(srq.take()).toBe(1);
    expect(srq.take()).toBeUndefined();
    expect(() => srq.post(0)).toThrow(/no buffer/);
  });
});
