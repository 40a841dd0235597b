/**
 * The sending host: netperf's sendto loop with its socket's send buffer,
 * the qdisc and the netif queue's stop/wake rule, ipoib_start_xmit to the
 * CM neighbour (neigh->queue while the connection is not up), ipoib_cm_send,
 * and ipoib_cm_handle_tx_wc in the send-completion NAPI poll, with the
 * teardown an error completion starts. Connection setup and reaping are in
 * connection.ts; the wire is the HCA's (hca.ts).
 *
 * A full qdisc drops the skb silently: before 6ce9e7b5 ("ip: Report qdisc
 * packet drops", 2.6.32) ip_push_pending_frames turned NET_XMIT_DROP into
 * success unless the socket set IP_RECVERR, which netperf does not, so
 * netperf counts such a send as sent (the seed's 0 errors). netperf sleeps
 * only when its skbs in flight reach SO_SNDBUF (sock_alloc_send_skb), and
 * is woken when they fall to half of it (sock_def_write_space).
 */
import { reap, startTask } from './connection.js';
import type { Hca } from './hca.js';
import { Fate, type SimTx, type Wr, type World } from './world.js';

export class Sender {
  /** The device's qdisc (pfifo_fast, up to txqueuelen skbs). */
  readonly qdisc: number[] = [];
  stopped = false;
  txOutstanding = 0;
  /** neigh->cm, and neigh->queue while it is not up. */
  cur: SimTx | null = null;
  neighQ: number[] = [];
  readonly reapList: SimTx[] = [];
  private hca!: Hca;
  /** sk_wmem_alloc of netperf's socket: the truesize of its skbs not yet freed. */
  private wmem = 0;
  private blocked = false;
  private woken = false;
  private readonly txCq: { tx: SimTx; wr: Wr }[] = [];
  private txNapi = false;
  private txBatch: { tx: SimTx; wr: Wr }[] = [];
  private txInterrupt = false;
  private qdiscRunQueued = false;

  constructor(private readonly w: World) {}

  attach(hca: Hca): void {
    this.hca = hca;
  }

  start(): void {
    this.w.senderCpu.submit(this.netperfJob, 'process');
  }

  // ---- netperf and its socket ----------------------------------------------------------

  private readonly netperfJob = {
    category: 'netperf sendto',
    start: (): number => {
      const w = this.w;
      const posts = !this.stopped && this.cur?.state === 'up';
      const wake = this.woken ? w.o.costs.host.wakeupNs : 0;
      this.woken = false;
      return w.jitter(w.price.send + (posts ? w.price.post : 0) + wake);
    },
    end: (): void => {
      if (this.w.q.now >= this.w.o.durationNs) return;
      this.appSend();
      if (this.wmem >= this.w.o.sndbufBytes) {
        // The next sock_alloc_send_skb would sleep until sk_write_space.
        this.blocked = true;
        this.w.c.netperfBlocks++;
      } else this.w.senderCpu.submit(this.netperfJob, 'process');
    },
  };

  /** The skb is freed (sock_wfree): netperf is woken once half the send buffer is free again. */
  private freeSkb(): void {
    this.wmem -= this.w.price.txTruesize;
    if (this.blocked && 2 * this.wmem <= this.w.o.sndbufBytes) {
      this.blocked = false;
      this.woken = true;
      this.w.senderCpu.submit(this.netperfJob, 'process');
    }
  }

  private appSend(): void {
    const seq = this.w.newMessage();
    this.wmem += this.w.price.txTruesize;
    if (this.stopped || this.qdisc.length > 0) this.enqueue(seq);
    else this.startXmit(seq);
  }

  /** dev_queue_xmit onto a queue that is stopped or not empty: pfifo_fast takes it, or drops it when full. */
  enqueue(seq: number): void {
    if (this.qdisc.length < this.w.o.txqueuelen) {
      this.qdisc.push(seq);
      this.w.setFate(seq, Fate.Qdisc);
    } else {
      this.w.c.qdiscDrops++;
      this.w.setFate(seq, Fate.QdiscDrop);
      this.freeSkb();
    }
    if (!this.stopped) this.qdiscRun();
  }

  // ---- the driver's transmit side --------------------------------------------------------

  /** ipoib_start_xmit. */
  startXmit(seq: number): void {
    const t = this.cur;
    if (!t) {
      this.cur = { state: 'created', qpErr: false, sq: [], next: 0, sending: false, rnrWait: false, rnrLeft: this.w.o.rnrRetry, nakAtResponder: false };
      this.neighQ = [seq];
      this.w.setFate(seq, Fate.NeighQueue);
      startTask(this.w, this, this.cur);
    } else if (t.state === 'up') this.post(t, seq);
    else if (this.neighQ.length < this.w.o.neighQueue) {
      this.neighQ.push(seq);
      this.w.setFate(seq, Fate.NeighQueue);
    } else this.neighDrop(seq);
  }

