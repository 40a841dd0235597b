/**
 * The cost model's bounds, each asserted where it holds and where it fails:
 * the copy-share ordering and the mechanism behind it, the throughput
 * ordering the model does not reproduce (with its tolerance), 2.6.32.2's
 * zero-window hang and its fixes, the DMA/CPU crossover by both measures,
 * and seed 001's one-copy bound. Runs are memoised per process, so the
 * report test reuses them.
 */
import { describe, expect, test } from 'vitest';
import {
  THROUGHPUT_TOLERANCE_MBIT,
  copyShareOrderingMatchesSeed,
  dmaCrossoverAtLeastAPage,
  offloadEngages,
  readsKeepFlowing,
  receiveBoundedByItsCopy,
  throughputOrderingMatchesSeed,
  linkPayloadMbit,
  withinLinkPayloadRate,
  copyShareOrderingAcrossSweep,
} from '../../../properties/tcp-dma/bounds.js';
import { everyRun, reportResults } from '../../../src/sim/tcp-dma/report-runs.js';
import { cpuCrossoverBytes, latencyCrossoverBytes } from '../../../src/sim/tcp-dma/crossover.js';
import { FIXED_RUNS, SEED_HOSTS, SEED_RUNS, iperfConfig, quadrics, receiveMemoryOf, runIperf, seedRuns, type SeedResults } from '../../../src/sim/tcp-dma/experiments.js';
import { LATE_FIRST_READ_NS, chargedCapacityBytes, withRam } from '../../../src/sim/tcp-dma/sweeps.js';
import { sysctlRmemMax, totalramPages } from '../../../src/sim/tcp-dma/buffers.js';
import { spec } from '../../../models/tcp-dma/index.js';

const [ppc, xeon] = SEED_HOSTS;
const triple = (r: SeedResults, f: (x: SeedResults['off']) => number) => ({ off: f(r.off), on: f(r.on), onRcvlowat: f(r['on+rcvlowat']) });
const SHORT = { warmupNs: 20e6, durationNs: 40e6 };

describe('tcp-dma cost model: the seed\'s experiment on 2.6.32.2', () => {
  test('the CPU share spent copying falls off > on > on+rcvlowat on both hosts, as in the seed', () => {
    for (const h of SEED_HOSTS) {
      const v = copyShareOrderingMatchesSeed(triple(seedRuns(h), (x) => x.copyShare));
      expect(v.holds, `${h.host.name}: ${v.detail}`).toBe(true);
    }
  });

  test('because the offload engages: NET_DMA runs pin, early-copy and hand bytes to the engine; the CPU-copy run does not', () => {
    for (const h of SEED_HOSTS) {
      const v = offloadEngages(seedRuns(h));
      expect(v.holds, `${h.host.name}: ${v.detail}`).toBe(true);
    }
  });

  test('both fail when NET_DMA never engages: iperf\'s default 128 KB reads under ioat3\'s 256 KB copybreak', () => {
    const r = seedRuns(xeon, { readBytes: 128 * 1024, ...SHORT });
    expect(offloadEngages(r).holds).toBe(false);
    expect(copyShareOrderingMatchesSeed(triple(r, (x) => x.copyShare)).holds).toBe(false);
  });

  test('the ordering needs each step to clear the tolerance: a 0.4 Mbit/s step does not count', () => {
    expect(throughputOrderingMatchesSeed({ off: 941.5, on: 941.1, onRcvlowat: 836.4 }).holds).toBe(false);
    expect(throughputOrderingMatchesSeed({ off: 941.5, on: 941.5 - 2 * THROUGHPUT_TOLERANCE_MBIT, onRcvlowat: 836.4 }).holds).toBe(true);
  });

  test('the throughput ordering is not reproduced: every run keeps the link full, within the tolerance', () => {
    for (const h of SEED_HOSTS) {
      const r = seedRuns(h);
      const v = throughputOrderingMatchesSeed(triple(r, (x) => x.mbitPerSec));
      expect(v.holds, v.detail).toBe(false);
      const rates = SEED_RUNS.map(({ run }) => r[run].mbitPerSec);
      expect(Math.max(...rates) - Math.min(...rates), v.detail).toBeLessThan(THROUGHPUT_TOLERANCE_MBIT);
    }
    // Not for want of the socket lock: segments do wait on the backlog, unACKed, while the reader owns the socket.
    const p = seedRuns(ppc);
    expect(p.on.backlogged).toBeGreaterThan(p.on.reads);
    expect(p['on+rcvlowat'].backlogged).toBeGreaterThan(p['on+rcvlowat'].reads);
  });
});

