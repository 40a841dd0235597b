/**
 * netperf UDP_STREAM over IPoIB connected mode between two 2008 hosts, as a
 * discrete-event simulation. The sender's core runs netperf's sendto loop,
 * the transmit completions (NAPI, at softirq priority) and the CM and reap
 * work; the HCA sends WRs in order over a serial link; the responder takes
 * SRQ buffers or answers RNR NAK; the receiver's core handles receive
 * completions (copybreak or replacement) and reposts; netserver reads the
 * socket on its own core. The same rules as the model (rnr_retry 0 fails
 * the WR and flushes the QP, the error completion tears the tx down, the
 * next packet re-creates it) decide what happens; the cost model decides
 * when. Every message's fate is tracked, one byte per message.
 */
import { EventQueue } from '../event-queue.js';
import { Rng } from '../rng.js';
import { Server } from '../server.js';
import { wireNs, type LinkCosts } from '../cost-model.js';
import { PriorityCore } from './core.js';
import { byteLen, postPath, recvPath, rxCopybreak, rxReplacement, sendPath, truesize, txCompletion, type Costs } from './costs.js';

export type SimVariant = 'copybreak-2008' | 'pre-copybreak' | 'rnr-retry-7' | 'count-success-only';

/** Seeded simulator bugs, for showing that the bounds can fail. */
export interface SimBugs {
  /** The receiver's per-packet CPU is not charged. */
  readonly rxCpuUncharged?: boolean;
  /** Packets do not occupy the link. */
  readonly linkUnserialized?: boolean;
  /** Flushed sends leave the ring without being given a fate. */
  readonly flushUncounted?: boolean;
}

export interface SimOptions {
  /** The model variant this run stands for (its receive path, retry policy and counting). */
  readonly variant: SimVariant;
  /** rnr_retry_count; defaults to the variant's (7 for rnr-retry-7, else 0). */
  readonly rnrRetry?: 0 | 7;
  /** Receive path; defaults to the variant's (replacement for pre-copybreak). */
  readonly receivePath?: 'copybreak' | 'replacement';
  readonly seed: number;
  readonly payloadBytes: number;
  readonly durationNs: number;
  readonly costs: Costs;
  readonly link: LinkCosts;
  readonly sendqSize: number;
  readonly recvqSize: number;
  readonly neighQueue: number;
  /** dev->tx_queue_len: IPoIB sets it to 2 * ipoib_sendq_size. */
  readonly txqueuelen: number;
  readonly rcvbufBytes: number;
  readonly copybreak: number;
  readonly bugs?: SimBugs;
  /** What-if: the replacement receive path costs this many times the profile's estimate (default 1). */
  readonly replacementCostFactor?: number;
  /** Sample the SRQ and the connection every `sampleNs` for the first `sampleWindowNs`. */
  readonly sampleNs?: number;
  readonly sampleWindowNs?: number;
}

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
  Enobufs,
}
export const FATE_NAMES = ['none', 'qdisc', 'neigh->queue', 'posted', 'at receiver', 'in socket', 'received', 'socket drop', 'RNR_RETRY_EXC_ERR', 'WR_FLUSH_ERR', 'neigh->queue drop', 'ENOBUFS'] as const;

type WcStatus = 'ok' | 'rnr' | 'flush';
interface Wr {
  readonly seq: number;
  status: WcStatus | null;
  sent: boolean;
  /** The responder took it into an SRQ buffer (its ACK may still be on the way). */
  landed: boolean;
}
interface SimTx {
  state: 'created' | 'reqSent' | 'up';
  qpErr: boolean;
  readonly sq: Wr[];
  /** Index in sq of the next WR to put on the wire. */
  next: number;
  sending: boolean;
  rnrWait: boolean;
  /** The responder has NAKed this QP and drops what follows until a retransmission. */
  nakAtResponder: boolean;
}

