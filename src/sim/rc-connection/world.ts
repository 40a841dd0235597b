/**
 * What the parts of the rc-connection simulation share: the clock, the
 * cores and the link, the per-operation prices of this run, the kernel's
 * and the port's counters, and every message's fate (one byte per message,
 * so a 10 s run of millions of sends stays small).
 */
import { EventQueue } from '../event-queue.js';
import { Rng } from '../rng.js';
import { Server } from '../server.js';
import { wireNs } from '../cost-model.js';
import { PriorityCore } from './core.js';
import { byteLen, postPath, recvPath, rxCopybreak, rxReplacement, sendPath, sendTruesize, truesize, txCompletion } from './costs.js';
import type { SimOptions } from './ipoib-cm-sim.js';
import { IPOIB_CM_HEAD_SIZE } from '../../impl/rc-connection/constants.js';

/** Where a message is, or how it ended. */
export const enum Fate {
  None = 0,
  Qdisc,
  NeighQueue,
  Posted,
  AtReceiver,
  InSocket,
  // Ends:
  Received,
  SocketDrop,
  FailedRnr,
  Flushed,
  NeighDrop,
  QdiscDrop,
}
export const FATE_NAMES = ['none', 'qdisc', 'neigh->queue', 'posted', 'at receiver', 'in socket', 'received', 'socket drop', 'RNR_RETRY_EXC_ERR', 'WR_FLUSH_ERR', 'neigh->queue drop', 'qdisc drop'] as const;

export type WcStatus = 'ok' | 'rnr' | 'flush';

/** A send WR on an RC QP. */
export interface Wr {
  readonly seq: number;
  status: WcStatus | null;
  sent: boolean;
  /** The responder took it into an SRQ buffer (its ACK may still be on the way). */
  landed: boolean;
}

/** struct ipoib_cm_tx with its QP as the HCA runs it. */
export interface SimTx {
  state: 'created' | 'reqSent' | 'up';
  qpErr: boolean;
  readonly sq: Wr[];
  /** Index in sq of the next WR to put on the wire. */
  next: number;
  sending: boolean;
  rnrWait: boolean;
  /** RNR retries left for the head WR (reloaded on every ACK; unused with rnr_retry 7, which retries forever). */
  rnrLeft: number;
  /** The responder has NAKed this QP and drops what follows until a retransmission. */
  nakAtResponder: boolean;
}

/** The kernels' and the port's counters, and what the flow-control checks need. */
export interface Counters {
  txPackets: number;
  txErrors: number;
  txDropped: number;
  rxPackets: number;
  portData: number;
  portMads: number;
  ok: number;
  rnr: number;
  flush: number;
  rnrNaks: number;
  opened: number;
  socketDrops: number;
  qdiscDrops: number;
  /** netif_stop_queue calls. */
  queueStops: number;
  /** netif_wake_queue calls, and those not at tx_outstanding == sendq_size / 2. */
  queueWakes: number;
  wakesNotAtHalf: number;
  maxTxOutstanding: number;
  /** Times netperf's sendto slept on SO_SNDBUF. */
  netperfBlocks: number;
}

/** This run's per-operation prices, ns (before the per-job variation). */
export function prices(o: SimOptions) {
  const c = o.costs;
  const len = byteLen(o.payloadBytes);
  const copybreakPath = o.behaviour.copybreak && len < o.copybreak;
  return {
    len,
    copybreakPath,
    send: sendPath(c, o.payloadBytes).total,
    post: postPath(c).total,
    /** An skb that waited in the qdisc: net_tx_action's dequeue and xmit, then the post. */
    requeue: c.kernel.qdiscRestartNs + postPath(c).total,
    txWc: txCompletion(c).total,
    rx: copybreakPath ? rxCopybreak(c, len).total : rxReplacement(c, len).total * (o.replacementCostFactor ?? 1),
    /** truesize charged to netserver's socket: the small copy, or the 4 KB head the replacement path hands up. */
    rxTruesize: truesize(copybreakPath ? len + 12 : IPOIB_CM_HEAD_SIZE + 12),
    /** truesize charged to netperf's socket until the send completion frees the skb. */
    txTruesize: sendTruesize(o.payloadBytes),
    recv: recvPath(c, o.payloadBytes).total,
    wireNs: o.bugs?.linkUnserialized ? 0 : wireNs(o.link, len),
  };
}

export type Prices = ReturnType<typeof prices>;

export class World {
  readonly q = new EventQueue();
  readonly rng: Rng;
  readonly senderCpu: PriorityCore;
  readonly receiverCpu: PriorityCore;
  /** netserver's core: its own, or the receiver's interrupt core. */
  readonly netserverCpu: PriorityCore;
  readonly link: Server;
  readonly price: Prices;
  readonly c: Counters = {
    txPackets: 0, txErrors: 0, txDropped: 0, rxPackets: 0, portData: 0, portMads: 0, ok: 0, rnr: 0, flush: 0, rnrNaks: 0, opened: 0,
    socketDrops: 0, qdiscDrops: 0, queueStops: 0, queueWakes: 0, wakesNotAtHalf: 0, maxTxOutstanding: 0, netperfBlocks: 0,
  };
  readonly samples: { t: number; srqFree: number; up: number; sends: number; wire: number }[] = [];
  private fate = new Uint8Array(1 << 20);
  /** Application sends so far; the next message is number `sends`. */
  sends = 0;

  constructor(readonly o: SimOptions) {
    this.rng = new Rng(o.seed);
    this.senderCpu = new PriorityCore('sender', this.q);
    this.receiverCpu = new PriorityCore('receiver', this.q);
    this.netserverCpu = o.netserver === 'own core' ? new PriorityCore('netserver', this.q) : this.receiverCpu;
    this.link = new Server('link', this.q);
    this.price = prices(o);
  }

  /** A job's cost: uniform within ±costVariation of the profile's figure, so the mean is the profile's. */
  jitter(ns: number): number {
    const v = this.o.costs.kernel.costVariation;
    return ns * (1 - v + 2 * v * this.rng.next());
  }

  /** netperf's next message number. */
  newMessage(): number {
    const seq = this.sends++;
    if (seq >= this.fate.length) {
      const f = new Uint8Array(this.fate.length * 2);
      f.set(this.fate);
      this.fate = f;
    }
    return seq;
  }

  setFate(seq: number, f: Fate): void {
    this.fate[seq] = f;
  }

  /** Messages per fate, indexed like FATE_NAMES. */
  fateCounts(): number[] {
    const counts = new Array<number>(FATE_NAMES.length).fill(0);
    for (let i = 0; i < this.sends; i++) counts[this.fate[i]]++;
    return counts;
  }
}
