/**
 * The tables of `rxspec simulate tcp-dma`, each a pure function of the
 * experiments' results: the seed's runs beside its figures, where the CPU
 * goes, where 2.6.32.2 hangs, the DMA/CPU crossover, and the fsldma sweep.
 */
import type { SimTable } from '../../model/spec.js';
import { cpuCrossoverBytes, crossoverCurve, latencyCrossoverBytes } from './crossover.js';
import type { HostProfile } from './costs.js';
import { sysctlRmemMax, totalramPages } from './buffers.js';
import { FIXED_RUNS, SEED_IPERF, SEED_RUNS, type SeedResults } from './experiments.js';
import type { IperfResult } from './iperf.js';
import type { CostRow, HangRow } from './sweeps.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const mbit = (x: number) => Number(x.toFixed(1));
const ms = (ns: number) => Number(((ns / SEED_IPERF.durationNs) * 1e3).toFixed(1));
export const CROSSOVER_SIZES = [256, 512, 1024, 1448, 2048, 4096, 8192, 16384, 32768, 65536];
export const SEED: Record<string, [number, number]> = { off: [930, 0.361], on: [890, 0.335], 'on+rcvlowat': [874, 0.251] };

export interface HostResults {
  readonly profile: HostProfile;
  /** The seed's kernel, 2.6.32.2 as shipped. */
  readonly shipped: SeedResults;
  /** 2.6.32.2 with both zero-window fixes. */
  readonly fixed: SeedResults;
}

const rcvlowatName = (bytes: number) => (bytes === 1 ? 'sk_rcvlowat 1 byte, the default' : `sk_rcvlowat ${bytes / 1024} KB by SO_RCVLOWAT`);
/** Which checked variant (models/tcp-dma/variants.ts) each of the seed's runs simulates, and with which sk_rcvlowat. */
export const RUNS_NOTE =
  'The runs are the checked variants: ' +
  SEED_RUNS.map((r) => `${r.run} runs ${r.kernel} (${rcvlowatName(r.rcvlowat)})`).join('; ') +
  '.';
/** Which variant the "with both fixes" column runs. */
const FIXES_NOTE =
  'with both fixes: 2.6.32.2 plus 73852e8151b7 and 15c041759bfc, the ' +
  [...new Set(FIXED_RUNS.filter((r) => r.run !== 'off').map((r) => r.kernel))].join(', ') +
  ' variant, with the same sk_rcvlowat (off is unchanged: with CONFIG_NET_DMA=n there is nothing to fix).';

const mib = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/** sk_rcvbuf and truesize on a host, from its facts (sk_init's sysctl_rmem_max by totalram_pages). */
export function bufferNote(profile: HostProfile, r: IperfResult): string {
  const b = profile.buffers!;
  const pages = totalramPages(b, profile.path.pageBytes);
  return (
    `${profile.host.name}: ${mib(b.physicalRamBytes)} of RAM (assumed), totalram_pages ${pages}, sysctl_rmem_max ` +
    `${sysctlRmemMax(b, profile.path.pageBytes)}, sk_rcvbuf ${r.rcvbuf}; truesize of a 1448-byte skb ${r.truesize}.`
  );
}

export function seedTable(hosts: readonly HostResults[], runs: readonly string[] = SEED_RUNS.map((r) => r.run)): SimTable {
  const columns = ['run', 'seed Mbit/s', 'seed copy share'];
  for (const h of hosts) columns.push(`${h.profile.host.name} Mbit/s`, 'copy share', 'CPU busy', 'bytes by DMA', 'pinned reads', 'with both fixes, Mbit/s');
  const rows = SEED_RUNS.filter((r) => runs.includes(r.run)).map(({ run }) => {
    const row: (string | number)[] = [run, SEED[run][0], pct(SEED[run][1])];
    for (const h of hosts) {
      const x = h.shipped[run];
      row.push(mbit(x.mbitPerSec), pct(x.copyShare), pct(x.cpuUtilization), pct(x.dmaFraction), `${x.pinnedReads}/${x.reads}`, mbit(h.fixed[run].mbitPerSec));
    }
    return row;
  });
  return {
    title: `Seed 004: iperf -w 250K -l 2M, 1448-byte segments, Linux 2.6.32.2 (simulated ${SEED_IPERF.durationNs / 1e6} ms after ${SEED_IPERF.warmupNs / 1e6} ms of warm-up)`,
    columns,
    rows,
    notes: [
      'copy share: CPU copy time over CPU busy time, what oprofile attributes to __copy_tofrom_user. bytes by DMA: of the bytes copied to the user. ' +
        'Mbit/s: payload that crossed the link in the measured window.',
      `iperf -w 250K asks SO_RCVBUF for ${SEED_IPERF.windowBytes}; sock_setsockopt caps it at sysctl_rmem_max and doubles it. ` +
        hosts.map((h) => bufferNote(h.profile, h.shipped.off)).join(' ') +
        ' (src/sim/tcp-dma/buffers.ts).',
      RUNS_NOTE,
      FIXES_NOTE,
      ...hosts.map((h) => `${h.profile.host.name}: ${h.profile.host.description}; copybreak ${h.profile.engine!.copybreak} (${h.profile.engine!.sources.copybreak}).`),
    ],
  };
}