export interface SimResult {
  readonly options: SimOptions;
  readonly sends: number;
  readonly fates: Record<string, number>;
  readonly ifconfig: { txPackets: number; txErrors: number; txDropped: number; rxPackets: number };
  /** Packets the sending port put on the wire: data transmissions (RNR NAKed ones included) and CM MADs. */
  readonly portXmit: { data: number; mads: number };
  readonly wc: { ok: number; rnr: number; flush: number };
  readonly rnrNaks: number;
  readonly connectionsOpened: number;
  readonly socketDrops: number;
  readonly received: number;
  readonly cpu: { sender: Record<string, number>; receiver: Record<string, number>; netserver: Record<string, number> };
  /** Receiver CPU time spent in ipoib_cm_handle_rx_wc and the stack (both paths), ns. */
  readonly receivePathBusyNs: number;
  /** Time the link spent serialising packets, ns. */
  readonly linkBusyNs: number;
  /** Bytes per received packet on the wire, headers included. */
  readonly wireBytesPerPacket: number;
  /** The cheapest per-packet receive cost the receiver can be charged (the profile's figure less the jitter), ns. */
  readonly minReceiveNs: number;
  /** Messages the accounting could not place: must be 0. */
  readonly unaccounted: number;
  readonly samples: { t: number; srqFree: number; up: number; sends: number; wire: number }[];
}

export function simulate(o: SimOptions): SimResult {
  return new IpoibCmSim(o).run();
}

class IpoibCmSim {
  private readonly q = new EventQueue();
  private readonly rng: Rng;
  private readonly senderCpu: PriorityCore;
  private readonly receiverCpu: PriorityCore;
  private readonly netserverCpu: PriorityCore;
  private readonly wire: Server;
  private fate = new Uint8Array(1 << 20);
  private sends = 0;
  // Sender.
  private qdisc: number[] = [];
  private stopped = false;
  private txOutstanding = 0;
  private cur: SimTx | null = null;
  private neighQ: number[] = [];
  private readonly reapList: SimTx[] = [];
  private readonly txCq: { tx: SimTx; wr: Wr }[] = [];
  private txNapi = false;
  private qdiscRunQueued = false;
  // Receiver.
  private srqFree: number;
  private readonly rxCq: number[] = [];
  private rxNapi = false;
  private rmem = 0;
  private readonly socket: number[] = [];
  private netserverBusy = false;
  // Counters.
  private readonly c = { txPackets: 0, txErrors: 0, txDropped: 0, rxPackets: 0, portData: 0, portMads: 0, ok: 0, rnr: 0, flush: 0, rnrNaks: 0, opened: 0, socketDrops: 0 };
  private readonly samples: SimResult['samples'] = [];
  // Packets on the link, in flight to the responder, and ACKs in flight back: constant latencies keep them in order.
  private readonly onWire: { t: SimTx; wr: Wr }[] = [];
  private readonly toResponder: { t: SimTx; wr: Wr }[] = [];
  private readonly acks: { t: SimTx; wr: Wr }[] = [];
  private readonly costs: ReturnType<IpoibCmSim['precompute']>;

  constructor(private readonly o: SimOptions) {
    this.rng = new Rng(o.seed);
    this.senderCpu = new PriorityCore('sender', this.q);
    this.receiverCpu = new PriorityCore('receiver', this.q);
    this.netserverCpu = new PriorityCore('netserver', this.q);
    this.wire = new Server('link', this.q);
    this.srqFree = o.recvqSize;
    this.costs = this.precompute();
  }

  private precompute() {
    const c = this.o.costs;
    const len = byteLen(this.o.payloadBytes);
    const copy = (this.o.receivePath ?? (this.o.variant === 'pre-copybreak' ? 'replacement' : 'copybreak')) === 'copybreak' && len < this.o.copybreak;
    return {
      len,
      copybreakPath: copy,
      send: sendPath(c, this.o.payloadBytes).total,
      post: postPath(c).total,
      // dev_hard_start_xmit around the post when the qdisc or the REP handler re-queues.
      requeue: postPath(c).total + 300,
      txWc: txCompletion(c).total,
      rx: copy ? rxCopybreak(c, len).total : rxReplacement(c, len).total * (this.o.replacementCostFactor ?? 1),
      truesize: truesize(copy ? len + 12 : 4084 + 12),
      recv: recvPath(c, this.o.payloadBytes).total,
      wireNs: this.o.bugs?.linkUnserialized ? 0 : wireNs(this.o.link, len),
    };
  }

