/**
 * Two sweeps over the seed's experiment. Where 2.6.32.2 hangs: sk_rcvlowat
 * against what sk_rcvbuf can hold in charged skbs, on boards of 256 MB,
 * 512 MB and 1 GB (the seed does not give its RAM, and sk_init picks
 * sysctl_rmem_max by totalram_pages). How much the fsldma completion costs
 * matter: the per-interrupt and per-descriptor figures over a range around
 * their estimates, and ioat's issue rule in place of fsldma's. Short runs:
 * the sweeps compare, the seed table measures.
 */
import { e500FsldmaHost } from '../hosts/ppc-e500-fsldma.js';
import { advertisedWindow, sysctlRmemMax, totalramPages } from './buffers.js';
import type { HostProfile } from './costs.js';
import { FIXED_RUNS, SEED_IPERF, iperfConfig, receiveMemoryOf, runIperf, SEED_RUNS } from './experiments.js';
import type { IperfResult } from './iperf.js';

const SHORT = { warmupNs: 20e6, durationNs: 60e6 };

/** The most payload 2.6.32.2's reader can hold in charged skbs before the window it advertises drops below one MSS. */
export function chargedCapacityBytes(rcvbuf: number, truesize: number, mss: number): number {
  let n = 0;
  while (advertisedWindow(rcvbuf, n * truesize, mss) >= mss) n++;
  return n * mss;
}

export interface HangRow {
  readonly scenario: 'back to back' | 'after a full window';
  readonly profile: HostProfile;
  readonly ramMiB: number;
  readonly totalramPages: number;
  readonly rmemMax: number;
  readonly rcvbuf: number;
  readonly capacity: number;
  readonly rcvlowat: number;
  readonly shipped: IperfResult;
  readonly fixed: IperfResult;
}

/** Board sizes: the seed does not say its RAM, and sk_init's threshold (131072 pages) lies just above 512 MB. */
export const HANG_RAM_MIB = [256, 512, 1024];
/** The seed's target, and the 512 KB of 73852e8151b7's report. */
export const HANG_RCVLOWATS = [200 * 1024, 512 * 1024];
/** The application's first recv() comes this late: the window has long filled. */
export const LATE_FIRST_READ_NS = 5e6;

/** The e500 profile on a board with `ramMiB` of RAM. */
export function withRam(base: HostProfile, ramMiB: number): HostProfile {
  return { ...base, buffers: { ...base.buffers!, physicalRamBytes: ramMiB * 1024 * 1024 } };
}

/**
 * 2.6.32.2 against the two fixes, for iperf's reader (back in recv() at
 * once) and for an application whose first read comes after the sender
 * filled the window, on each board size: at the charged capacity (the
 * largest target that can return), one segment above it, the seed's target
 * and 512 KB.
 */
export function hangSweep(base: HostProfile = e500FsldmaHost): HangRow[] {
  const rows: HangRow[] = [];
  const mss = SEED_IPERF.mss;
  for (const scenario of ['back to back', 'after a full window'] as const) {
    for (const ramMiB of HANG_RAM_MIB) {
      const profile = withRam(base, ramMiB);
      const { rcvbuf, truesize } = receiveMemoryOf(profile);
      const capacity = chargedCapacityBytes(rcvbuf, truesize, mss);
      const over = { ...SHORT, firstReadNs: scenario === 'back to back' ? 0 : LATE_FIRST_READ_NS };
      const rcvlowats = [...new Set([capacity, capacity + mss, ...HANG_RCVLOWATS])].sort((a, b) => a - b);
      for (const rcvlowat of rcvlowats) {
        rows.push({
          scenario,
          profile,
          ramMiB,
          totalramPages: totalramPages(profile.buffers!, profile.path.pageBytes),
          rmemMax: sysctlRmemMax(profile.buffers!, profile.path.pageBytes),
          rcvbuf,
          capacity,
          rcvlowat,
          shipped: runIperf(iperfConfig(profile, { ...SEED_RUNS[2], rcvlowat }, over)),
          fixed: runIperf(iperfConfig(profile, { ...FIXED_RUNS[2], rcvlowat }, over)),
        });
      }
    }
  }
  return rows;
}

export interface CostRow {
  readonly label: string;
  readonly profile: HostProfile;
  readonly dmaIrqNs: number;
  readonly dmaReapDescNs: number;
  readonly off: IperfResult;
  readonly on: IperfResult;
  readonly onRcvlowat: IperfResult;
}

/** fsldma's completion costs and issue rule, varied one at a time around the profile's estimates (2.6.32.2, the seed's runs). */
export function fsldmaCostSweep(base: HostProfile = e500FsldmaHost): CostRow[] {
  const variants: { label: string; profile: HostProfile }[] = [];
  const withPath = (irq: number, reap: number) => ({ ...base, path: { ...base.path, dmaIrqNs: irq, dmaReapDescNs: reap } });
  for (const irq of [500, 1000, 2000, 3500, 5000]) variants.push({ label: `interrupt ${irq / 1000} us`, profile: withPath(irq, base.path.dmaReapDescNs) });
  for (const reap of [100, 1000]) variants.push({ label: `reap ${reap} ns per descriptor`, profile: withPath(base.path.dmaIrqNs, reap) });
  variants.push({ label: 'ioat\'s issue rule (more than 4 pending)', profile: { ...base, engine: { ...base.engine!, pendingLevel: 4, followsAppended: false } } });
  const off = runIperf(iperfConfig(base, SEED_RUNS[0], SHORT));
  return variants.map(({ label, profile }) => ({
    label,
    profile,
    dmaIrqNs: profile.path.dmaIrqNs,
    dmaReapDescNs: profile.path.dmaReapDescNs,
    off,
    on: runIperf(iperfConfig(profile, SEED_RUNS[1], SHORT)),
    onRcvlowat: runIperf(iperfConfig(profile, SEED_RUNS[2], SHORT)),
  }));
}
