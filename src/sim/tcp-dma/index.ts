/**
 * `rxspec simulate tcp-dma`: the seed's iperf experiment for NET_DMA off, on,
 * and on with sk_rcvlowat 200 KB on two host profiles, the DMA/CPU copy
 * crossover by transfer size, and seed 001's transmit-versus-receive bound,
 * each beside the seed's figures, with the bounds' verdicts.
 */
import type { SimPlot, SimReport, SimTable, Simulation } from '../../model/spec.js';
import {
  SEED_COPY_SHARE,
  SEED_THROUGHPUT_MBIT,
  copyShareOrderingMatchesSeed,
  dmaCrossoverAtLeastAPage,
  receiveBoundedByItsCopy,
  throughputOrderingMatchesSeed,
  type BoundVerdict,
} from '../../../properties/tcp-dma/bounds.js';
import { crossoverCurve, latencyCrossoverBytes, cpuCrossoverBytes } from './crossover.js';
import { QUADRICS_HOST, SEED_HOSTS, SEED_RUNS, quadrics, seedRuns, type SeedHost, type SeedResults } from './experiments.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const triple = (r: SeedResults, f: (x: SeedResults['off']) => number) => ({ off: f(r.off), on: f(r.on), onRcvlowat: f(r['on+rcvlowat']) });
const SIZES = [256, 512, 1024, 1448, 2048, 4096, 8192, 16384, 32768, 65536];

function seedTable(results: Map<SeedHost, SeedResults>): SimTable {
  const seed: Record<string, [number, number]> = { off: [930, 0.361], on: [890, 0.335], 'on+rcvlowat': [874, 0.251] };
  const columns = ['run', 'seed Mbit/s', 'seed copy share'];
  for (const h of results.keys()) columns.push(`${h.profile.host.name} Mbit/s`, 'copy share', 'CPU busy', 'DMA-copied bytes', 'pinned reads');
  const rows = SEED_RUNS.map(({ run }) => {
    const row: (string | number)[] = [run, seed[run][0], pct(seed[run][1])];
    for (const r of results.values()) {
      const x = r[run];
      row.push(Number(x.mbitPerSec.toFixed(1)), pct(x.copyShare), pct(x.cpuUtilization), pct(x.dmaFraction), `${x.pinnedReads}/${x.reads}`);
    }
    return row;
  });
  return {
    title: 'Seed 004: iperf, 1448-byte segments, window 250 KB, reads of 2 MB (simulated 300 ms after 20 ms warm-up)',
    columns,
    rows,
    notes: [
      'copy share: CPU copy time over CPU busy time, what oprofile attributes to __copy_tofrom_user.',
      ...[...results.keys()].map((h) => `${h.profile.host.name}: ${h.profile.host.description}; copybreak ${h.copybreak} (${h.copybreakSource}).`),
    ],
  };
}

function cpuTable(results: Map<SeedHost, SeedResults>): SimTable {
  const cats = ['protocol', 'copy', 'syscall', 'sched', 'pin', 'dma-setup', 'dma-completion', 'dma-wait'];
  const rows: (string | number)[][] = [];
  for (const [h, r] of results) {
    for (const { run } of SEED_RUNS) {
      const by = r[run].cpuByCategory;
      rows.push([h.profile.host.name, run, ...cats.map((c) => Number(((by[c] ?? 0) / (300e6 / 1e3)).toFixed(1)))]);
    }
  }
  return { title: 'Where the receiver CPU goes (ms of CPU per simulated second)', columns: ['host', 'run', ...cats], rows };
}

function crossoverTable(): SimTable {
  const rows: (string | number)[][] = [];
  for (const h of SEED_HOSTS) {
    const { host, dma, path } = h.profile;
    for (const p of crossoverCurve(host, dma!, path, SIZES)) {
      rows.push([host.name, p.bytes, Math.round(p.cpuCopyNs), Math.round(p.dmaCpuNs), Math.round(p.dmaLatencyNs)]);
    }
  }
  return {
    title: 'DMA versus CPU copy by transfer size (ns)',
    columns: ['host', 'bytes', 'CPU copy', 'DMA: CPU time', 'DMA: time to data'],
    rows,
    notes: [
      'DMA CPU time: descriptor setup and reaping per page piece, plus pinning and unpinning the destination pages.',
      'DMA time to data: setup, the engine\'s copy, and the completion the reader must see before it may return.',
    ],
  };
}

