/**
 * The experiments behind `rxspec simulate tcp-dma`: the seed's iperf runs on
 * two host profiles, the DMA/CPU crossover, seed 001's one-copy bound, and a
 * sensitivity sweep. Pure functions of the profiles, so tests and the report
 * share them.
 */
import { e500FsldmaHost } from '../hosts/ppc-e500-fsldma.js';
import { piiiQuadricsHost } from '../hosts/piii-quadrics-2002.js';
import { xeonIoatHost } from '../hosts/xeon-x5550-ioat.js';
import type { HostProfile } from './costs.js';
import { simulateIperf, type IperfConfig, type IperfResult } from './iperf.js';
import { oneCopy, type OneCopyResult, type ReceiveCopy } from './one-copy.js';

export interface SeedHost {
  readonly label: string;
  readonly profile: HostProfile;
  /** sysctl_tcp_dma_copybreak as the host's DMA driver leaves it. */
  readonly copybreak: number;
  readonly copybreakSource: string;
  /** How many submitted descriptors wait before the driver starts the engine without issue_pending. */
  readonly pendingLevel: number;
  readonly pendingSource: string;
}

export const SEED_HOSTS: readonly SeedHost[] = [
  {
    label: 'PowerPC e500 + fsldma (the seed\'s host class)',
    profile: e500FsldmaHost,
    copybreak: 4096,
    copybreakSource: 'fsldma does not set it: NET_DMA_DEFAULT_COPYBREAK 4096 (net/core/user_dma.c)',
    pendingLevel: Infinity,
    pendingSource:
      'fsl_dma_tx_submit only appends to ld_queue; the channel starts on issue_pending (drivers/dma/fsldma.c @2.6.32.2), which 2.6.32.2\'s tcp_recvmsg calls only at its exit',
  },
  {
    label: 'Xeon X5550 + I/OAT v3',
    profile: xeonIoatHost,
    copybreak: 262144,
    copybreakSource: 'ioat3 probe: ioat_set_tcp_copy_break(262144) (drivers/dma/ioat/dma_v3.c @2.6.32.2)',
    pendingLevel: 4,
    pendingSource: 'ioat2_update_pending issues once more than ioat_pending_level = 4 descriptors wait (drivers/dma/ioat/dma_v2.c, dma.c @2.6.32.2)',
  },
];

export const QUADRICS_HOST = piiiQuadricsHost;

/** The seed's iperf settings (seed 004) and the sizes of the receive path. */
export const SEED_IPERF = {
  readBytes: 2 * 1024 * 1024,
  windowBytes: 250 * 1024,
  mss: 1448,
  /** A 1448-byte segment in a 2 KiB receive buffer plus struct sk_buff. */
  truesize: 2304,
  warmupNs: 20e6,
  durationNs: 300e6,
} as const;

export type SeedRun = 'off' | 'on' | 'on+rcvlowat';
export const SEED_RUNS: readonly { run: SeedRun; netDma: boolean; rcvlowat: number }[] = [
  { run: 'off', netDma: false, rcvlowat: 1 },
  { run: 'on', netDma: true, rcvlowat: 1 },
  { run: 'on+rcvlowat', netDma: true, rcvlowat: 200 * 1024 },
];

export function iperfConfig(host: SeedHost, run: (typeof SEED_RUNS)[number], over: Partial<IperfConfig> = {}): IperfConfig {
  return {
    profile: host.profile,
    netDma: run.netDma,
    readBytes: SEED_IPERF.readBytes,
    rcvlowat: run.rcvlowat,
    windowBytes: SEED_IPERF.windowBytes,
    mss: SEED_IPERF.mss,
    copybreak: host.copybreak,
    pendingLevel: host.pendingLevel,
    durationNs: SEED_IPERF.durationNs,
    warmupNs: SEED_IPERF.warmupNs,
    truesize: SEED_IPERF.truesize,
    ...over,
  };
}

export type SeedResults = Record<SeedRun, IperfResult>;

export function seedRuns(host: SeedHost, over: Partial<IperfConfig> = {}, runs = SEED_RUNS): Partial<SeedResults> {
  const out: Partial<SeedResults> = {};
  for (const r of runs) out[r.run] = simulateIperf(iperfConfig(host, r, over));
  return out;
}

export function quadrics(receive: ReceiveCopy = 'cpu-copy'): OneCopyResult {
  return oneCopy(QUADRICS_HOST, receive);
}
