/**
 * The findings of `rxspec simulate tcp-dma`: sentences computed from the
 * results, saying what the simulation shows, where it departs from the
 * seeds, and how much of a match is assumption.
 */
import { copyNs } from '../cost-model.js';
import { sysctlRmemMax, totalramPages, winFromSpace } from './buffers.js';
import { cpuCrossoverBytes, latencyCrossoverBytes } from './crossover.js';
import type { OneCopyResult } from './one-copy.js';
import { QUADRICS_HOST } from './experiments.js';
import type { CostRow, HangRow } from './sweeps.js';
import type { HostResults } from './tables.js';
import {
  THROUGHPUT_TOLERANCE_MBIT,
  copyShareOrderingAcrossSweep,
  copyShareOrderingMatchesSeed,
  linkPayloadMbit,
  readsKeepFlowing,
  throughputOrderingMatchesSeed,
} from '../../../properties/tcp-dma/bounds.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f = (v: number) => v.toFixed(1);
const bytes = (b: number) => (Number.isFinite(b) ? `${b} bytes` : 'never (searched to 1 MiB)');
const perSecond = (ns: number, durationNs: number) => f((ns / durationNs) * 1e3);

/** totalram_pages, sysctl_rmem_max and sk_rcvbuf on a host. */
function bufferFacts(h: HostResults): string {
  const { buffers, path, host } = h.profile;
  const pages = totalramPages(buffers!, path.pageBytes);
  return (
    `${host.name}, ${Math.round(buffers!.physicalRamBytes / (1024 * 1024))} MB: totalram_pages ${pages} ` +
    `(${pages >= 131072 ? 'at least' : 'below'} 131072), sysctl_rmem_max ${sysctlRmemMax(buffers!, path.pageBytes)}`
  );
}

/** Whether a target hangs after a full window, by board RAM, from the hang rows. */
function hangByRam(hang: readonly HangRow[], target: number): string {
  const rows = hang.filter((r) => r.scenario === 'after a full window' && r.rcvlowat === target);
  const parts = rows.map(
    (r) =>
      `${r.ramMiB} MB (totalram_pages ${r.totalramPages}): sk_rcvbuf ${r.rcvbuf}, capacity ${r.capacity} bytes, ` +
      (r.shipped.stall ? `hangs (${f(r.shipped.mbitPerSec)} Mbit/s)` : `returns (${f(r.shipped.mbitPerSec)} Mbit/s)`),
  );
  return `With the first read after a full window and the seed's ${target}-byte target, by board RAM: ${parts.join('; ')}.`;
}