function verdictRow(name: string, where: string, v: BoundVerdict): (string | number)[] {
  return [name, where, v.holds ? 'holds' : 'fails', v.detail];
}

export const simulation: Simulation = {
  doc:
    'Discrete-event simulation of seed 004\'s iperf receiver (one core: softirq preempting the reader; a GbE link; a DMA channel) with ' +
    '2.6.32.2\'s tcp_recvmsg logic, on a PowerPC e500 + fsldma profile (the seed profiles __copy_tofrom_user, a PowerPC symbol) and a ' +
    'Xeon X5550 + I/OAT v3 profile; the DMA/CPU crossover; and seed 001\'s zero-copy transmit against one-copy receive on a 2002 Pentium III ' +
    'with a 3.2 Gbit/s Quadrics link. Costs are in src/sim/hosts/*.ts with their reasoning. The traffic is deterministic, so the seed does not ' +
    'change the figures.',
  run({ variant }): SimReport {
    const runs = variant === 'net-dma-off' ? SEED_RUNS.filter((r) => !r.netDma) : SEED_RUNS;
    const results = new Map<SeedHost, SeedResults>();
    for (const h of SEED_HOSTS) results.set(h, seedRuns(h, {}, runs) as SeedResults);
    const tables: SimTable[] = [];
    const findings: string[] = [];
    const plots: SimPlot[] = [];
    if (runs.length === SEED_RUNS.length) {
      tables.push(seedTable(results), cpuTable(results));
      const verdicts: (string | number)[][] = [];
      verdicts.push(verdictRow('throughputOrderingMatchesSeed', 'seed 004 figures', throughputOrderingMatchesSeed(SEED_THROUGHPUT_MBIT)));
      verdicts.push(verdictRow('copyShareOrderingMatchesSeed', 'seed 004 figures', copyShareOrderingMatchesSeed(SEED_COPY_SHARE)));
      for (const [h, r] of results) {
        verdicts.push(verdictRow('throughputOrderingMatchesSeed', h.profile.host.name, throughputOrderingMatchesSeed(triple(r, (x) => x.mbitPerSec))));
        verdicts.push(verdictRow('copyShareOrderingMatchesSeed', h.profile.host.name, copyShareOrderingMatchesSeed(triple(r, (x) => x.copyShare))));
      }
      for (const h of SEED_HOSTS) {
        const { host, dma, path } = h.profile;
        verdicts.push(verdictRow('dmaCrossoverAtLeastAPage', host.name, dmaCrossoverAtLeastAPage(latencyCrossoverBytes(host, dma!, path), path.pageBytes)));
      }
      const q = quadrics();
      verdicts.push(verdictRow('receiveBoundedByItsCopy', QUADRICS_HOST.host.name, receiveBoundedByItsCopy(q)));
      tables.push(crossoverTable());
      tables.push({
        title: 'Seed 001: zero-copy transmit against one-copy receive, 3.2 Gbit/s Quadrics link (Gbit/s)',
        columns: ['direction', 'seed', 'simulated', 'bound from the copy'],
        rows: [
          ['transmit (sendfile, no copy)', 1.4, Number(q.txGbps.toFixed(2)), ''],
          ['receive (one copy to user)', 0.9, Number(q.rxGbps.toFixed(2)), Number(q.rxBoundGbps.toFixed(2))],
        ],
        notes: [`${QUADRICS_HOST.host.description}; ${QUADRICS_HOST.link.source}`],
      });
      tables.push({ title: 'Bounds', columns: ['bound', 'on', 'verdict', 'figures'], rows: verdicts });
      plots.push({
        title: 'DMA versus CPU copy: time until the data is usable',
        xLabel: 'transfer bytes',
        yLabel: 'ns',
        series: SEED_HOSTS.flatMap((h) => {
          const c = crossoverCurve(h.profile.host, h.profile.dma!, h.profile.path, SIZES);
          return [
            { name: `${h.profile.host.name} CPU copy`, points: c.map((p) => [p.bytes, p.cpuCopyNs] as const) },
            { name: `${h.profile.host.name} DMA`, points: c.map((p) => [p.bytes, p.dmaLatencyNs] as const) },
          ];
        }),
      });
      findings.push(...describe(results, q));
    } else {
      tables.push(seedTable(results));
    }
    return { tables, plots, findings };
  },
};