  /** An skb dropped on neigh->queue: tx_dropped++, freed. */
  private neighDrop(seq: number): void {
    if (!this.w.o.bugs?.neighDropUncounted) this.w.c.txDropped++;
    this.w.setFate(seq, Fate.NeighDrop);
    this.freeSkb();
  }

  /** ipoib_cm_send: post, and netif_stop_queue when ++tx_outstanding == sendq_size. */
  private post(t: SimTx, seq: number): void {
    const w = this.w;
    const wr: Wr = { seq, status: t.qpErr ? 'flush' : null, sent: false, landed: false };
    t.sq.push(wr);
    w.setFate(seq, Fate.Posted);
    if (++this.txOutstanding > w.c.maxTxOutstanding) w.c.maxTxOutstanding = this.txOutstanding;
    if (this.txOutstanding === w.o.sendqSize && !w.o.bugs?.noQueueStop) {
      this.stopped = true;
      w.c.queueStops++;
    }
    if (wr.status) this.pushTxCqe(t, wr);
    else this.hca.kick(t);
  }

  /** net_tx_action: qdisc_run hands waiting skbs to ipoib_start_xmit while the queue runs. */
  qdiscRun(): void {
    if (this.qdiscRunQueued) return;
    this.qdiscRunQueued = true;
    let n = 0;
    this.w.senderCpu.submit(
      {
        category: 'net_tx_action',
        start: () => {
          n = Math.min(this.qdisc.length, Math.max(0, this.w.o.sendqSize - this.txOutstanding));
          return this.w.jitter(n * this.w.price.requeue);
        },
        end: () => {
          this.qdiscRunQueued = false;
          while (!this.stopped && this.qdisc.length > 0) this.startXmit(this.qdisc.shift()!);
        },
      },
      'softirq',
    );
  }

  // ---- send completions (NAPI) -------------------------------------------------------------

  pushTxCqe(t: SimTx, wr: Wr): void {
    this.txCq.push({ tx: t, wr });
    if (this.txNapi) return;
    this.txNapi = true;
    this.submitTxNapi(true);
  }

  private readonly txNapiJob = {
    category: 'send completions',
    start: (): number => {
      const w = this.w;
      this.txBatch = this.txCq.splice(0, w.o.napiWeight);
      return w.jitter((this.txInterrupt ? w.o.costs.hca.napiEventNs : 0) + this.txBatch.length * w.price.txWc);
    },
    end: (): void => {
      for (const { tx, wr } of this.txBatch) this.handleTxWc(tx, wr);
      if (this.txCq.length > 0) this.submitTxNapi(false);
      else this.txNapi = false;
    },
  };

  private submitTxNapi(interrupt: boolean): void {
    this.txInterrupt = interrupt;
    this.w.senderCpu.submit(this.txNapiJob, 'softirq');
  }

  /** ipoib_cm_handle_tx_wc: tx_packets for every completion (the FIXME), the wake rule, teardown on an error. */
  private handleTxWc(t: SimTx, wr: Wr): void {
    const w = this.w;
    const c = w.c;
    if (t.sq.shift() !== wr) throw new Error('send completions out of order');
    t.next = Math.max(0, t.next - 1);
    if (w.o.behaviour.txPacketsOnSuccessOnly && wr.status !== 'ok') c.txErrors++;
    else c.txPackets++;
    if (wr.status === 'ok') c.ok++;
    else if (wr.status === 'flush') {
      c.flush++;
      if (!w.o.bugs?.flushUncounted) w.setFate(wr.seq, Fate.Flushed);
    } else {
      c.rnr++;
      w.setFate(wr.seq, Fate.FailedRnr);
    }
    this.freeSkb();
    const before = this.txOutstanding--;
    const seen = w.o.behaviour.wakeOffByOne ? before : this.txOutstanding;
    if (seen === w.o.sendqSize >> 1 && this.stopped) {
      this.stopped = false;
      c.queueWakes++;
      if (this.txOutstanding !== w.o.sendqSize >> 1) c.wakesNotAtHalf++;
      if (this.qdisc.length > 0) this.qdiscRun();
    }
    if (wr.status === 'rnr' && t === this.cur) {
      // neigh->cm = NULL, ipoib_neigh_free drops neigh->queue, the tx goes on reap_list.
      this.cur = null;
      for (const seq of this.neighQ) this.neighDrop(seq);
      this.neighQ = [];
      this.reapList.push(t);
    }
    if (t.sq.length === 0 && this.reapList.includes(t)) reap(w, this, t);
  }

  /** ipoib_cm_rep_handler's re-queue of neigh->queue through dev_queue_xmit. */
  requeue(queued: readonly number[]): void {
    for (const seq of queued) {
      if (this.stopped || this.qdisc.length > 0) this.enqueue(seq);
      else this.startXmit(seq);
    }
    if (!this.stopped && this.qdisc.length > 0) this.qdiscRun();
  }
}
