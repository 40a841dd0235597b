/**
 * The simulation's figures come from the implementation's accounting and the
 * kernel's arithmetic, and the accounting bounds hold or fail per version as
 * the seed's argument says. No timing is asserted.
 */
import { describe, expect, test } from 'vitest';
import { account } from '../../../src/sim/virtqueue-rx/accounting.js';
import { SIM_VERSIONS, simulation } from '../../../src/sim/virtqueue-rx/index.js';
import { ewmaSeries } from '../../../src/sim/virtqueue-rx/ewma.js';
import { params } from '../../../models/virtqueue-rx/params.js';
import { defaultParams } from '../../../src/model/params.js';
import { mtuTruesizeWithinTwiceLen, ringHoldsEightGsoPackets } from '../../../properties/virtqueue-rx/bounds.js';

const kernel = { ...defaultParams(params), ringSize: 256 };
const version = (n: string) => SIM_VERSIONS.find((v) => v.name === n)!.b;
const mtu = (n: string) => account(version(n), kernel, new Array(200).fill(1514), 5).slice(50);
const gso = (n: string) => account(version(n), kernel, new Array(40).fill(65549), 5).slice(5);

describe('virtqueue-rx simulation', () => {
  test('MTU-frame truesize is the kernel arithmetic: 768-byte head skb plus the charge per buffer', () => {
    expect(mtu('v3.12')[0]).toMatchObject({ truesize: 768 + 4096, buffers: 1 });
    expect(mtu('2613af0e')[0]).toMatchObject({ truesize: 768 + 2 * 1518, buffers: 2 });
    expect(mtu('v3.13')[0]).toMatchObject({ truesize: 768 + 1536, buffers: 1 });
    expect(mtu('build-skb')[0]).toMatchObject({ truesize: 1856 + 256, held: 4096 + 256 });
  });

  test('64 KiB GSO: 17 pages, 44 pieces of 1518, 43 of 1536 coalesced into a few frags', () => {
    expect(gso('v3.12')[0]).toMatchObject({ buffers: 17, frags: 17, fragListSkbs: 0 });
    expect(gso('2613af0e')[0]).toMatchObject({ buffers: 44, frags: 44, fragListSkbs: 2 });
    const v313 = gso('v3.13')[0];
    expect(v313.buffers).toBe(43);
    expect(v313.frags).toBeLessThanOrEqual(4);
  });

  test('accounting bounds: truesize within twice the data fails on 3.12 and 2613af0e, holds from 3.13', () => {
    expect(mtuTruesizeWithinTwiceLen.holds(mtu('v3.12'), 256)).toBe(false);
    expect(mtuTruesizeWithinTwiceLen.holds(mtu('2613af0e'), 256)).toBe(false);
    expect(mtuTruesizeWithinTwiceLen.holds(mtu('v3.13'), 256)).toBe(true);
    expect(mtuTruesizeWithinTwiceLen.holds(mtu('v3.14-ewma'), 256)).toBe(true);
  });

  test('accounting bounds: a ring of at least 8 GSO packets holds with 4 KiB buffers, fails with MTU-sized ones', () => {
    expect(ringHoldsEightGsoPackets.holds(gso('v3.12'), 256)).toBe(true);
    expect(ringHoldsEightGsoPackets.holds(gso('v3.14-ewma'), 256)).toBe(true);
    expect(ringHoldsEightGsoPackets.holds(gso('2613af0e'), 256)).toBe(false);
    expect(ringHoldsEightGsoPackets.holds(gso('v3.13'), 256)).toBe(false);
  });

  test('3.14 EWMA: the first sample sets the average; later ones move it by 1/64', () => {
    expect(ewmaSeries(kernel, 65549, 60, 1)[0][1]).toBe(4096);
    const up = ewmaSeries(kernel, 60, 65549, 50);
    expect(up[49][1]).toBe(1536);
    // From an average of 60: 1083, 2090, 3081, ... so the third GSO packet posts 3328 and the fourth 4096.
    expect(up.slice(50, 54).map(([, len]) => len)).toEqual([1536, 2304, 3328, 4096]);
    const down = ewmaSeries(kernel, 65549, 60, 300);
    const firstSmaller = down.findIndex(([, len], i) => i >= 300 && len < 4096);
    // The average must fall from 65549 below 4084 by factors of 63/64: ln(65549/4084)/ln(64/63) ≈ 176.
    expect(firstSmaller - 300).toBeGreaterThan(150);
    expect(firstSmaller - 300).toBeLessThan(200);
    expect(down[down.length - 1][1]).toBe(1536);
  });

  test('the report is deterministic for a seed and carries every table, the plot and findings', () => {
    const a = simulation.run({ seed: 9 });
    expect(a.tables.map((t) => t.title)).toHaveLength(5);
    expect(a.tables[1].rows.map((r) => r[0])).toContain("v3.13, 4 KiB frag pages");
    expect(a.plots).toHaveLength(1);
    expect(a.findings.length).toBeGreaterThanOrEqual(5);
    const b = simulation.run({ seed: 9 });
    expect(b).toEqual(a);
  });
});
