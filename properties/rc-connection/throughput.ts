/**
 * Properties of the rc-connection simulation. The bounds must hold on every
 * run: what the receiver got cannot exceed what the link and the receiver's
 * CPU paid for, and every message netperf sent is somewhere or ended
 * somewhere. The seed's phenomenon is stated as two regimes: before
 * copybreak the receiver gets less than half of what netperf reports, the
 * connection is reopened, and netperf counts at least twice the sends that
 * reached the wire; with copybreak both agree within 10% and the first
 * connection is never replaced.
 */
import type { SimResult } from '../../src/sim/rc-connection/result.js';

export interface Verdict {
  readonly holds: boolean;
  /** Why, with the figures. */
  readonly detail: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Netperf's own count: sendto calls that returned success, which is all of them (a full qdisc drops silently before 2.6.32). */
export function netperfSends(r: SimResult): number {
  return r.sends;
}

/** Received bits per second on the wire cannot exceed the link rate, nor the bits the link's busy time carried. */
export function receivedWithinLinkRate(r: SimResult): Verdict {
  const bits = r.received * r.wireBytesPerPacket * 8;
  const rate = r.options.link.bitsPerSecond;
  const capacity = Math.min(r.options.durationNs, r.linkBusyNs) * (rate / 1e9);
  return {
    holds: bits <= capacity + r.wireBytesPerPacket * 8,
    detail: `${(bits / 1e9).toFixed(3)} Gbit received over the wire against ${(capacity / 1e9).toFixed(3)} Gbit the link carried in ${(r.linkBusyNs / 1e6).toFixed(1)} ms busy`,
  };
}

/** The receiver cannot have handled more packets than its CPU time pays for at the cheapest per-packet cost. */
export function receivedWithinReceiverCpu(r: SimResult): Verdict {
  const handled = r.ifconfig.rxPackets;
  const paid = Math.min(r.options.durationNs, r.receivePathBusyNs);
  return {
    holds: handled * r.minReceiveNs <= paid + r.minReceiveNs,
    detail: `${handled} packets handled need at least ${((handled * r.minReceiveNs) / 1e6).toFixed(1)} ms of receive CPU; ${(paid / 1e6).toFixed(1)} ms was spent`,
  };
}

/** Every send is in the stack or ended exactly one way. */
export function everyMessageAccountedFor(r: SimResult): Verdict {
  const placed = Object.entries(r.fates).reduce((n, [k, v]) => (k === 'none' ? n : n + v), 0);
  return {
    holds: r.unaccounted === 0 && placed === r.sends,
    detail: `${r.sends} sends, ${placed} with a fate, ${r.unaccounted} that the queues and the fates disagree about`,
  };
}

/** Before copybreak, as the seed measured it. */
export function seedRegimeBeforeCopybreak(r: SimResult): Verdict {
  const sent = netperfSends(r);
  const wire = r.portXmit.data;
  const reopened = r.connectionsOpened - 1;
  const clauses = [
    [r.received < sent / 2, `received ${pct(r.received / sent)} of netperf's sends (< 50%)`],
    [reopened > 0, `${reopened} reopened connections (> 0)`],
    [sent >= 2 * wire, `netperf counted ${(sent / wire).toFixed(2)}x the wire transmissions (>= 2)`],
  ] as const;
  return { holds: clauses.every(([ok]) => ok), detail: clauses.map(([ok, d]) => `${ok ? 'yes' : 'NO'}: ${d}`).join('; ') };
}

/** With copybreak, as the seed measured it. */
export function seedRegimeWithCopybreak(r: SimResult): Verdict {
  const sent = netperfSends(r);
  const gap = Math.abs(sent - r.received) / sent;
  const reopened = r.connectionsOpened - 1;
  const clauses = [
    [gap <= 0.1, `send and receive differ by ${pct(gap)} (<= 10%)`],
    [reopened === 0, `${reopened} reopened connections (none)`],
  ] as const;
  return { holds: clauses.every(([ok]) => ok), detail: clauses.map(([ok, d]) => `${ok ? 'yes' : 'NO'}: ${d}`).join('; ') };
}

/** The netif queue stops when tx_outstanding reaches sendq_size, so it never exceeds the ring, and wakes exactly at sendq_size/2. */
export function netifQueueFollowsTxOutstanding(r: SimResult): Verdict {
  const q = r.queue;
  const ring = r.options.sendqSize;
  return {
    holds: q.maxTxOutstanding <= ring && q.wakesNotAtHalf === 0,
    detail: `tx_outstanding peaked at ${q.maxTxOutstanding} of ${ring}; ${q.stops} stops, ${q.wakes} wakes, ${q.wakesNotAtHalf} of them not at ${ring >> 1}`,
  };
}

/** ifconfig's tx_dropped counts exactly the skbs dropped on neigh->queue (the only sender drop that reaches it here). */
export function txDroppedCountsNeighDrops(r: SimResult): Verdict {
  const drops = r.fates['neigh->queue drop'];
  return {
    holds: r.ifconfig.txDropped === drops,
    detail: `tx_dropped ${r.ifconfig.txDropped}, neigh->queue drops ${drops}`,
  };
}

export const simulationBounds = {
  receivedWithinLinkRate,
  receivedWithinReceiverCpu,
  everyMessageAccountedFor,
  netifQueueFollowsTxOutstanding,
  txDroppedCountsNeighDrops,
} as const;
