/**
 * Every iperf run behind `rxspec simulate tcp-dma`, computed once and listed
 * with where it appears in the report, so a test can hold each simulated
 * figure (long and short runs, both hosts, both kernels) to a bound.
 */
import { FIXED_RUNS, SEED_HOSTS, SEED_IPERF, SEED_RUNS, seedRuns } from './experiments.js';
import type { HostProfile } from './costs.js';
import type { IperfResult } from './iperf.js';
import { fsldmaCostSweep, hangSweep, type CostRow, type HangRow } from './sweeps.js';
import type { HostResults } from './tables.js';

export interface ReportResults {
  readonly hosts: readonly HostResults[];
  readonly hang: readonly HangRow[];
  readonly sweep: readonly CostRow[];
}

export function reportResults(): ReportResults {
  return {
    hosts: SEED_HOSTS.map((profile) => ({ profile, shipped: seedRuns(profile), fixed: seedRuns(profile, {}, FIXED_RUNS) })),
    hang: hangSweep(),
    sweep: fsldmaCostSweep(),
  };
}

export interface ListedRun {
  /** The table and row it appears in. */
  readonly where: string;
  readonly profile: HostProfile;
  readonly mss: number;
  readonly result: IperfResult;
}

/** Every run of the report, with the host it ran on. */
export function everyRun({ hosts, hang, sweep }: ReportResults): ListedRun[] {
  const mss = SEED_IPERF.mss;
  const out: ListedRun[] = [];
  for (const { profile, shipped, fixed } of hosts) {
    for (const { run } of SEED_RUNS) {
      out.push({ where: `seed table, ${profile.host.name}, ${run}, 2.6.32.2`, profile, mss, result: shipped[run] });
      out.push({ where: `seed table, ${profile.host.name}, ${run}, both fixes`, profile, mss, result: fixed[run] });
    }
  }
  for (const r of hang) {
    const row = `hang table, ${r.profile.host.name} ${r.ramMiB} MB, ${r.scenario}, sk_rcvlowat ${r.rcvlowat}`;
    out.push({ where: `${row}, 2.6.32.2`, profile: r.profile, mss, result: r.shipped });
    out.push({ where: `${row}, both fixes`, profile: r.profile, mss, result: r.fixed });
  }
  for (const r of sweep) {
    for (const [run, result] of [['off', r.off], ['on', r.on], ['on+rcvlowat', r.onRcvlowat]] as const) {
      out.push({ where: `fsldma sweep, ${r.label}, ${run}`, profile: r.profile, mss, result });
    }
  }
  return out;
}
