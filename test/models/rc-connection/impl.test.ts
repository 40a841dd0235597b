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
import { IpoibReceiver } from '../../../src/impl/rc-connection/ipoib-rx.js';
import { KERNEL_2008 } from '../../../models/rc-connection/behaviour.js';

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

  test('the copybreak threshold: byte_len 255 (payload 251) is copied, byte_len 256 (payload 252) takes the replacement path', () => {
    const rx = new IpoibReceiver(2, 256, KERNEL_2008);
    const small = payloadBytes(3, 0, 251);
    const large = payloadBytes(3, 1, 252);
    expect(rx.arrive(frameOf(small), 0, 0x48)).toBe(true);
    expect(rx.cq[0].byteLen).toBe(255);
    expect(rx.poll(false)).toBe('small');
    // Copied and reposted in the same step: the buffer is back on the SRQ, nothing is held.
    expect(rx.busy).toBeNull();
    expect(rx.srq.posted).toEqual([1, 0]);
    expect(rx.arrive(frameOf(large), 1, 0x48)).toBe(true);
    expect(rx.cq[0].byteLen).toBe(256);
    expect(rx.poll(false)).toBe('large');
    // The buffer stays off the SRQ until its replacement is posted.
    expect(rx.busy?.kind).toBe('replacing');
    expect(rx.srq.posted).toEqual([0]);
    rx.refill();
    expect(rx.socket.map((d) => [d.seq, d.path, d.payload.length])).toEqual([[0, 'copybreak', 251], [1, 'replacement', 252]]);
    expect(rx.socket[0].payload).toEqual(small);
    expect(rx.socket[1].payload).toEqual(large);
  });

  test('a failed post at the repost: label loses the buffer on every path: after a copy, an allocation failure, a replacement', () => {
    const rx = new IpoibReceiver(4, 256, KERNEL_2008);
    for (let seq = 0; seq < 3; seq++) rx.arrive(frameOf(payloadBytes(4, seq, seq === 0 ? 100 : 1000)), seq, 0x48);
    expect(rx.poll(false, true)).toBe('small'); // copybreak copy, then the repost fails
    expect(rx.poll(false)).toBe('large');
    rx.allocFail(true); // packet dropped, and the old buffer's repost fails
    expect(rx.poll(false)).toBe('large');
    rx.refill(true); // delivered, and the replacement's post fails
    expect(rx.srq.lost).toBe(3);
    expect(rx.srq.posted).toEqual([3]);
    expect(rx.socket.map((d) => d.seq)).toEqual([0, 2]);
    expect(rx.stats).toEqual({ rxPackets: 2, rxDropped: 1 });
  });
});
