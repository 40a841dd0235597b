/**
 * The experiments behind `rxspec simulate tcp-dma`: the seed's iperf runs on
 * two host profiles and two kernels (2.6.32.2 as shipped, and with the
 * zero-window fixes), the DMA/CPU crossover, the fsldma cost sweep, and seed
 * 001's one-copy bound. Pure functions of the profiles, so tests and the
 * report share them.
 */
import { variants, type TcpDmaBehaviour } from '../../../models/tcp-dma/variants.js';
import { e500FsldmaHost } from '../hosts/ppc-e500-fsldma.js';
import { piiiQuadricsHost } from '../hosts/piii-quadrics-2002.js';
import { xeonIoatHost } from '../hosts/xeon-x5550-ioat.js';
import type { HostProfile } from './costs.js';
import { receiveMemory, simulateIperf, type IperfConfig, type IperfResult } from './iperf.js';
import { oneCopy, type OneCopyResult, type ReceiveCopy } from './one-copy.js';

export const SEED_HOSTS: readonly HostProfile[] = [e500FsldmaHost, xeonIoatHost];
export const QUADRICS_HOST = piiiQuadricsHost;

/** The seed's iperf settings (seed 004) and the run's clock. */
export const SEED_IPERF = {
  /** iperf -l 2M: recv() len and write size. */
  readBytes: 2 * 1024 * 1024,
  /** iperf -w 250K: what SO_RCVBUF is asked for. */
  windowBytes: 250 * 1024,
  mss: 1448,
  /** ACK on the wire (~0.7 us), a switch (~5 us), the sender's NIC interrupt and TCP ACK processing (~10 us). */
  ackDelayNs: 15_000,
  warmupNs: 20e6,
  durationNs: 300e6,
} as const;

export const kernel = (name: string): TcpDmaBehaviour => variants.find((v) => v.name === name)!.behaviour;

export type SeedRun = 'off' | 'on' | 'on+rcvlowat';
export interface RunSpec {
  readonly run: SeedRun;
  readonly kernel: string;
  readonly rcvlowat: number;
}
/** The seed's three runs on the seed's kernel. */
export const SEED_RUNS: readonly RunSpec[] = [
  { run: 'off', kernel: 'net-dma-off', rcvlowat: 1 },
  { run: 'on', kernel: 'net-dma-2.6.32.2', rcvlowat: 1 },
  { run: 'on+rcvlowat', kernel: 'net-dma-2.6.32.2', rcvlowat: 200 * 1024 },
];
/** The same NET_DMA runs with both upstream zero-window fixes. */
export const FIXED_RUNS: readonly RunSpec[] = SEED_RUNS.map((r) => (r.run === 'off' ? r : { ...r, kernel: 'net-dma-flush-on-zero-window' }));

export function iperfConfig(profile: HostProfile, run: RunSpec, over: Partial<IperfConfig> = {}): IperfConfig {
  return {
    profile,
    kernel: kernel(run.kernel),
    readBytes: SEED_IPERF.readBytes,
    rcvlowat: run.rcvlowat,
    windowBytes: SEED_IPERF.windowBytes,
    mss: SEED_IPERF.mss,
    ackDelayNs: SEED_IPERF.ackDelayNs,
    durationNs: SEED_IPERF.durationNs,
    warmupNs: SEED_IPERF.warmupNs,
    ...over,
  };
}

/** sk_rcvbuf and truesize for the seed's iperf -w on a profile. */
export const receiveMemoryOf = (profile: HostProfile) => receiveMemory(profile, SEED_IPERF.windowBytes);

export type SeedResults = Record<SeedRun, IperfResult>;

/** Runs are deterministic: one process computes each configuration once (tests and the report share them). */
const memo = new Map<string, IperfResult>();

export function runIperf(cfg: IperfConfig): IperfResult {
  const key = JSON.stringify(cfg, (_k, v) => (v === Infinity ? 'Infinity' : v));
  let r = memo.get(key);
  if (!r) memo.set(key, (r = simulateIperf(cfg)));
  return r;
}

export function seedRuns(profile: HostProfile, over: Partial<IperfConfig> = {}, runs: readonly RunSpec[] = SEED_RUNS): SeedResults {
  const out: Partial<SeedResults> = {};
  for (const r of runs) out[r.run] = runIperf(iperfConfig(profile, r, over));
  return out as SeedResults;
}

export function quadrics(receive: ReceiveCopy = 'cpu-copy'): OneCopyResult {
  return oneCopy(QUADRICS_HOST, receive);
}
