/**
 * The cost model's bounds: each holds on the seed's configuration and fails
 * on a variant that removes what the bound depends on. The seed's throughput
 * ordering is not reproduced by the model; that gap is asserted too, so a
 * change that closes it shows up here and in the report.
 */
import { describe, expect, test } from 'vitest';
import {
  SEED_COPY_SHARE,
  SEED_THROUGHPUT_MBIT,
  copyShareOrderingMatchesSeed,
  dmaCrossoverAtLeastAPage,
  receiveBoundedByItsCopy,
  throughputOrderingMatchesSeed,
} from '../../../properties/tcp-dma/bounds.js';
import { latencyCrossoverBytes } from '../../../src/sim/tcp-dma/crossover.js';
import { SEED_HOSTS, quadrics, seedRuns, type SeedResults } from '../../../src/sim/tcp-dma/experiments.js';
import { spec } from '../../../models/tcp-dma/index.js';

const [ppc, xeon] = SEED_HOSTS;
const runs = new Map(SEED_HOSTS.map((h) => [h, seedRuns(h) as SeedResults]));
const triple = (r: SeedResults, f: (x: SeedResults['off']) => number) => ({ off: f(r.off), on: f(r.on), onRcvlowat: f(r['on+rcvlowat']) });

describe('tcp-dma cost model: the seed\'s experiment', () => {
  test('the CPU share spent copying falls off > on > on+rcvlowat on both hosts, as in the seed', () => {
    expect(copyShareOrderingMatchesSeed(SEED_COPY_SHARE).holds).toBe(true);
    for (const [h, r] of runs) {
      const v = copyShareOrderingMatchesSeed(triple(r, (x) => x.copyShare));
      expect(v.holds, `${h.profile.host.name}: ${v.detail}`).toBe(true);
    }
  });

  test('fails when NET_DMA never engages: iperf\'s default 128 KB reads under ioat3\'s 256 KB copybreak', () => {
    const r = seedRuns(xeon, { readBytes: 128 * 1024 }) as SeedResults;
    expect(r.on.pinnedReads + r['on+rcvlowat'].pinnedReads).toBe(0);
    expect(copyShareOrderingMatchesSeed(triple(r, (x) => x.copyShare)).holds).toBe(false);
  });

  test('the seed\'s throughput ordering (930 > 890 > 874) is not reproduced: a known gap, explained in the findings', () => {
    expect(throughputOrderingMatchesSeed(SEED_THROUGHPUT_MBIT).holds).toBe(true);
    const p = runs.get(ppc)!;
    // On the seed's host class only the raised sk_rcvlowat costs throughput; the target-1 run keeps the link full.
    expect(p['on+rcvlowat'].mbitPerSec).toBeLessThan(p.off.mbitPerSec);
    expect(throughputOrderingMatchesSeed(triple(p, (x) => x.mbitPerSec)).holds).toBe(false);
    expect(throughputOrderingMatchesSeed(triple(runs.get(xeon)!, (x) => x.mbitPerSec)).holds).toBe(false);
  });
});

describe('tcp-dma cost model: the DMA/CPU crossover', () => {
  test('DMA beats the CPU copy only at or above a page on both hosts', () => {
    for (const h of SEED_HOSTS) {
      const { host, dma, path } = h.profile;
      const v = dmaCrossoverAtLeastAPage(latencyCrossoverBytes(host, dma!, path), path.pageBytes);
      expect(v.holds, `${host.name}: ${v.detail}`).toBe(true);
    }
  });

  test('fails for an engine that costs only a doorbell and a completion in cache', () => {
    const { host, dma, path } = xeon.profile;
    const doorbell = { ...dma!, setupNs: 50, completionNs: 100, bytesPerNs: 10 };
    const v = dmaCrossoverAtLeastAPage(latencyCrossoverBytes(host, doorbell, path), path.pageBytes);
    expect(v.holds).toBe(false);
  });
});

describe('tcp-dma cost model: seed 001, zero-copy transmit against one-copy receive', () => {
  test('receive is bounded below transmit by its copy on the 3.2 Gbit/s Quadrics link', () => {
    const q = quadrics();
    const v = receiveBoundedByItsCopy(q);
    expect(v.holds, v.detail).toBe(true);
    expect(q.txGbps).toBeLessThan(q.linkGbps); // CPU-bound, not link-bound
  });

  test('fails for a receive path without the copy', () => {
    expect(receiveBoundedByItsCopy(quadrics('no-copy')).holds).toBe(false);
  });
});

describe('tcp-dma cost model: the report', () => {
  test('rxspec simulate tcp-dma prints the seed\'s figures beside the simulated ones, and the bounds', () => {
    const r = spec.simulation!.run({ seed: 1 });
    const seed = r.tables[0];
    expect(seed.rows.map((row) => row.slice(0, 3))).toEqual([
      ['off', 930, '36.1%'],
      ['on', 890, '33.5%'],
      ['on+rcvlowat', 874, '25.1%'],
    ]);
    const bounds = r.tables.find((t) => t.title === 'Bounds')!;
    expect(bounds.rows.length).toBe(9);
    expect(r.findings.length).toBeGreaterThan(4);
  });
});
