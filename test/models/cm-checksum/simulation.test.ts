/**
 * The cm-checksum simulation: deterministic, priced from the machine's
 * treatment, its throughput bound failing exactly where a bug loses
 * packets, and its per-byte figures adding up to the cost model's terms.
 */
import { describe, expect, test } from 'vitest';
import { spec } from '../../../models/cm-checksum/index.js';
import { variants } from '../../../models/cm-checksum/variants.js';
import { negotiate } from '../../../src/sim/cm-checksum/negotiate.js';
import { sensitivity } from '../../../src/sim/cm-checksum/sensitivity.js';
import { foldedChecksumNs } from '../../../src/sim/cm-checksum/costs.js';
import { detectionRates } from '../../../properties/cm-checksum/detection-rates.js';
import { runStream, rxNsPerByte } from '../../../src/sim/cm-checksum/stream.js';
import { bulkSegments, MSS } from '../../../src/sim/cm-checksum/traffic.js';
import { xeonE5v2_2014 } from '../../../src/sim/hosts/xeon-e5v2-2014.js';
import { ibQdr4x } from '../../../src/sim/hosts/ib-qdr-4x.js';
import { checksumNs } from '../../../src/sim/cost-model.js';
import { HEADERS } from '../../../src/impl/cm-checksum/tcp-ip.js';
import { deliversAtSlowestResourceRate } from '../../../properties/cm-checksum/throughput.js';

const b = (name: string) => variants.find((v) => v.name === name)!.behaviour;
const SIZES = bulkSegments(7, 32 * 2 ** 20, 2 ** 20);

