/**
 * `rxspec simulate tcp-dma`: the seed's iperf experiment for NET_DMA off, on,
 * and on with sk_rcvlowat 200 KB on two host profiles and two kernels, where
 * 2.6.32.2 hangs, the DMA/CPU copy crossover, the fsldma cost sweep, and
 * seed 001's transmit-versus-receive bound, each beside the seed's figures,
 * with the bounds' verdicts.
 */
import type { SimPlot, SimReport, SimTable, Simulation } from '../../model/spec.js';
import {
  SEED_COPY_SHARE,
  copyShareOrderingAcrossSweep,
  SEED_THROUGHPUT_MBIT,
  copyShareOrderingMatchesSeed,
  dmaCrossoverAtLeastAPage,
  offloadEngages,
  readsKeepFlowing,
  receiveBoundedByItsCopy,
  throughputOrderingMatchesSeed,
  type BoundVerdict,
  type SeedTriple,
} from '../../../properties/tcp-dma/bounds.js';
import { cpuCrossoverBytes, crossoverCurve, latencyCrossoverBytes } from './crossover.js';
import { QUADRICS_HOST, SEED_HOSTS, SEED_IPERF, SEED_RUNS, quadrics, seedRuns, type SeedResults } from './experiments.js';
import { findings } from './findings.js';
import { reportResults } from './report-runs.js';
import type { CostRow, HangRow } from './sweeps.js';
import type { IperfResult } from './iperf.js';
import { CROSSOVER_SIZES, costSweepTable, cpuTable, crossoverTable, hangTable, seedTable, type HostResults } from './tables.js';

const triple = (r: SeedResults, f: (x: SeedResults['off']) => number): SeedTriple => ({ off: f(r.off), on: f(r.on), onRcvlowat: f(r['on+rcvlowat']) });
const verdictRow = (name: string, where: string, v: BoundVerdict): (string | number)[] => [
  name,
  where,
  v.vacuous ? 'vacuous' : v.holds ? 'holds' : 'fails',
  v.detail,
];

/**
 * readsKeepFlowing over several runs, as one row: it holds when every run
 * holds; the figures count the runs that held and failed, name the failing
 * ones with the state they sleep in, and name the held ones when they are
 * few (the hang table has every run's figures).
 */
function flowRow(where: string, runs: readonly { label: string; result: IperfResult }[]): (string | number)[] {
  const verdicts = runs.map((r) => ({ ...r, v: readsKeepFlowing(r.result) }));
  const failed = verdicts.filter((r) => !r.v.holds);
  const held = verdicts.filter((r) => r.v.holds);
  const parts = [`${held.length} held, ${failed.length} failed`];
  // Failures that sleep in the same state are named together.
  const why = new Map<string, string[]>();
  for (const r of failed) {
    const st = r.result.stall;
    const key = st
      ? `the reader sleeps behind a zero window, sk_rmem_alloc ${st.rmem} of sk_rcvbuf ${st.rcvbuf} charged by ${st.asyncSkbs} skbs on sk_async_wait_queue, copied ${st.copied} short of its target, ${r.result.mbitPerSec.toFixed(1)} Mbit/s`
      : r.v.detail;
    why.set(key, [...(why.get(key) ?? []), r.label]);
  }
  for (const [reason, labels] of why) parts.push(`failed at ${labels.join(', ')}: ${reason}`);
  if (held.length > 0) {
    const rates = [...new Set(held.map((r) => r.result.mbitPerSec.toFixed(1)))];
    const rate = rates.length === 1 ? `${rates[0]} Mbit/s` : `${rates.join(' to ')} Mbit/s`;
    const many = failed.length === 0 ? `all held (${rate})` : `the other ${held.length} held (${rate})`;
    parts.push(held.length <= 6 ? `held at ${held.map((r) => r.label).join(', ')} (${rate})` : many);
  }
  return ['readsKeepFlowing', where, failed.length === 0 ? 'holds' : 'fails', parts.join('; ')];
}

const seedTriple = (t: SeedTriple, f: (x: number) => string) => `${f(t.off)} / ${f(t.on)} / ${f(t.onRcvlowat)}`;

