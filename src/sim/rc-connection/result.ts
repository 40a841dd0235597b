/**
 * What a simulation run reports: the counters the seed compared (netperf's,
 * ifconfig's, the port's), where every message went, CPU shares, the busy
 * times the bounds need, the flow-control record, and a cross-check that
 * the queues hold exactly the messages whose fate says they are there.
 */
import type { PriorityCore } from './core.js';
import type { SimOptions } from './ipoib-cm-sim.js';
import type { Receiver } from './receiver.js';
import type { Sender } from './sender.js';
import { Fate, FATE_NAMES, type SimTx, type World } from './world.js';

export interface SimResult {
  readonly options: SimOptions;
  /** netperf's sendto calls; every one returned success (qdisc drops are silent before 2.6.32). */
  readonly sends: number;
  readonly fates: Record<(typeof FATE_NAMES)[number], number>;
  readonly ifconfig: { txPackets: number; txErrors: number; txDropped: number; rxPackets: number };
  /** Packets the sending port put on the wire: data transmissions (RNR NAKed ones included) and CM MADs. */
  readonly portXmit: { data: number; mads: number };
  readonly wc: { ok: number; rnr: number; flush: number };
  readonly rnrNaks: number;
  readonly connectionsOpened: number;
  readonly socketDrops: number;
  readonly received: number;
  /** The netif queue: stops, wakes (and those not at sendq_size/2), the highest tx_outstanding. */
  readonly queue: { stops: number; wakes: number; wakesNotAtHalf: number; maxTxOutstanding: number };
  /** Times netperf slept on SO_SNDBUF. */
  readonly netperfBlocks: number;
  /** CPU share per category, per core (fractions of the run). */
  readonly cpu: { sender: Record<string, number>; receiver: Record<string, number>; netserver: Record<string, number> };
  /** Receiver CPU time spent in ipoib_cm_handle_rx_wc and the stack (both paths), ns. */
  readonly receivePathBusyNs: number;
  /** Time the link spent serialising packets, ns. */
  readonly linkBusyNs: number;
  /** Bytes per received packet on the wire, headers included. */
  readonly wireBytesPerPacket: number;
  /** The cheapest per-packet receive cost the receiver can be charged (the profile's figure less the variation), ns. */
  readonly minReceiveNs: number;
  /** The replacement path's price in this run (the what-if factor included), ns. */
  readonly replacementNs: number;
  /** Messages the accounting could not place: must be 0. */
  readonly unaccounted: number;
  readonly samples: World['samples'];
}

export function collect(w: World, sender: Sender, receiver: Receiver): SimResult {
  const o = w.o;
  const c = w.c;
  const counts = w.fateCounts();
  // What the structures hold must match what the fates say is there.
  // ACKed WRs waiting for their completion hold messages already at the receiver.
  const unacked = (t: SimTx) => t.sq.filter((x) => !x.landed).length;
  const posted = (sender.cur ? unacked(sender.cur) : 0) + sender.reapList.reduce((n, t) => n + unacked(t), 0);
  const held = [
    counts[Fate.Qdisc] - sender.qdisc.length,
    counts[Fate.NeighQueue] - sender.neighQ.length,
    counts[Fate.Posted] - posted,
    counts[Fate.AtReceiver] - receiver.rxCq.length - (receiver.inHandler ? 1 : 0),
    counts[Fate.InSocket] - receiver.socket.length,
  ];
  const shares = (core: PriorityCore) => Object.fromEntries([...core.byCategory].map(([k, v]) => [k, v / o.durationNs]));
  const v = o.costs.kernel.costVariation;
  return {
    options: o,
    sends: w.sends,
    fates: Object.fromEntries(FATE_NAMES.map((n, i) => [n, counts[i]])) as SimResult['fates'],
    ifconfig: { txPackets: c.txPackets, txErrors: c.txErrors, txDropped: c.txDropped, rxPackets: c.rxPackets },
    portXmit: { data: c.portData, mads: c.portMads },
    wc: { ok: c.ok, rnr: c.rnr, flush: c.flush },
    rnrNaks: c.rnrNaks,
    connectionsOpened: c.opened,
    socketDrops: c.socketDrops,
    received: counts[Fate.Received],
    queue: { stops: c.queueStops, wakes: c.queueWakes, wakesNotAtHalf: c.wakesNotAtHalf, maxTxOutstanding: c.maxTxOutstanding },
    netperfBlocks: c.netperfBlocks,
    cpu: { sender: shares(w.senderCpu), receiver: shares(w.receiverCpu), netserver: shares(w.netserverCpu) },
    receivePathBusyNs: w.receiverCpu.byCategory.get('receive') ?? 0,
    linkBusyNs: w.link.busyNs,
    wireBytesPerPacket: w.price.len + o.link.overheadBytes,
    minReceiveNs: (1 - v) * w.price.rx,
    replacementNs: w.price.copybreakPath ? 0 : w.price.rx,
    unaccounted: counts[Fate.None] + held.reduce((n, d) => n + Math.abs(d), 0),
    samples: w.samples,
  };
}