describe('cm-checksum simulation', () => {
  test('the treatment is the machine\'s: skip and trust only when both ends are capable', () => {
    expect(negotiate(b('ib-crc-negotiation'), 'on', 'on')).toMatchObject({ connected: true, skip: true, trust: true, fate: 'delivered' });
    expect(negotiate(b('ib-crc-negotiation'), 'on', 'old')).toMatchObject({ connected: true, skip: false, trust: false, fate: 'delivered' });
    expect(negotiate(b('ib-crc-negotiation'), 'off', 'on')).toMatchObject({ skip: false, trust: false, features: { ipCsum: false, sg: false } });
    expect(negotiate(b('bug-skip-on-own-capability'), 'on', 'old')).toMatchObject({ skip: true, trust: false, fate: 'dropped-csum' });
    expect(negotiate(b('bug-reject-peer-without-capability'), 'on', 'old')).toMatchObject({ connected: false, fate: null });
  });

  test('the throughput bound holds for every correct pair of ends and fails where a bug loses the stream', () => {
    for (const [variant, capA, capB] of [
      ['ib-crc-negotiation', 'on', 'on'],
      ['ib-crc-negotiation', 'on', 'old'],
      ['ib-crc-negotiation', 'old', 'on'],
      ['upstream-2008', 'old', 'old'],
    ] as const) {
      for (const v of ['separate-pass', 'folded-into-copy'] as const) {
        const r = runStream(xeonE5v2_2014, ibQdr4x, negotiate(b(variant), capA, capB), v, SIZES);
        expect(deliversAtSlowestResourceRate.holds(r), `${variant} ${capA}/${capB} ${v}`).toBe(true);
        expect(r.deliveredBytes).toBe(r.payloadBytes);
      }
    }
    const skipToOld = runStream(xeonE5v2_2014, ibQdr4x, negotiate(b('bug-skip-on-own-capability'), 'on', 'old'), 'separate-pass', SIZES);
    expect(skipToOld.deliveredBytes).toBe(0);
    expect(deliversAtSlowestResourceRate.holds(skipToOld)).toBe(false);
    const refused = runStream(xeonE5v2_2014, ibQdr4x, negotiate(b('bug-reject-peer-without-capability'), 'on', 'old'), 'separate-pass', SIZES);
    expect(refused.bottleneck).toBe('no connection');
    expect(deliversAtSlowestResourceRate.holds(refused)).toBe(false);
  });

  test('per byte, verifying in a separate pass costs exactly the checksum over the segment; folded, what the one loop costs beyond a plain copy', () => {
    const h = xeonE5v2_2014;
    const trusted = negotiate(b('ib-crc-negotiation'), 'on', 'on');
    const verified = negotiate(b('ib-crc-negotiation'), 'on', 'old');
    for (const n of [1024, 9000, MSS]) {
      const skip = rxNsPerByte(h, ibQdr4x, trusted, 'separate-pass', n);
      expect(rxNsPerByte(h, ibQdr4x, verified, 'separate-pass', n) - skip).toBeCloseTo(checksumNs(h, n + HEADERS) / n, 9);
      expect(rxNsPerByte(h, ibQdr4x, verified, 'folded-into-copy', n) - skip).toBeCloseTo(foldedChecksumNs(h, n) / n, 9);
    }
    // The folded loop is slower than a plain copy and faster than a copy followed by a checksum pass.
    expect(h.csumCopyBytesPerNs).toBeLessThan(h.memcpyBytesPerNs);
    expect(1 / h.csumCopyBytesPerNs).toBeLessThan(1 / h.memcpyBytesPerNs + 1 / h.csumBytesPerNs);
  });

  test('sensitivity: folding free makes the skip worthless on the folded path; no overlap makes folding no better than a separate pass', () => {
    const rows = sensitivity(SIZES.slice(0, 200));
    const row = (prefix: string) => rows.find((r) => r.label.startsWith(prefix))!;
    expect(row('folding free').foldedRx - row('folding free').trustedRx).toBeLessThan(0.001);
    expect(row('no overlap').foldedRx).toBeCloseTo(row('no overlap').separateRx, 3);
    // The trusted path has no checksum at all: no rate changes it.
    expect(new Set(rows.map((r) => r.trustedRx.toFixed(6))).size).toBe(1);
    // A slower checksum can only slow the verified paths.
    expect(row('DRAM-fed checksum (').separateRx).toBeGreaterThan(row('this host').separateRx);
  });

  test('measured detection: wire corruption never reaches an application; memory corruption does exactly when the checksum was skipped', () => {
    for (const r of detectionRates(11, 12)) {
      expect(Object.values(r.caught).reduce((a, x) => a + x, 0)).toBe(r.corruptions);
      const trusted = r.mode === 'trusted' || r.mode === 'forwarded-trusted';
      if (r.at === 'link' || r.at === 'switch') expect(r.caught['accepted-corrupt'], `${r.mode} ${r.at}`).toBe(0);
      else if (!trusted) expect(r.caught['accepted-corrupt'], `${r.mode} ${r.at}`).toBe(0);
      else expect(r.caught['accepted-corrupt'], `${r.mode} ${r.at}`).toBeGreaterThan(r.corruptions / 2);
    }
  });

  test('deterministic for a seed, and the report carries the stream, sensitivity, detection, allocation and cost-of-design tables', () => {
    const one = spec.simulation!.run({ seed: 3 });
    expect(spec.simulation!.run({ seed: 3 })).toEqual(one);
    expect(one.tables.map((t) => t.title)).toEqual([
      expect.stringMatching(/^A bulk TCP stream/),
      expect.stringMatching(/^Sensitivity/),
      expect.stringMatching(/^Measured detection/),
      expect.stringMatching(/^The sender's skb for a full 64 KB-MTU segment/),
      expect.stringMatching(/^The cost of the design, on bytes/),
      expect.stringMatching(/^The cost of the design, in the machine/),
    ]);
    expect(one.plots).toHaveLength(2);
    const alloc = one.tables[3];
    expect(alloc.rows.map((r) => r[4] as number)[0]).toBeGreaterThan(0);
    expect(alloc.rows[1][6]).toBe(0);
  });

  test('a variant restricts the stream table to that variant', () => {
    const r = spec.simulation!.run({ seed: 1, variant: 'bug-gateway-no-regenerate' });
    expect(new Set(r.tables[0].rows.map((row) => row[1]))).toEqual(new Set(['bug-gateway-no-regenerate']));
  });
});