function boundsTable(hosts: readonly HostResults[], hang: readonly HangRow[], sweep: readonly CostRow[], q: ReturnType<typeof quadrics>): SimTable {
  const rows: (string | number)[][] = [
    // The seed's own figures, for reference: a bound cannot be tested on the numbers it was written from.
    ['throughputOrderingMatchesSeed', 'seed 004 (reference)', 'reference', `Mbit/s off / on / on+rcvlowat = ${seedTriple(SEED_THROUGHPUT_MBIT, (x) => x.toFixed(0))}`],
    ['copyShareOrderingMatchesSeed', 'seed 004 (reference)', 'reference', `copy share off / on / on+rcvlowat = ${seedTriple(SEED_COPY_SHARE, (x) => (100 * x).toFixed(1) + '%')}`],
  ];
  for (const h of hosts) {
    const name = h.profile.host.name;
    rows.push(verdictRow('throughputOrderingMatchesSeed', name, throughputOrderingMatchesSeed(triple(h.shipped, (x) => x.mbitPerSec))));
    rows.push(verdictRow('copyShareOrderingMatchesSeed', name, copyShareOrderingMatchesSeed(triple(h.shipped, (x) => x.copyShare))));
    rows.push(verdictRow('offloadEngages', name, offloadEngages(h.shipped)));
    rows.push(
      flowRow(
        `${name}, ${SEED_RUNS.map((r) => r.run).join(' / ')} (${SEED_RUNS.map((r) => r.kernel).join(' / ')})`,
        SEED_RUNS.map(({ run }) => ({ label: run, result: h.shipped[run] })),
      ),
    );
  }
  rows.push(verdictRow('copyShareOrderingAcrossSweep', `${sweep[0]?.profile.host.name ?? 'e500'}, fsldma cost sweep (short runs)`, copyShareOrderingAcrossSweep(sweep)));
  // One row per board RAM and first read on 2.6.32.2, one for every run with both fixes; the hang table has each run.
  const groups = new Map<string, HangRow[]>();
  for (const r of hang) {
    const where = `e500 ${r.ramMiB} MB, ${r.scenario}, 2.6.32.2`;
    groups.set(where, [...(groups.get(where) ?? []), r]);
  }
  for (const [where, rs] of groups) rows.push(flowRow(where, rs.map((r) => ({ label: `sk_rcvlowat ${r.rcvlowat}`, result: r.shipped }))));
  rows.push(
    flowRow(
      `e500 ${[...new Set(hang.map((r) => r.ramMiB))].join(' / ')} MB, both first reads, every sk_rcvlowat, both fixes`,
      hang.map((r) => ({ label: `${r.ramMiB} MB ${r.scenario} sk_rcvlowat ${r.rcvlowat}`, result: r.fixed })),
    ),
  );
  for (const { profile: { host, dma, path } } of hosts) {
    rows.push(verdictRow('dmaCrossoverAtLeastAPage', host.name, dmaCrossoverAtLeastAPage(latencyCrossoverBytes(host, dma!, path), path.pageBytes, 'time to data')));
    rows.push(verdictRow('dmaCrossoverAtLeastAPage', host.name, dmaCrossoverAtLeastAPage(cpuCrossoverBytes(host, dma!, path), path.pageBytes, 'CPU time')));
  }
  rows.push(verdictRow('receiveBoundedByItsCopy', QUADRICS_HOST.host.name, receiveBoundedByItsCopy(q)));
  return { title: 'Bounds', columns: ['bound', 'on', 'verdict', 'figures'], rows };
}

function seed001Table(q: ReturnType<typeof quadrics>): SimTable {
  return {
    title: 'Seed 001: zero-copy transmit against one-copy receive, 3.2 Gbit/s Quadrics link (Gbit/s)',
    columns: ['direction', 'seed', 'simulated', 'bound from the copy'],
    rows: [
      ['transmit (sendfile, no copy)', 1.4, Number(q.txGbps.toFixed(2)), ''],
      ['receive (one copy to user)', 0.9, Number(q.rxGbps.toFixed(2)), Number(q.rxBoundGbps.toFixed(2))],
    ],
    notes: [
      `${QUADRICS_HOST.host.description}; ${QUADRICS_HOST.link.source}`,
      'Assumed, not measured: the host, transmit protocol cost equal to receive, receive cost from the "1 Hz per bit/s" rule minus the copy.',
    ],
  };
}