describe('tcp-dma cost model: sk_rcvbuf from totalram_pages', () => {
  const facts = ppc.buffers!;
  const page = ppc.path.pageBytes;

  test('sk_init compares totalram_pages, not physical pages, with 131072: a 512 MB board is below it, 1 GB above', () => {
    expect(totalramPages(facts, page)).toBeLessThan(131072);
    expect(sysctlRmemMax(facts, page)).toBe(256 * (184 + 256));
    expect(receiveMemoryOf(ppc).rcvbuf).toBe(225280);
    expect(receiveMemoryOf(withRam(ppc, 1024)).rcvbuf).toBe(262142);
    expect(receiveMemoryOf(xeon).rcvbuf).toBe(262142);
    // mem_map alone (1024 pages of struct page at 512 MB) keeps a 512 MB board below, whatever the other reservations.
    expect(sysctlRmemMax({ ...facts, bootReservedBytes: 0 }, page)).toBe(112640);
  });

  test('the threshold is on totalram_pages: exactly 131072 of them gives 131071, one fewer the compiled SK_RMEM_MAX', () => {
    const exact = { ...facts, structPageBytes: 0, bootReservedBytes: 0, physicalRamBytes: 131072 * page };
    expect(sysctlRmemMax(exact, page)).toBe(131071);
    expect(sysctlRmemMax({ ...exact, bootReservedBytes: page }, page)).toBe(112640);
  });
});

describe('tcp-dma cost model: 2.6.32.2\'s zero-window hang', () => {
  const late = { ...SHORT, firstReadNs: LATE_FIRST_READ_NS };
  const run = (kernelRun: (typeof SEED_RUNS)[number], rcvlowat: number, over: object, profile = ppc) =>
    runIperf(iperfConfig(profile, { ...kernelRun, rcvlowat }, over));
  const { rcvbuf, truesize } = receiveMemoryOf(ppc);
  const capacity = chargedCapacityBytes(rcvbuf, truesize, 1448);

  test('a read that finds the window full, with a target above what the buffer holds charged, sleeps for good holding exactly that', () => {
    const r = run(SEED_RUNS[2], capacity + 1448, late);
    const v = readsKeepFlowing(r);
    expect(v.holds, v.detail).toBe(false);
    expect(r.mbitPerSec).toBe(0);
    expect(r.stall).toMatchObject({ copied: capacity, asyncSkbs: capacity / 1448, rmem: (capacity / 1448) * truesize });
    expect(readsKeepFlowing(run(SEED_RUNS[2], capacity, late)).holds).toBe(true);
  });

  test('on the assumed 512 MB board the seed\'s own 200 KB target is above the capacity: after a full window it hangs', () => {
    expect(capacity).toBeLessThan(200 * 1024);
    expect(readsKeepFlowing(run(SEED_RUNS[2], 200 * 1024, late)).holds).toBe(false);
  });

  test('back to back it returns, even with a 512 KB target, because early-copied skbs are not charged', () => {
    for (const r of [seedRuns(ppc)['on+rcvlowat'], run(SEED_RUNS[2], 200 * 1024, SHORT), run(SEED_RUNS[2], 512 * 1024, SHORT)]) {
      const v = readsKeepFlowing(r);
      expect(v.holds, v.detail).toBe(true);
      expect(r.earlyCopyBytes).toBeGreaterThan(0);
    }
  });

  test('on a 1 GB board (sysctl_rmem_max 131071) the seed\'s target is under the capacity and returns even after a full window', () => {
    const big = withRam(ppc, 1024);
    const m = receiveMemoryOf(big);
    expect(chargedCapacityBytes(m.rcvbuf, m.truesize, 1448)).toBeGreaterThan(200 * 1024);
    expect(readsKeepFlowing(run(SEED_RUNS[2], 200 * 1024, late, big)).holds).toBe(true);
  });

  test('with 73852e8151b7 and 15c041759bfc the same reads keep the link busy', () => {
    for (const rcvlowat of [capacity + 1448, 200 * 1024, 512 * 1024]) {
      const v = readsKeepFlowing(run(FIXED_RUNS[2], rcvlowat, late));
      expect(v.holds, v.detail).toBe(true);
    }
  });
});

