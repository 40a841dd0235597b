/**
 * The cm-checksum simulation: deterministic, priced from the machine's
 * treatment, its throughput bound failing exactly where a bug loses
 * packets, and its per-byte figures adding up to the cost model's terms.
 */
import { describe, expect, test } from 'vitest';
import { spec } from '../../../models/cm-checksum/index.js';
import { variants } from '../../../models/cm-checksum/variants.js';
import { negotiate } from '../../../src/sim/cm-checksum/negotiate.js';
import { runStream, rxNsPerByte } from '../../../src/sim/cm-checksum/stream.js';
import { bulkSegments, MSS } from '../../../src/sim/cm-checksum/traffic.js';
import { xeonE5v2_2014 } from '../../../src/sim/hosts/xeon-e5v2-2014.js';
import { ibQdr4x } from '../../../src/sim/hosts/ib-qdr-4x.js';
import { checksumNs, copyNs } from '../../../src/sim/cost-model.js';
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

  test('per byte, verifying in a separate pass costs exactly the checksum over the segment; folded, only what the checksum exceeds the copy by', () => {
    const h = xeonE5v2_2014;
    const trusted = negotiate(b('ib-crc-negotiation'), 'on', 'on');
    const verified = negotiate(b('ib-crc-negotiation'), 'on', 'old');
    for (const n of [1024, 9000, MSS]) {
      const skip = rxNsPerByte(h, ibQdr4x, trusted, 'separate-pass', n);
      expect(rxNsPerByte(h, ibQdr4x, verified, 'separate-pass', n) - skip).toBeCloseTo(checksumNs(h, n + HEADERS) / n, 9);
      expect(rxNsPerByte(h, ibQdr4x, verified, 'folded-into-copy', n) - skip).toBeCloseTo(Math.max(0, checksumNs(h, n + HEADERS) - copyNs(h, n)) / n, 9);
    }
  });

  test('deterministic for a seed, and the report carries the stream, allocation and cost-of-design tables', () => {
    const one = spec.simulation!.run({ seed: 3 });
    expect(spec.simulation!.run({ seed: 3 })).toEqual(one);
    expect(one.tables.map((t) => t.title)).toEqual([
      expect.stringMatching(/^A bulk TCP stream/),
      expect.stringMatching(/^64 KB-MTU packet buffers/),
      expect.stringMatching(/^The cost of the design, on bytes/),
      expect.stringMatching(/^The cost of the design, in the machine/),
    ]);
    expect(one.plots).toHaveLength(2);
    const alloc = one.tables[1];
    expect(alloc.rows.map((r) => r[4] as number)[0]).toBeGreaterThan(0);
    expect(alloc.rows[1][6]).toBe(0);
  });

  test('a variant restricts the stream table to that variant', () => {
    const r = spec.simulation!.run({ seed: 1, variant: 'bug-gateway-no-regenerate' });
    expect(new Set(r.tables[0].rows.map((row) => row[1]))).toEqual(new Set(['bug-gateway-no-regenerate']));
  });
});
