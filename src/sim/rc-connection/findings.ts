/**
 * The findings of `rxspec simulate rc-connection`: sentences built from the
 * measured runs, saying first what the simulation does not reproduce, then
 * why, then what the sweeps show. Every number in them is measured or
 * priced in this run; none is written in.
 */
import { netperfSends } from '../../../properties/rc-connection/throughput.js';
import { seedRegimeBeforeCopybreak } from '../../../properties/rc-connection/throughput.js';
import { byteLen, rxCopybreak, sendTruesize } from './costs.js';
import { fmt, mbps, SEED_SENDS_PER_WIRE, sendsPerWire } from './report.js';
import type { SimResult } from './result.js';
import { SEED } from './setup.js';

export interface Runs {
  /** The seed's run, 10 s, default profile (SLUB, netserver on its own core). */
  readonly pre: SimResult;
  readonly post: SimResult;
  /** rnr_retry 7 without copybreak. */
  readonly retry7: SimResult;
  /** pre-copybreak, short runs: SLUB and SLAB. */
  readonly slub: SimResult;
  readonly slab: SimResult;
  /** Both receive paths with netserver on the interrupt core, short runs. */
  readonly preOnIrq: SimResult;
  readonly postOnIrq: SimResult;
  /** What-if: the replacement path scaled. */
  readonly whatIf: readonly [number, SimResult][];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** Signed percentage difference of a over b. */
const above = (a: number, b: number) => `${a >= b ? '+' : ''}${((100 * (a - b)) / b).toFixed(0)}%`;
const s = (r: SimResult) => `${(r.options.durationNs / 1e9).toFixed(1)} s`;

export function findings(x: Runs): string[] {
  const { pre, post, retry7, slub, slab, preOnIrq, postOnIrq } = x;
  const c = pre.options.costs;
  const copy = rxCopybreak(c, byteLen(pre.options.payloadBytes)).total;
  const repl = pre.replacementNs;
  // Measured, not priced: the sender's core is busy all the time, so its time per message is the run over the sends.
  const perMessage = pre.options.durationNs / pre.sends;
  const perMessagePost = post.options.durationNs / post.sends;
  const completions = post.cpu.sender['send completions'] ?? 0;
  const regime = x.whatIf.find(([, r]) => seedRegimeBeforeCopybreak(r).holds);
  const closest = x.whatIf.reduce((best, p) => (Math.abs(Number(mbps(p[1], p[1].received)) - SEED.before.receivedMbps) < Math.abs(Number(mbps(best[1], best[1].received)) - SEED.before.receivedMbps) ? p : best));
  const inFlight = pre.options.txqueuelen + pre.options.sendqSize + pre.options.neighQueue;
  const out = [
    `Not reproduced: at the host profile's estimates the simulation does not show the seed's before-copybreak regime. netperf sends ${mbps(pre, netperfSends(pre))} Mbit/s and the receiver gets ${mbps(pre, pre.received)} (the seed: 526.31 and 115.71), ${pct(pre.received / netperfSends(pre))} of netperf's sends arrive (the seed: 22.0%), and netperf counts ${sendsPerWire(pre).toFixed(2)} sends per data packet on the port (the seed: ${SEED_SENDS_PER_WIRE.toFixed(2)}); seedRegimeBeforeCopybreak fails. The costs are estimates from the hardware and are not tuned towards the seed.`,
    `With copybreak the receiver's path costs ${Math.round(copy)} ns per 128-byte packet plus its interrupts, on a core of its own; the sender takes ${Math.round(perMessagePost)} ns per message as measured (the run's length over its sends, send completions taking ${pct(completions)} of its core), so the receiver keeps up: netperf sends ${mbps(post, netperfSends(post))} Mbit/s, the receiver gets ${mbps(post, post.received)}, and the first connection is never replaced (the seed: ~315 both ways).`,
    `Without copybreak the replacement path costs ${Math.round(repl)} ns, ${above(repl, copy)} over the copybreak path and ${above(repl, perMessage)} against the sender's measured ${Math.round(perMessage)} ns per message: the SRQ drains slowly, ${fmt(pre.rnrNaks)} RNR NAKs in ${s(pre)} close the connection, ${fmt(pre.wc.flush)} flushed sends still count in tx_packets (${fmt(pre.ifconfig.txPackets)} against ${fmt(pre.portXmit.data)} data packets on the port), and ${fmt(pre.ifconfig.txDropped)} sends die on neigh->queue while the connection is re-created. A margin of a few per cent is within the estimates' uncertainty, so even these reopens are not a robust result.`,
    `The allocator decides even that much. The profile assumes SLUB, where 2.6.26 serves the replacement path's 4.4 KB head data area as an order-1 page (${Math.round(slub.options.costs.kernel.headDataAllocNs)} ns); under SLAB, as in RHEL 5 and its OFED builds, it comes from the size-8192 cache's per-cpu array (${Math.round(slab.options.costs.kernel.headDataAllocNs)} ns), the replacement path costs ${Math.round(slab.replacementNs)} ns, and in ${s(slab)} there are ${fmt(slab.rnrNaks)} RNR NAKs and ${fmt(slab.connectionsOpened - 1)} reopened connections (SLUB: ${fmt(slub.rnrNaks)} and ${fmt(slub.connectionsOpened - 1)}).`,
    regime
      ? `As a what-if only, not the seed's run and not used to set any figure: the seed's regime (receiver below half of netperf's rate, at least two sends per data packet, reopened connections) appears once the replacement path costs ${regime[0]}x the estimate (${Math.round(regime[1].replacementNs)} ns), and the seed's 115.71 Mbit/s received is nearest at ${closest[0]}x (${mbps(closest[1], closest[1].received)} Mbit/s).`
      : `As a what-if only: even at ${x.whatIf.at(-1)![0]}x the replacement path's estimate the seed's regime does not appear.`,
    `netperf's own rate never reaches the seed's 526 Mbit/s here: a send dropped on neigh->queue still costs the full UDP send path, so the sender speeds up by skipping the post and the completion only, not by the ~2x the seed implies.`,
    `netserver has a core of its own by default and its socket never fills (${fmt(pre.socketDrops)} socket drops), so the seed's loss between the wire and netserver (${fmt(SEED.before.received)} received of ${fmt(SEED.before.portXmit)} packets sent by the port) does not appear. With netserver on the interrupt core, below the softirq work, pre-copybreak receives ${mbps(preOnIrq, preOnIrq.received)} Mbit/s with ${fmt(preOnIrq.socketDrops)} socket drops and ${fmt(preOnIrq.connectionsOpened - 1)} reopened connections in ${s(preOnIrq)}, but copybreak-2008 then receives only ${mbps(postOnIrq, postOnIrq.received)} of ${mbps(postOnIrq, netperfSends(postOnIrq))} Mbit/s, against the seed's ~315 both ways with the patch: neither placement fits both of the seed's runs.`,
    retry7.rnrNaks > 0
      ? `rnr_retry_count 7 instead of 0, without copybreak so that the SRQ does run dry: the first RNR NAK makes the requester wait the RNR timer the CM programs (min_rnr_timer 0: 655.36 ms) instead of failing; over ${s(retry7)} the receiver gets ${mbps(retry7, retry7.received)} Mbit/s after ${fmt(retry7.rnrNaks)} RNR NAKs, with ${fmt(retry7.connectionsOpened - 1)} connections reopened. The ring fills (tx_outstanding ${retry7.queue.maxTxOutstanding}, ${fmt(retry7.queue.stops)} stops) and the full qdisc drops ${fmt(retry7.fates['qdisc drop'])} sends silently: before 2.6.32 a qdisc drop reached the sender as success unless the socket set IP_RECVERR, so netperf would count them as sent with 0 errors. It never sleeps on SO_SNDBUF: at most ${inFlight} skbs of ${sendTruesize(pre.options.payloadBytes)} bytes are in flight, under ${fmt(pre.options.sndbufBytes)} bytes. IPoIB's rnr_retry_count 0 trades this stall for the churn.`
      : `rnr_retry_count 7 without copybreak met no RNR NAK in ${s(retry7)} (${mbps(retry7, retry7.received)} Mbit/s received).`,
  ];
  return out;
}
