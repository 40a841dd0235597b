/**
 * The reference implementation's parts on their own: the ring layout and
 * 16-bit indices, the device's header, the kernel's size arithmetic, the
 * missing-buffer path with a faulty device, and a check that the lockstep
 * comparison can fail (a machine of one version against the bytes of another).
 */
import { describe, expect, test } from 'vitest';
import { fc } from '@fast-check/vitest';
import {
  MIN_RX_LEN,
  NSKB_TRUESIZE,
  NUM_BUFFERS_OFFSET,
  VNET_HDR_MRG_LEN,
  align,
  buildSkbSize,
  ewmaAdd,
  headSkbTruesize,
  mergeableBufLen,
} from '../../../models/virtqueue-rx/kernel.js';
import {
  FRAG_LIST_SKB_TRUESIZE,
  HDR_MRG,
  NUM_BUFFERS_AT,
  SHORT_PACKET,
  buildSkbBytes,
  copySkbTruesize,
  ewmaAddSample,
  ewmaBufferLen,
} from '../../../src/impl/virtqueue-rx/sizes.js';
import { variants, V3_13, DALTON_2613AF0E } from '../../../models/virtqueue-rx/variants.js';
import { params, type VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import { checkParams, defaultParams } from '../../../src/model/params.js';
import { VirtnetRx, VringLayout } from '../../../src/impl/virtqueue-rx/index.js';
import { RxHarness } from '../../../properties/virtqueue-rx/harness.js';
import { LockstepDivergence, RxCommand } from '../../../properties/virtqueue-rx/commands.js';
import { frameBytes } from '../../../src/traffic/ethernet-frames.js';

const kernel: VirtqueueRxParams = { ...defaultParams(params), ringSize: 8, startIndex: 65534 };

describe('virtqueue-rx implementation parts', () => {
  test('kernel arithmetic: MERGE_BUFFER_LEN, the 3.14 buffer length range, ewma_add, build_skb size', () => {
    const p = defaultParams(params);
    // MERGE_BUFFER_LEN = ALIGN(GOOD_PACKET_LEN + sizeof(virtio_net_hdr_mrg_rxbuf), L1_CACHE_BYTES).
    expect(p.mergeBufferLen).toBe(align(p.goodPacketLen + VNET_HDR_MRG_LEN, 64));
    expect(mergeableBufLen(p, 0)).toBe(1536);
    expect(mergeableBufLen(p, 1514)).toBe(1536);
    expect(mergeableBufLen(p, 1700)).toBe(1792);
    expect(mergeableBufLen(p, 65549)).toBe(4096);
    expect(ewmaAdd(0, 4500)).toBe(4500);
    expect(ewmaAdd(4500, 60)).toBe(Math.floor((4500 * 63 + 60) / 64));
    expect(buildSkbSize(1526)).toBe(1536 + 320);
  });

  test('vring layout: used ring at the next 4096 boundary; indices wrap at 65536', () => {
    const r = new VringLayout(256);
    expect(r.availOff).toBe(4096);
    expect(r.usedOff).toBe(8192);
    r.usedIdx = 65535;
    r.usedIdx = r.usedIdx + 1;
    expect(r.usedIdx).toBe(0);
  });

  test('the device writes the 12-byte header with num_buffers and the frame across buffers, across the wrap', () => {
    const rx = new VirtnetRx(V3_13, kernel);
    rx.open();
    const frame = frameBytes(4000, 7);
    expect(rx.deviceRx(frame)).toBe(3);
    expect(rx.ring.usedIdx).toBe(1);
    const head = rx.vq.tokenOf(rx.ring.usedId(65534 & 7))!;
    const hdr = new DataView(rx.mem.bytes(head.page).buffer, head.offset, 12);
    expect(hdr.getUint16(NUM_BUFFERS_OFFSET, true)).toBe(3);
    rx.receive();
    expect(rx.vq.lastUsedIdx).toBe(1);
    expect(rx.read()).toEqual(frame);
  });

  test('missing buffer: a device that publishes 1 of 3 entries makes 3.13 drop the packet (rx_length_errors and err_buf\'s rx_dropped), not fault', () => {
    const rx = new VirtnetRx(V3_13, kernel);
    rx.open();
    rx.device.publishShort = 1;
    expect(rx.deviceRx(frameBytes(4000, 9))).toBe(3);
    expect(rx.receive()).toBeNull();
    expect(rx.stats).toMatchObject({ rxLengthErrors: 1, rxDropped: 1 });
    // One frame, counted in two statistics, is one drop.
    expect(rx.dropped).toBe(1);
    expect(rx.sock).toHaveLength(0);
    const v312 = new VirtnetRx(variants.find((v) => v.name === 'v3.12')!.behaviour, kernel);
    v312.open();
    v312.device.publishShort = 1;
    v312.deviceRx(frameBytes(6000, 9));
    v312.receive();
    // ≤3.12 returns -EINVAL from receive_mergeable: rx_length_errors only.
    expect(v312.stats).toMatchObject({ rxLengthErrors: 1, rxDropped: 0 });
  });

  test('coalescing without its truesize (seeded): a 64 KiB frame in 32 KiB pages is charged less than its length', () => {
    const charged = (b: typeof V3_13) => {
      const rx = new VirtnetRx(b, { ...kernel, ringSize: 64 });
      rx.open();
      rx.deviceRx(frameBytes(65549, 5));
      return rx.receive()!;
    };
    const ok = charged(V3_13);
    expect(ok.truesize).toBeGreaterThanOrEqual(ok.len);
    const bug = charged(variants.find((v) => v.name === 'coalesce-not-charged')!.behaviour);
    expect(bug.len).toBe(65549);
    expect(bug.truesize).toBeLessThan(bug.len);
  });

  test('the implementation\'s own size arithmetic agrees with the model\'s', () => {
    const p = defaultParams(params);
    for (let len = 24; len <= 4096; len += 7) expect(buildSkbBytes(len)).toBe(buildSkbSize(len));
    for (let avg = 0; avg <= 70000; avg += 97) expect(ewmaBufferLen(avg, p)).toBe(mergeableBufLen(p, avg));
    let a = 0;
    let b = 0;
    for (const v of [4500, 60, 60, 65549, 1514, 1514, 60]) {
      a = ewmaAddSample(a, v);
      b = ewmaAdd(b, v);
      expect(a).toBe(b);
    }
    expect(copySkbTruesize(128)).toBe(headSkbTruesize(128));
    expect(FRAG_LIST_SKB_TRUESIZE).toBe(NSKB_TRUESIZE);
    expect([HDR_MRG, NUM_BUFFERS_AT, SHORT_PACKET]).toEqual([VNET_HDR_MRG_LEN, NUM_BUFFERS_OFFSET, MIN_RX_LEN]);
  });

  test('2613af0e: an MTU frame needs two 1518-byte pieces, because the 12-byte header was not counted', () => {
    const rx = new VirtnetRx(DALTON_2613AF0E, kernel);
    rx.open();
    expect(rx.deviceRx(frameBytes(1514, 3))).toBe(2);
    const v313 = new VirtnetRx(V3_13, kernel);
    v313.open();
    expect(v313.deviceRx(frameBytes(1514, 3))).toBe(1);
  });

  test('lockstep can fail: a 3.13 machine against 2613af0e bytes diverges at the first refill', () => {
    const p: VirtqueueRxParams = { ...checkParams(params), packets: 100, oomBudget: 100 };
    const h = new RxHarness(V3_13, p, true);
    // Swap in an implementation of another version behind the same machine.
    (h as unknown as { rx: VirtnetRx }).rx = new VirtnetRx(DALTON_2613AF0E, p);
    const open = new RxCommand({ type: 'OPEN' });
    expect(() => open.run({ h }, h)).toThrow(LockstepDivergence);
  });

  test('every variant\'s implementation settles with nothing left on generated single frames', () => {
    fc.assert(
      fc.property(fc.integer({ min: 18, max: 65549 }), fc.integer(), (len, seed) => {
        for (const v of variants.filter((x) => x.kind !== 'bug')) {
          const h = new RxHarness(v.behaviour, { ...kernel, ringSize: 64 }, false);
          h.apply({ type: 'OPEN' });
          h.apply({ type: 'DEVICE_RX', len }, frameBytes(len, seed));
          const left = h.settle();
          expect(left.unconsumed).toBe(0);
          expect(h.oracle.readCount).toBe(1);
        }
      }),
      { seed: 3, numRuns: 40 },
    );
  });
});