export function cpuTable(hosts: readonly HostResults[]): SimTable {
  const cats = ['protocol', 'copy', 'syscall', 'sched', 'pin', 'dma-setup', 'dma-completion', 'dma-wait'];
  const rows: (string | number)[][] = [];
  for (const h of hosts) {
    for (const { run } of SEED_RUNS) {
      const x = h.shipped[run];
      const perRead = x.reads > 0 ? (x.backlogged / x.reads).toFixed(1) : '-';
      rows.push([h.profile.host.name, run, ...cats.map((c) => ms(x.cpuByCategory[c] ?? 0)), perRead, x.backlogPeak, x.interrupts]);
    }
  }
  return {
    title: 'Where the receiver CPU goes on 2.6.32.2 (ms of CPU per simulated second), and what waits on the socket lock',
    columns: ['host', 'run', ...cats, 'backlogged segments per read', 'backlog peak', 'DMA interrupts'],
    rows,
    notes: [
      'backlogged: segments that arrived while the reader owned the socket (pinning, the copy loop, the exit\'s spin and unpinning) and waited, unACKed, ' +
        'for release_sock. dma-completion: fsldma\'s end-of-segment interrupts and the descriptors they free (ioat is polled).',

      RUNS_NOTE,
    ],
  };
}

export function hangTable(rows: readonly HangRow[], base: HostProfile): SimTable {
  const below = (r: HangRow) => r.totalramPages < 131072;
  const rams = [...new Map(rows.map((r) => [r.ramMiB, r])).values()];
  return {
    title: 'When 2.6.32.2 hangs: sk_rcvlowat against what sk_rcvbuf holds in charged skbs, by board RAM (e500 + fsldma, short runs)',
    columns: ['first read', 'host RAM', 'totalram_pages', 'sk_rcvbuf', 'charged capacity (bytes)', 'sk_rcvlowat', '2.6.32.2 Mbit/s', '2.6.32.2 reader', 'with both fixes, Mbit/s'],
    rows: rows.map((r) => [
      r.scenario,
      `${r.ramMiB} MB`,
      r.totalramPages,
      r.rcvbuf,
      r.capacity,
      r.rcvlowat,
      mbit(r.shipped.mbitPerSec),
      r.shipped.stall
        ? `asleep for good: ${r.shipped.stall.asyncSkbs} skbs (${r.shipped.stall.rmem} B charged) on sk_async_wait_queue, copied ${r.shipped.stall.copied} of ${r.shipped.stall.target}`
        : `returns (${r.shipped.reads} reads)`,
      mbit(r.fixed.mbitPerSec),
    ]),
    notes: [
      `2.6.32.2: the net-dma-2.6.32.2 variant; ${FIXES_NOTE}`,
      'charged capacity: the payload of the largest number of DMA-copied skbs, still charged on sk_async_wait_queue, after which the window ' +
        '__tcp_select_window advertises is below one MSS. A target above it can only be reached through early copies, which are not charged.',
      'back to back: iperf\'s reader, in recv() again as soon as a read returns. after a full window: the application\'s first recv() comes ' +
        'after the sender has filled the window (as for any application that pauses between reads).',
      'sk_init picks sysctl_rmem_max by totalram_pages (physical pages less mem_map and the boot reservations): 131071 from 131072 pages, ' +
        'else 256 * (sizeof(struct sk_buff) + 256). ' +
        rams.map((r) => `${r.ramMiB} MB: ${r.totalramPages} pages, ${below(r) ? 'below' : 'at or above'} the threshold, sysctl_rmem_max ${r.rmemMax}.`).join(' ') +
        ` The seed does not give its board's RAM; the seed table assumes ${mib(base.buffers!.physicalRamBytes)}.`,
    ],
  };
}

export function crossoverTable(hosts: readonly HostProfile[]): SimTable {
  const rows: (string | number)[][] = [];
  for (const { host, dma, path } of hosts) {
    for (const p of crossoverCurve(host, dma!, path, CROSSOVER_SIZES)) {
      rows.push([host.name, p.bytes, Math.round(p.cpuCopyNs), Math.round(p.dmaCpuNs), Math.round(p.dmaLatencyNs)]);
    }
  }
  const fmt = (b: number) => (Number.isFinite(b) ? `${b} B` : 'never (to 1 MiB)');
  return {
    title: 'DMA versus CPU copy by transfer size (ns)',
    columns: ['host', 'bytes', 'CPU copy', 'DMA: CPU time', 'DMA: time to data'],
    rows,
    notes: [
      'DMA CPU time: per page-sized descriptor its setup, its completion interrupt (fsldma) and its reaping, plus pinning and unpinning the page.',
      'DMA time to data: setup and link fetch per descriptor, the engine\'s copy, and the completion (with its interrupt) the reader must see.',
      ...hosts.map(
        ({ host, dma, path }) =>
          `${host.name}: DMA wins in CPU time from ${fmt(cpuCrossoverBytes(host, dma!, path))}, in time to data from ${fmt(latencyCrossoverBytes(host, dma!, path))}.`,
      ),
    ],
  };
}

export function costSweepTable(rows: readonly CostRow[], base: HostProfile): SimTable {
  return {
    title: 'Sensitivity of the e500 runs to fsldma\'s completion costs and issue rule (2.6.32.2, short runs)',
    columns: ['varied', 'interrupt ns', 'reap ns per descriptor', 'on Mbit/s', 'on+rcvlowat Mbit/s', 'copy share off / on / on+rcvlowat'],
    rows: rows.map((r) => [
      r.label,
      r.dmaIrqNs,
      r.dmaReapDescNs,
      mbit(r.on.mbitPerSec),
      mbit(r.onRcvlowat.mbitPerSec),
      `${pct(r.off.copyShare)} / ${pct(r.on.copyShare)} / ${pct(r.onRcvlowat.copyShare)}`,
    ]),
    notes: [
      `The profile's estimates: ${base.path.dmaIrqNs} ns per interrupt, ${base.path.dmaReapDescNs} ns per descriptor (src/sim/hosts/ppc-e500-fsldma.ts). ` +
        'Links that finish before the interrupt handler runs share one interrupt, so the per-interrupt figure is paid far less often than once per descriptor.',

      RUNS_NOTE,
    ],
  };
}