  /** Per-operation cost with ±20% uniform variation (cache state, lock hold times); the mean is the profile's. */
  private jitter(ns: number): number {
    return ns * (0.8 + 0.4 * this.rng.next());
  }

  private setFate(seq: number, f: Fate): void {
    this.fate[seq] = f;
  }

  run(): SimResult {
    const o = this.o;
    this.senderCpu.submit(this.netperfJob, 'process');
    this.netserverCpu.submit({ category: 'idle', start: () => 0, end: () => {} }, 'process');
    if (o.sampleNs) this.sample();
    this.q.run(o.durationNs);
    return this.result();
  }

  private sample(): void {
    this.samples.push({ t: this.q.now, srqFree: this.srqFree, up: this.cur?.state === 'up' ? 1 : 0, sends: this.sends, wire: this.c.portData });
    if (this.q.now + this.o.sampleNs! <= (this.o.sampleWindowNs ?? 0)) this.q.after(this.o.sampleNs!, () => this.sample());
  }

  // ---- netperf and the sending driver --------------------------------------------

  private readonly netperfJob = {
    category: 'netperf sendto',
    start: (): number => {
      const up = !this.stopped && this.cur?.state === 'up';
      return this.jitter(this.costs.send + (up ? this.costs.post : 0));
    },
    end: (): void => {
      if (this.q.now < this.o.durationNs) {
        this.appSend();
        this.senderCpu.submit(this.netperfJob, 'process');
      }
    },
  };

  private appSend(): void {
    const seq = this.sends++;
    if (seq >= this.fate.length) {
      const f = new Uint8Array(this.fate.length * 2);
      f.set(this.fate);
      this.fate = f;
    }
    if (this.stopped || this.qdisc.length > 0) {
      if (this.qdisc.length < this.o.txqueuelen) {
        this.qdisc.push(seq);
        this.setFate(seq, Fate.Qdisc);
      } else this.setFate(seq, Fate.Enobufs);
      if (!this.stopped) this.qdiscRun();
      return;
    }
    this.startXmit(seq);
  }

  /** ipoib_start_xmit. */
  private startXmit(seq: number): void {
    const t = this.cur;
    if (!t) {
      this.cur = { state: 'created', qpErr: false, sq: [], next: 0, sending: false, rnrWait: false, nakAtResponder: false };
      this.neighQ = [seq];
      this.setFate(seq, Fate.NeighQueue);
      this.startTask(this.cur);
    } else if (t.state === 'up') this.post(t, seq);
    else if (this.neighQ.length < this.o.neighQueue) {
      this.neighQ.push(seq);
      this.setFate(seq, Fate.NeighQueue);
    } else {
      this.c.txDropped++;
      this.setFate(seq, Fate.NeighDrop);
    }
  }

  /** ipoib_cm_send. */
  private post(t: SimTx, seq: number): void {
    const wr: Wr = { seq, status: t.qpErr ? 'flush' : null, sent: false, landed: false };
    t.sq.push(wr);
    this.setFate(seq, Fate.Posted);
    if (++this.txOutstanding === this.o.sendqSize) this.stopped = true;
    if (wr.status) this.pushTxCqe(t, wr);
    else this.kick(t);
  }

  private qdiscRun(): void {
    if (this.qdiscRunQueued) return;
    this.qdiscRunQueued = true;
    let n = 0;
    this.senderCpu.submit(
      {
        category: 'net_tx_action',
        start: () => {
          n = Math.min(this.qdisc.length, Math.max(0, this.o.sendqSize - this.txOutstanding));
          return this.jitter(n * this.costs.requeue);
        },
        end: () => {
          this.qdiscRunQueued = false;
          while (!this.stopped && this.qdisc.length > 0) this.startXmit(this.qdisc.shift()!);
        },
      },
      'softirq',
    );
  }