function describe(results: Map<SeedHost, SeedResults>, q: ReturnType<typeof quadrics>): string[] {
  const [ppc, xeon] = SEED_HOSTS;
  const p = results.get(ppc)!;
  const x = results.get(xeon)!;
  const f = (v: number) => v.toFixed(1);
  const { host: xh, dma: xd, path: xp } = xeon.profile;
  const { host: ph, dma: pd, path: pp } = ppc.profile;
  return [
    'The seed profiles __copy_tofrom_user, the user copy of arch/powerpc/lib; x86 has no such symbol. The seed\'s receiver was most likely a ' +
      'PowerPC SoC whose memcpy DMA engine (fsldma in 2.6.32.2) served NET_DMA, not a Xeon with I/OAT; both profiles are simulated.',
    `The ordering of CPU copy shares matches the seed on both hosts: ${pct(p.off.copyShare)} / ${pct(p.on.copyShare)} / ${pct(p['on+rcvlowat'].copyShare)} ` +
      `(e500) and ${pct(x.off.copyShare)} / ${pct(x.on.copyShare)} / ${pct(x['on+rcvlowat'].copyShare)} (Xeon) against the seed's 36.1% / 33.5% / 25.1%. ` +
      'The magnitudes differ: the seed\'s host spent more of its time copying than either estimate.',
    `The throughput ordering is not reproduced. On the e500 profile NET_DMA with sk_rcvlowat 200 KB is the slowest (${f(p['on+rcvlowat'].mbitPerSec)} ` +
      `Mbit/s, seed 874), but NET_DMA with the default target of 1 stays at ${f(p.on.mbitPerSec)} like the CPU copy (${f(p.off.mbitPerSec)}; seed 890 ` +
      'and 930). In the model a target-1 read pins only when it finds the queue empty, which happens only when the core has slack, so the 2 MB ' +
      'pin and unpin (512 pages each) use idle time: the core runs at 100% and still keeps the link full. The seed lost 40 Mbit/s there, which ' +
      'the model does not explain; it leaves out the socket lock held through pinning, the exit\'s spin and unpinning (ACKs wait on the backlog), ' +
      'and cache effects.',
    `On the Xeon all three runs are link-bound (${f(x.off.mbitPerSec)} / ${f(x.on.mbitPerSec)} / ${f(x['on+rcvlowat'].mbitPerSec)} Mbit/s): a 2009 ` +
      `server core is ${pct(x.off.cpuUtilization)} busy receiving 1 Gbit/s with CPU copies. NET_DMA with target 1 pins the whole 2 MB buffer for ` +
      `reads that return a few segments: pinning then takes ${f((x.on.cpuByCategory.pin ?? 0) / 3e5)} ms of every CPU second.`,
    `2.6.32.2 issues descriptors only at tcp_recvmsg's exit or past the driver's threshold: ioat2/3 start after ${xeon.pendingLevel} pending, ` +
      'but fsldma only on issue_pending, so on the e500 every early copy of a read runs at its exit, while the reader spins.',
    `DMA beats the CPU copy, in time until the data is usable, from ${fmtBytes(latencyCrossoverBytes(ph, pd!, pp))} on the e500 and ` +
      `${fmtBytes(latencyCrossoverBytes(xh, xd!, xp))} on the Xeon (whose 5 GB/s memcpy outruns a 2 GB/s channel); in CPU time from ` +
      `${fmtBytes(cpuCrossoverBytes(ph, pd!, pp))} and ${fmtBytes(cpuCrossoverBytes(xh, xd!, xp))}. A 1448-byte segment is below every crossover, ` +
      'as the seed\'s answer argued.',
    `Seed 001: zero-copy transmit runs at ${q.txGbps.toFixed(2)} Gbit/s and one-copy receive at ${q.rxGbps.toFixed(2)} (bound ` +
      `${q.rxBoundGbps.toFixed(2)}) on the ${q.linkGbps} Gbit/s link, against the seed's 1.4 and 0.9: both directions are CPU-bound far below ` +
      'the link, and the receive copy alone accounts for the gap.',
  ];
}

function fmtBytes(b: number): string {
  return Number.isFinite(b) ? `${b} bytes` : 'never (searched to 1 MiB)';
}