function plots(hosts: readonly HostResults[], hang: readonly HangRow[]): SimPlot[] {
  const seedRam = SEED_HOSTS[0].buffers!.physicalRamBytes / (1024 * 1024);
  const atSeedRam = hang.filter((r) => r.ramMiB === seedRam);
  return [
    {
      title: 'DMA versus CPU copy: time until the data is usable',
      xLabel: 'transfer bytes',
      yLabel: 'ns',
      series: hosts.flatMap(({ profile: { host, dma, path } }) => {
        const c = crossoverCurve(host, dma!, path, CROSSOVER_SIZES);
        return [
          { name: `${host.name} CPU copy`, points: c.map((p) => [p.bytes, p.cpuCopyNs] as const) },
          { name: `${host.name} DMA`, points: c.map((p) => [p.bytes, p.dmaLatencyNs] as const) },
        ];
      }),
    },
    {
      title: `e500 + fsldma, ${seedRam} MB: throughput against sk_rcvlowat`,
      xLabel: 'sk_rcvlowat bytes',
      yLabel: 'Mbit/s',
      series: (['back to back', 'after a full window'] as const).flatMap((scenario) => {
        const rows = atSeedRam.filter((r) => r.scenario === scenario);
        return [
          { name: `2.6.32.2, first read ${scenario}`, points: rows.map((r) => [r.rcvlowat, r.shipped.mbitPerSec] as const) },
          { name: `with both fixes, first read ${scenario}`, points: rows.map((r) => [r.rcvlowat, r.fixed.mbitPerSec] as const) },
        ];
      }),
    },
  ];
}

export const simulation: Simulation = {
  doc:
    'Discrete-event simulation of seed 004\'s iperf receiver (one core: softirq preempting the reader; a GbE link with the window the receiver ' +
    'advertises; a DMA channel with its driver\'s issue and completion rules) running 2.6.32.2\'s tcp_recvmsg, with the socket lock and backlog, ' +
    'and the same with the two upstream zero-window fixes; on a PowerPC e500 + fsldma profile (the seed profiles __copy_tofrom_user, a PowerPC ' +
    'symbol) and a Xeon X5550 + I/OAT v3 profile. sk_rcvbuf and skb->truesize come from the kernel\'s rules over each host\'s facts. Also the ' +
    'DMA/CPU crossover, a sweep of the fsldma costs, where 2.6.32.2 hangs, and seed 001\'s zero-copy transmit against one-copy receive on a 2002 ' +
    'Pentium III with a 3.2 Gbit/s Quadrics link. Costs are in src/sim/hosts/*.ts with their reasoning. The traffic is deterministic, so the seed ' +
    'does not change the figures.',
  run({ variant }): SimReport {
    if (variant === 'net-dma-off') {
      const off = SEED_RUNS.filter((r) => r.run === 'off');
      const hosts = SEED_HOSTS.map((profile) => {
        const r = seedRuns(profile, {}, off);
        return { profile, shipped: r, fixed: r };
      });
      return { tables: [seedTable(hosts, ['off'])], plots: [], findings: [] };
    }
    const { hosts, hang, sweep } = reportResults();
    const q = quadrics();
    return {
      tables: [
        seedTable(hosts),
        cpuTable(hosts),
        hangTable(hang, SEED_HOSTS[0]),
        crossoverTable(SEED_HOSTS),
        costSweepTable(sweep, SEED_HOSTS[0]),
        seed001Table(q),
        boundsTable(hosts, hang, sweep, q),
      ],
      plots: plots(hosts, hang),
      findings: findings(hosts, hang, sweep, q, SEED_IPERF.durationNs),
    };
  },
};