  // ---- the HCA: requester, link, responder -------------------------------------

  private kick(t: SimTx): void {
    if (t.sending || t.qpErr || t.rnrWait || t.state !== 'up' || t.next >= t.sq.length) return;
    const wr = t.sq[t.next++];
    wr.sent = true;
    t.sending = true;
    this.onWire.push({ t, wr });
    this.wire.serve(this.costs.wireNs, 'data', this.wireDone);
  }

  private readonly wireDone = (): void => {
    const p = this.onWire.shift()!;
    p.t.sending = false;
    this.toResponder.push(p);
    this.q.after(this.o.costs.hca.fabricLatencyNs, this.landed);
    this.kick(p.t);
  };

  private readonly landed = (): void => {
    const p = this.toResponder.shift()!;
    this.arrive(p.t, p.wr);
  };

  private readonly acked = (): void => {
    const p = this.acks.shift()!;
    p.wr.status = 'ok';
    this.pushTxCqe(p.t, p.wr);
  };

  private arrive(t: SimTx, wr: Wr): void {
    this.c.portData++;
    if (t.nakAtResponder || wr.status) return; // out of sequence after a NAK: discarded
    if (this.srqFree > 0) {
      this.srqFree--;
      wr.landed = true;
      this.rxCq.push(wr.seq);
      this.setFate(wr.seq, Fate.AtReceiver);
      this.acks.push({ t, wr });
      this.q.after(this.o.costs.hca.fabricLatencyNs, this.acked);
      this.rxInterrupt();
      return;
    }
    t.nakAtResponder = true;
    this.c.rnrNaks++;
    this.q.after(this.o.costs.hca.fabricLatencyNs, () => this.rnrNak(t, wr));
  }

  private rnrNak(t: SimTx, wr: Wr): void {
    const i = t.sq.indexOf(wr);
    if ((this.o.rnrRetry ?? (this.o.variant === 'rnr-retry-7' ? 7 : 0)) === 7) {
      // Go back to the NAKed WR after the RNR timer; the responder expects it again.
      t.rnrWait = true;
      for (let j = i; j < t.sq.length; j++) t.sq[j].sent = false;
      t.next = i;
      this.q.after(this.o.costs.hca.rnrTimerNs, () => {
        t.rnrWait = false;
        t.nakAtResponder = false;
        this.kick(t);
      });
      return;
    }
    // rnr_retry 0: RNR_RETRY_EXC_ERR, the QP enters ERR, everything behind is flushed.
    wr.status = 'rnr';
    t.qpErr = true;
    this.pushTxCqe(t, wr);
    for (let j = i + 1; j < t.sq.length; j++) {
      if (!t.sq[j].status) {
        t.sq[j].status = 'flush';
        this.pushTxCqe(t, t.sq[j]);
      }
    }
  }

  // ---- send completions (NAPI on the sender) -------------------------------------

  private pushTxCqe(t: SimTx, wr: Wr): void {
    this.txCq.push({ tx: t, wr });
    if (this.txNapi) return;
    this.txNapi = true;
    this.submitTxNapi(true);
  }

  private txBatch: { tx: SimTx; wr: Wr }[] = [];
  private txInterrupt = false;
  private readonly txNapiJob = {
    category: 'send completions',
    start: (): number => {
      this.txBatch = this.txCq.splice(0, 64);
      return this.jitter((this.txInterrupt ? this.o.costs.hca.napiEventNs : 0) + this.txBatch.length * this.costs.txWc);
    },
    end: (): void => {
      for (const { tx, wr } of this.txBatch) this.handleTxWc(tx, wr);
      if (this.txCq.length > 0) this.submitTxNapi(false);
      else this.txNapi = false;
    },
  };

  private submitTxNapi(interrupt: boolean): void {
    this.txInterrupt = interrupt;
    this.senderCpu.submit(this.txNapiJob, 'softirq');
  }