describe('tcp-dma cost model: the DMA/CPU crossover, by both measures', () => {
  test('on the e500 DMA wins in time to data only above a page, but in CPU time below one', () => {
    const { host, dma, path } = ppc;
    expect(dmaCrossoverAtLeastAPage(latencyCrossoverBytes(host, dma!, path), path.pageBytes, 'time to data').holds).toBe(true);
    expect(dmaCrossoverAtLeastAPage(cpuCrossoverBytes(host, dma!, path), path.pageBytes, 'CPU time').holds).toBe(false);
  });

  test('on the Xeon DMA never wins: the bound is vacuous, not met', () => {
    const { host, dma, path } = xeon;
    for (const b of [latencyCrossoverBytes(host, dma!, path), cpuCrossoverBytes(host, dma!, path)]) {
      const v = dmaCrossoverAtLeastAPage(b, path.pageBytes, 'either');
      expect([v.holds, v.vacuous]).toEqual([false, true]);
    }
  });

  test('fails for an engine that costs only a doorbell and a completion in cache', () => {
    const { host, dma, path } = xeon;
    const doorbell = { ...dma!, setupNs: 50, completionNs: 100, bytesPerNs: 10 };
    expect(dmaCrossoverAtLeastAPage(latencyCrossoverBytes(host, doorbell, path), path.pageBytes, 'time to data').holds).toBe(false);
  });
});

describe('tcp-dma cost model: seed 001, zero-copy transmit against one-copy receive', () => {
  test('receive is bounded below transmit by its copy on the 3.2 Gbit/s Quadrics link, both CPU-bound', () => {
    const q = quadrics();
    const v = receiveBoundedByItsCopy(q);
    expect(v.holds, v.detail).toBe(true);
    expect(q.txGbps).toBeLessThan(q.linkGbps);
  });

  test('fails for a receive path without the copy', () => {
    expect(receiveBoundedByItsCopy(quadrics('no-copy')).holds).toBe(false);
  });
});

describe('tcp-dma cost model: no run carries more than the link', () => {
  const runs = everyRun(reportResults());

  test('every simulated throughput in the report, on every host, long and short runs, is at most the link\'s payload rate', () => {
    expect(runs.length).toBeGreaterThanOrEqual(12 + 2 * 24 + 24);
    for (const { where, profile, mss, result } of runs) {
      const v = withinLinkPayloadRate(result.mbitPerSec, profile.link, mss, where);
      expect(v.holds, v.detail).toBe(true);
    }
  });

  test('the bound catches the old measure, rcv_nxt\'s advance, which counts the backlog left at the end of warm-up', () => {
    const over = runs.filter(({ profile, mss, result }) => !withinLinkPayloadRate(result.ackedMbitPerSec, profile.link, mss, '').holds);
    expect(over.length, 'runs whose rcv_nxt advance exceeds the line rate').toBeGreaterThan(0);
  });

  test('and every Mbit/s the report prints is at most the line rate as printed', () => {
    const r = spec.simulation!.run({ seed: 1 });
    const limit = Number(linkPayloadMbit(SEED_HOSTS[0].link, 1448).toFixed(1));
    let cells = 0;
    for (const t of r.tables) {
      t.columns.forEach((c, i) => {
        if (!/Mbit\/s/.test(c)) return;
        for (const row of t.rows) {
          cells++;
          expect(Number(row[i]), `${t.title}: ${row[0]} ${c}`).toBeLessThanOrEqual(limit);
        }
      });
    }
    expect(cells).toBeGreaterThanOrEqual(15 + 2 * 24 + 16);
  });
});

describe('tcp-dma cost model: the fsldma sweep', () => {
  const point = (off: number, on: number, onRcvlowat: number) => ({ label: `${off}/${on}/${onRcvlowat}`, off: { copyShare: off }, on: { copyShare: on }, onRcvlowat: { copyShare: onRcvlowat } });

  test('the copy-share ordering holds at every swept point of fsldma\'s costs and issue rule', () => {
    const sweep = reportResults().sweep;
    expect(sweep.length).toBeGreaterThanOrEqual(8);
    const v = copyShareOrderingAcrossSweep(sweep);
    expect(v.holds, v.detail).toBe(true);
  });

  test('the predicate fails on a point in the wrong order, on a step inside the tolerance, and on an empty sweep', () => {
    expect(copyShareOrderingAcrossSweep([point(0.22, 0.15, 0.05)]).holds).toBe(true);
    expect(copyShareOrderingAcrossSweep([point(0.22, 0.15, 0.05), point(0.05, 0.15, 0.22)]).holds).toBe(false);
    expect(copyShareOrderingAcrossSweep([point(0.22, 0.15, 0.05), point(0.22, 0.23, 0.05)]).holds).toBe(false);
    expect(copyShareOrderingAcrossSweep([point(0.22, 0.218, 0.05)]).holds).toBe(false);
    expect(copyShareOrderingAcrossSweep([]).holds).toBe(false);
  });
});