export function findings(hosts: readonly HostResults[], hang: readonly HangRow[], sweep: readonly CostRow[], q: OneCopyResult, durationNs: number): string[] {
  const [ppc, xeon] = hosts;
  const p = ppc.shipped;
  const x = xeon.shipped;
  const seedRam = ppc.profile.buffers!.physicalRamBytes / (1024 * 1024);
  const seedTarget = 200 * 1024;
  const atSeedRam = hang.filter((r) => r.ramMiB === seedRam);
  const late = atSeedRam.filter((r) => r.scenario === 'after a full window');
  const b2b = atSeedRam.filter((r) => r.scenario === 'back to back');
  const lateSeed = late.find((r) => r.rcvlowat === seedTarget)!;
  const b2bSeed = b2b.find((r) => r.rcvlowat === seedTarget)!;
  const bigSteady = b2b.reduce((a, r) => (r.rcvlowat > a.rcvlowat ? r : a));
  const ramSentence = hangByRam(hang, seedTarget);
  const line = linkPayloadMbit(ppc.profile.link, 1448);
  const atLine = (m: number) => line - m < 0.05;
  const fixedRates = hang.map((r) => r.fixed.mbitPerSec);
  const fixedSentence = !hang.every((r) => readsKeepFlowing(r.fixed).holds)
    ? 'with both fixes some rows still stall'
    : fixedRates.every(atLine)
      ? `with both fixes every row returns and runs at the link's payload rate (${f(line)} Mbit/s)`
      : `with both fixes every row returns, at ${f(Math.min(...fixedRates))} to ${f(Math.max(...fixedRates))} Mbit/s`;
  const rates = (r: HostResults['shipped']) => [r.off.mbitPerSec, r.on.mbitPerSec, r['on+rcvlowat'].mbitPerSec];
  const allRuns = [...rates(p), ...rates(x)];
  const linkSentence = allRuns.every(atLine)
    ? `every run keeps the link full at its payload rate, ${f(line)} Mbit/s`
    : `the runs measure ${f(Math.min(...allRuns))} to ${f(Math.max(...allRuns))} Mbit/s on a link that carries ${f(line)}`;
  const triple = (r: HostResults['shipped'], g: (v: HostResults['shipped']['off']) => number) => ({ off: g(r.off), on: g(r.on), onRcvlowat: g(r['on+rcvlowat']) });
  const hostsWhere = (holds: (h: HostResults) => boolean) => {
    const names = hosts.filter(holds).map((h) => h.profile.host.name);
    return names.length === hosts.length ? 'on both hosts' : names.length === 0 ? 'on neither host' : `on ${names.join(', ')} only`;
  };
  const shareWhere = hostsWhere((h) => copyShareOrderingMatchesSeed(triple(h.shipped, (v) => v.copyShare)).holds);
  const speedWhere = hostsWhere((h) => throughputOrderingMatchesSeed(triple(h.shipped, (v) => v.mbitPerSec)).holds);
  const fixedVsShipped = ppc.fixed['on+rcvlowat'].mbitPerSec - p['on+rcvlowat'].mbitPerSec;
  const seedVsCapacity =
    seedTarget <= lateSeed.capacity
      ? `its 204800-byte target is ${pct(1 - seedTarget / lateSeed.capacity)} under the charged capacity, so even a read that found a full window would pin nothing and return`
      : `its 204800-byte target is ${pct(seedTarget / lateSeed.capacity - 1)} above the charged capacity, so a read that found the window full would hang` +
        (lateSeed.shipped.stall ? ` (after a full window it does: ${f(lateSeed.shipped.mbitPerSec)} Mbit/s)` : '') +
        `; back to back it ${readsKeepFlowing(b2bSeed.shipped).holds ? `returns (${f(b2bSeed.shipped.mbitPerSec)} Mbit/s), because the early copy, whose skbs are not charged, carries ${pct(b2bSeed.shipped.earlyFraction)} of the bytes` : 'hangs too'}`;
  const orderingHolds = copyShareOrderingAcrossSweep(sweep).holds;
  const ioatRule = sweep.find((r) => r.label.startsWith('ioat'))!;
  const lowat = sweep.filter((r) => r !== ioatRule).map((r) => r.onRcvlowat.mbitPerSec);
  const readsPerRun = (r: HostResults['shipped']['on']) => (r.reads > 0 ? f(r.backlogged / r.reads) : '0');
  const window = winFromSpace(p.off.rcvbuf); // tcp_full_space
  const { host: ph, dma: pd, path: pp } = ppc.profile;
  const { host: xh, dma: xd, path: xp } = xeon.profile;
  return [
    'The seed profiles __copy_tofrom_user, the user copy of arch/powerpc/lib; x86 has no such symbol. The seed\'s receiver was most likely a ' +
      'PowerPC SoC whose memcpy DMA engine (fsldma in 2.6.32.2) served NET_DMA, not a Xeon with I/OAT; both profiles are simulated.',
    `The seed ran iperf "with TCP windows size = 250 KBytes" and "found that sk_rcvbuf is set to TCP windows size of iperf". ` +
      `sk_rcvbuf is ${p.off.rcvbuf} bytes on the e500 and ${x.off.rcvbuf} on the Xeon, neither the 256000 bytes iperf asks SO_RCVBUF for ` +
      `nor twice that: sock_setsockopt caps the request at sysctl_rmem_max and doubles it, and sk_init sets sysctl_rmem_max by totalram_pages: ` +
      `${bufferFacts(ppc)}; ${bufferFacts(xeon)}. The seed's RAM is not known: ${seedRam} MB is an assumption, and the hang table runs ` +
      `${[...new Set(hang.map((r) => `${r.ramMiB} MB`))].join(', ')}.`,
    `2.6.32.2 can hang for good. The reader keeps every skb its copy loop DMA-copied on sk_async_wait_queue, still charged, until the ` +
      `exit, and issues nothing before it: with ${p.off.truesize}-byte skbs (gianfar's receive buffer) and sk_rcvbuf ${lateSeed.rcvbuf} the ` +
      `window closes once ${lateSeed.capacity} bytes are held so. A read whose target is above that and which finds the window already full ` +
      `sleeps for good. ${ramSentence} This is the hang of 73852e8151b7 "NET_DMA: free skbs periodically" (512 KB reads with a 512 KB ` +
      `SO_RCVLOWAT) and of 15c041759bfc; ${fixedSentence}. On the assumed ${seedRam} MB board ${seedVsCapacity}. ` +
      `iperf's reader is back in recv() at once, so back to back even a 512 KB target returns, at ${f(bigSteady.shipped.mbitPerSec)} Mbit/s. ` +
      `The model checker finds the hang in a few steps (net-dma-2.6.32.2 violates blockingReadReturns), and fast-check on real bytes with a ` +
      `full window and a MSG_WAITALL read.`,
    `The ordering of CPU copy shares matches the seed ${shareWhere}: ${pct(p.off.copyShare)} / ${pct(p.on.copyShare)} / ${pct(p['on+rcvlowat'].copyShare)} ` +
      `(e500) and ${pct(x.off.copyShare)} / ${pct(x.on.copyShare)} / ${pct(x['on+rcvlowat'].copyShare)} (Xeon) against the seed's 36.1% / 33.5% / 25.1%. ` +
      `The magnitudes differ: with the raised sk_rcvlowat every read pins and the engine gets ${pct(p['on+rcvlowat'].dmaFraction)} of the bytes ` +
      '(the rest the CPU copies when the early copy has stopped and the backlog runs in the reader), where the seed still spent 25.1% of its ' +
      'time in __copy_tofrom_user; the model does not explain that.',
    `The throughput ordering matches the seed ${speedWhere}: ${linkSentence} (e500 ${f(p.off.mbitPerSec)} / ${f(p.on.mbitPerSec)} / ` +
      `${f(p['on+rcvlowat'].mbitPerSec)} Mbit/s, Xeon ${f(x.off.mbitPerSec)} / ${f(x.on.mbitPerSec)} / ${f(x['on+rcvlowat'].mbitPerSec)}; seed 930 / ` +
      `890 / 874; a step must exceed ${THROUGHPUT_TOLERANCE_MBIT} Mbit/s to count). The socket lock is modelled: while the reader ` +
      `pins, copies, and at the exit waits for the engine and unpins, ${readsPerRun(p.on)} segments per read with a target of 1 and ` +
      `${readsPerRun(p['on+rcvlowat'])} with sk_rcvlowat 200 KB (at most ${Math.max(p.on.backlogPeak, p['on+rcvlowat'].backlogPeak)} at once) wait on ` +
      `the backlog, unACKed; but a window of about ${Math.round(window / 1024)} KB (${f((window * 8) / 1e6)} ms at 1 Gbit/s) covers that delay and ` +
      `the e500's core, ${pct(p['on+rcvlowat'].cpuUtilization)} busy, still has room. The seed's 40 and 56 Mbit/s losses are not explained by the ` +
      'lock; cache effects of the pinned 2 MB buffer, and whatever made the seed\'s core busier than this profile, are left out.',
    `fsldma starts only on issue_pending, which 2.6.32.2 calls at tcp_recvmsg's exit, so on the e500 the engine's work for a whole read starts ` +
      `when the read ends, and the reader holds the socket lock until the last descriptor is done. With the fixes the engine runs during ` +
      `the read; the raised-sk_rcvlowat run measures ${f(ppc.fixed['on+rcvlowat'].mbitPerSec)} Mbit/s with the fixes and ` +
      `${f(p['on+rcvlowat'].mbitPerSec)} without (${Math.abs(fixedVsShipped) < 0.05 ? 'the same' : `${fixedVsShipped > 0 ? '+' : ''}${f(fixedVsShipped)} Mbit/s`})` +
      `${atLine(p['on+rcvlowat'].mbitPerSec) && atLine(ppc.fixed['on+rcvlowat'].mbitPerSec) ? ', the link being the bottleneck either way' : ''}.`,
    `The fsldma costs are estimates, so they were swept: interrupt costs from 0.5 to 5 us and reaping from 100 to 1000 ns per descriptor move the ` +
      `${Math.max(...lowat) - Math.min(...lowat) < 0.05 ? `raised-sk_rcvlowat run not at all (${f(lowat[0])} Mbit/s at every point)` : `raised-sk_rcvlowat run only between ${f(Math.min(...lowat))} and ${f(Math.max(...lowat))} Mbit/s`}, and the copy-share ordering ` +
      `${orderingHolds ? 'holds at every point' : 'fails at some point'}; with ioat's issue rule (the driver starts after 4 pending) instead of ` +
      `fsldma's, that run reaches ${f(ioatRule.onRcvlowat.mbitPerSec)} Mbit/s. Completions that land before the handler runs share one interrupt.`,
    `On the Xeon ${rates(x).every(atLine) ? 'all three runs are link-bound' : 'the runs measure'} (${f(x.off.mbitPerSec)} / ${f(x.on.mbitPerSec)} / ${f(x['on+rcvlowat'].mbitPerSec)} Mbit/s): a 2009 ` +
      `server core is ${pct(x.off.cpuUtilization)} busy receiving 1 Gbit/s with CPU copies; NET_DMA with target 1 pins the whole 2 MB buffer for reads ` +
      `that return a few segments, and pinning takes ${perSecond(x.on.cpuByCategory.pin ?? 0, durationNs)} ms of every CPU second.`,
    `DMA beats the CPU copy in time until the data is usable from ${bytes(latencyCrossoverBytes(ph, pd!, pp))} on the e500 and ` +
      `${bytes(latencyCrossoverBytes(xh, xd!, xp))} on the Xeon, in CPU time from ${bytes(cpuCrossoverBytes(ph, pd!, pp))} and ` +
      `${bytes(cpuCrossoverBytes(xh, xd!, xp))}. The seed's answer ("performance increases ... at about PAGE_SIZE") fits the e500's time to data ` +
      'only: its CPU-time crossover is below a page, and on the Xeon, whose 5 GB/s memcpy outruns a 2 GB/s channel and whose per-page pinning ' +
      'costs more than the copy it saves, DMA never wins, so the bound is vacuous there. A 1448-byte segment is below every finite crossover.',
    `Seed 001: zero-copy transmit runs at ${q.txGbps.toFixed(2)} Gbit/s and one-copy receive at ${q.rxGbps.toFixed(2)} (bound ` +
      `${q.rxBoundGbps.toFixed(2)}) on the ${q.linkGbps} Gbit/s link, against the seed's 1.4 and 0.9. Most of that match is assumption: the host ` +
      `(a 1 GHz Pentium III) is chosen, transmit's protocol cost is taken equal to receive's, and receive's is the "1 Hz per bit/s" rule minus the ` +
      `copy; given those, receive trails transmit by exactly the copy (${Math.round(copyNs(QUADRICS_HOST.host, 1448))} ns per segment), and the ` +
      'bound holds by construction whenever receive\'s protocol cost is at least transmit\'s. What the model adds is only that arithmetic; it ' +
      'does not show that the copy alone explains the seed\'s gap.',
  ];
}