  /** ipoib_cm_handle_tx_wc. */
  private handleTxWc(t: SimTx, wr: Wr): void {
    const head = t.sq.shift();
    if (head !== wr) throw new Error('send completions out of order');
    t.next--;
    if (t.next < 0) t.next = 0;
    if (this.o.variant === 'count-success-only' && wr.status !== 'ok') this.c.txErrors++;
    else this.c.txPackets++;
    if (wr.status === 'ok') this.c.ok++;
    else if (wr.status === 'flush') {
      this.c.flush++;
      if (!this.o.bugs?.flushUncounted) this.setFate(wr.seq, Fate.Flushed);
    } else {
      this.c.rnr++;
      this.setFate(wr.seq, Fate.FailedRnr);
    }
    if (--this.txOutstanding === this.o.sendqSize >> 1 && this.stopped) {
      this.stopped = false;
      if (this.qdisc.length > 0) this.qdiscRun();
    }
    if (wr.status === 'rnr' && t === this.cur) {
      // neigh->cm = NULL, ipoib_neigh_free drops neigh->queue, the tx goes on reap_list.
      this.cur = null;
      for (const seq of this.neighQ) {
        this.c.txDropped++;
        this.setFate(seq, Fate.NeighDrop);
      }
      this.neighQ = [];
      this.reapList.push(t);
    }
    if (t.sq.length === 0 && this.reapList.includes(t)) this.reap(t);
  }

  // ---- connection setup and teardown -----------------------------------------------

  private cmJob(core: PriorityCore, category: string, then: () => void): void {
    core.submit({ category, start: () => this.jitter(this.o.costs.hca.cmCpuNs), end: then }, 'process');
  }

  /** start_task: create the QP, INIT, send the REQ; the peer's REQ handler; REP; RTR, RTS, OPER_UP, re-queue, RTU. */
  private startTask(t: SimTx): void {
    const h = this.o.costs.hca;
    this.cmJob(this.senderCpu, 'CM and reap work', () =>
      this.q.after(h.qpCreateNs + h.qpModifyNs, () => {
        t.state = 'reqSent';
        this.c.portMads++; // REQ
        this.q.after(h.madNs, () =>
          this.cmJob(this.receiverCpu, 'CM REQ handler', () =>
            this.q.after(h.qpCreateNs + 3 * h.qpModifyNs + h.madNs, () =>
              this.cmJob(this.senderCpu, 'CM and reap work', () => this.q.after(2 * h.qpModifyNs, () => this.operUp(t))),
            ),
          ),
        );
      }),
    );
  }

  private operUp(t: SimTx): void {
    let queued: number[] = [];
    this.senderCpu.submit(
      {
        category: 'CM and reap work',
        start: () => {
          t.state = 'up';
          this.c.opened++;
          queued = this.neighQ;
          this.neighQ = [];
          return this.jitter(queued.length * this.costs.requeue);
        },
        end: () => {
          for (const seq of queued) {
            if (this.stopped || this.qdisc.length > 0) {
              this.qdisc.push(seq);
              this.setFate(seq, Fate.Qdisc);
            } else this.startXmit(seq);
          }
          if (!this.stopped && this.qdisc.length > 0) this.qdiscRun();
          this.c.portMads++; // RTU
        },
      },
      'process',
    );
  }

  /** ipoib_cm_tx_reap: destroy the cm_id (DREQ) and the QP once tail == head. */
  private reap(t: SimTx): void {
    this.cmJob(this.senderCpu, 'CM and reap work', () => {
      this.c.portMads++; // DREQ
      this.q.after(this.o.costs.hca.madNs, () => this.cmJob(this.receiverCpu, 'CM REQ handler', () => {}));
      this.q.after(this.o.costs.hca.qpDestroyNs, () => this.reapList.splice(this.reapList.indexOf(t), 1));
    });
  }

  // ---- the receiver -------------------------------------------------------------------

  private rxInterrupt(): void {
    if (this.rxNapi) return;
    this.rxNapi = true;
    this.submitRxPoll(true);
  }