describe('tcp-dma cost model: the report', () => {
  test('rxspec simulate tcp-dma: the bounds table carries each verdict computed above', () => {
    const r = spec.simulation!.run({ seed: 1 });
    const bounds = r.tables.find((t) => t.title === 'Bounds')!;
    const verdicts = (bound: string, on: RegExp) => bounds.rows.filter((row) => row[0] === bound && on.test(String(row[1]))).map((row) => row[2]);
    expect(verdicts('copyShareOrderingMatchesSeed', /e500|xeon/)).toEqual(['holds', 'holds']);
    expect(verdicts('copyShareOrderingAcrossSweep', /sweep/)).toEqual(['holds']);
    expect(verdicts('throughputOrderingMatchesSeed', /e500|xeon/)).toEqual(['fails', 'fails']);
    // readsKeepFlowing: one row per board RAM and first read on 2.6.32.2, one for every run with both fixes.
    const flow = (on: RegExp) => bounds.rows.filter((row) => row[0] === 'readsKeepFlowing' && on.test(String(row[1])));
    const fullWindow = flow(/^e500 \d+ MB, after a full window, 2\.6\.32\.2$/);
    expect(fullWindow.map((row) => row[2])).toEqual(['fails', 'fails', 'fails']);
    for (const row of fullWindow) expect(String(row[3])).toMatch(/failed at [^:]*sk_rcvlowat 524288: the reader sleeps behind a zero window/);
    const backToBack = flow(/^e500 \d+ MB, back to back, 2\.6\.32\.2$/);
    expect(backToBack.map((row) => row[2])).toEqual(['holds', 'holds', 'holds']);
    for (const row of backToBack) expect(String(row[3])).toMatch(/^4 held, 0 failed; held at .*sk_rcvlowat 524288/);
    const fixes = flow(/both fixes$/);
    expect(fixes.map((row) => row[2])).toEqual(['holds']);
    expect(String(fixes[0][3])).toMatch(/^24 held, 0 failed/);
    expect(flow(/off \/ on \/ on\+rcvlowat \(net-dma-off \/ net-dma-2\.6\.32\.2 \/ net-dma-2\.6\.32\.2\)$/).map((row) => row[2])).toEqual(['holds', 'holds']);
    expect(bounds.rows.filter((row) => row[0] === 'readsKeepFlowing').length).toBe(9);
    // The failing cases are named with their sk_rcvlowat, as the hang table has them asleep.
    const hangTable = r.tables.find((t) => t.title.startsWith('When 2.6.32.2 hangs'))!;
    for (const ram of ['256', '512', '1024']) {
      const asleepHere = hangTable.rows.filter((row) => row[1] === `${ram} MB` && String(row[7]).startsWith('asleep for good')).map((row) => `sk_rcvlowat ${row[5]}`);
      const row = flow(new RegExp(`^e500 ${ram} MB, after a full window`))[0];
      expect(String(row[3])).toContain(`${asleepHere.length} failed; failed at ${asleepHere.join(', ')}:`);
    }
    expect(r.tables.find((t) => t.title.startsWith('Seed 004'))!.notes!.join(' ')).toContain(
      'off runs net-dma-off (sk_rcvlowat 1 byte, the default); on runs net-dma-2.6.32.2 (sk_rcvlowat 1 byte, the default); on+rcvlowat runs net-dma-2.6.32.2 (sk_rcvlowat 200 KB by SO_RCVLOWAT)',
    );
    expect(verdicts('dmaCrossoverAtLeastAPage', /xeon/)).toEqual(['vacuous', 'vacuous']);
    const hang = r.tables.find((t) => t.title.startsWith('When 2.6.32.2 hangs'))!;
    const asleep = hang.rows.filter((row) => String(row[7]).startsWith('asleep for good'));
    expect(asleep.map((row) => row[0]).every((s) => s === 'after a full window')).toBe(true);
    expect(asleep.filter((row) => row[5] === 200 * 1024).map((row) => row[1])).toEqual(['256 MB', '512 MB']);
    const sweep = r.tables.find((t) => t.title.startsWith('Sensitivity'))!;
    expect(sweep.rows.length).toBeGreaterThanOrEqual(8);
  });
});