  private rxSeq = -1;
  private rxInterruptPending = false;
  /** ipoib_cm_handle_rx_wc for one completion; the buffer is reposted when it ends. */
  private readonly rxPollJob = {
    category: 'receive',
    start: (): number => {
      this.rxSeq = this.rxCq.shift()!;
      const cost = (this.rxInterruptPending ? this.o.costs.hca.napiEventNs : 0) + this.costs.rx;
      return this.o.bugs?.rxCpuUncharged ? 0 : this.jitter(cost);
    },
    end: (): void => {
      const seq = this.rxSeq;
      this.srqFree++;
      this.c.rxPackets++;
      if (this.rmem + this.costs.truesize <= this.o.rcvbufBytes) {
        this.rmem += this.costs.truesize;
        this.socket.push(seq);
        this.setFate(seq, Fate.InSocket);
        this.wakeNetserver();
      } else {
        this.c.socketDrops++;
        this.setFate(seq, Fate.SocketDrop);
      }
      if (this.rxCq.length > 0) this.submitRxPoll(false);
      else this.rxNapi = false;
    },
  };

  private submitRxPoll(interrupt: boolean): void {
    this.rxInterruptPending = interrupt;
    this.receiverCpu.submit(this.rxPollJob, 'softirq');
  }

  private wakeNetserver(): void {
    if (this.netserverBusy) return;
    this.netserverBusy = true;
    this.submitRecv(true);
  }

  private recvWake = false;
  private readonly recvJob = {
    category: 'netserver recvmsg',
    start: (): number => this.jitter((this.recvWake ? this.o.costs.host.wakeupNs : 0) + this.costs.recv),
    end: (): void => {
      const seq = this.socket.shift()!;
      this.rmem -= this.costs.truesize;
      this.setFate(seq, Fate.Received);
      if (this.socket.length > 0) this.submitRecv(false);
      else this.netserverBusy = false;
    },
  };

  private submitRecv(wake: boolean): void {
    this.recvWake = wake;
    this.netserverCpu.submit(this.recvJob, 'process');
  }

  // ---- the result -------------------------------------------------------------------------

  private result(): SimResult {
    const counts = new Array<number>(FATE_NAMES.length).fill(0);
    for (let i = 0; i < this.sends; i++) counts[this.fate[i]]++;
    // What the structures hold must match what the fates say is there.
    // ACKed WRs waiting for their completion hold messages already at the receiver.
    const unacked = (t: SimTx) => t.sq.filter((w) => !w.landed).length;
    const posted = (this.cur ? unacked(this.cur) : 0) + this.reapList.reduce((n, t) => n + unacked(t), 0);
    const expectedHere = [counts[Fate.Qdisc] - this.qdisc.length, counts[Fate.NeighQueue] - this.neighQ.length, counts[Fate.Posted] - posted, counts[Fate.InSocket] - this.socket.length];
    const unaccounted = counts[Fate.None] + expectedHere.reduce((n, d) => n + Math.abs(d), 0);
    const shares = (core: PriorityCore) => Object.fromEntries([...core.byCategory].map(([k, v]) => [k, v / this.o.durationNs]));
    return {
      options: this.o,
      sends: this.sends,
      fates: Object.fromEntries(FATE_NAMES.map((n, i) => [n, counts[i]])),
      ifconfig: { txPackets: this.c.txPackets, txErrors: this.c.txErrors, txDropped: this.c.txDropped, rxPackets: this.c.rxPackets },
      portXmit: { data: this.c.portData, mads: this.c.portMads },
      wc: { ok: this.c.ok, rnr: this.c.rnr, flush: this.c.flush },
      rnrNaks: this.c.rnrNaks,
      connectionsOpened: this.c.opened,
      socketDrops: this.c.socketDrops,
      received: counts[Fate.Received],
      cpu: { sender: shares(this.senderCpu), receiver: shares(this.receiverCpu), netserver: shares(this.netserverCpu) },
      receivePathBusyNs: this.receiverCpu.byCategory.get('receive') ?? 0,
      linkBusyNs: this.wire.busyNs,
      wireBytesPerPacket: this.costs.len + this.o.link.overheadBytes,
      minReceiveNs: 0.8 * this.costs.rx,
      unaccounted,
      samples: this.samples,
    };
  }
}
