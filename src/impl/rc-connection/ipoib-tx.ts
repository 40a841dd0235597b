/**
 * The sending host's IPoIB connected-mode transmit path, written as the
 * kernel's C is (ipoib_cm.c at 5b095d98, ipoib_main.c): free-running
 * tx_head/tx_tail indices into a tx_ring of skbs, flags, and a device-wide
 * tx_outstanding that stops and wakes the netif queue. Independent of the
 * model's code, so lockstep tests compare two implementations.
 */
import type { RcBehaviour } from '../../../models/rc-connection/behaviour.js';
import { RcQp, type SendWr } from './rc-qp.js';
import type { TxSkb } from './skb.js';

export type CmIdState = 'idle' | 'reqSent' | 'established' | 'timewait' | 'exited';
/** How a message ended on the sending host. */
export type TxEnd = 'x' | 'e' | 'f' | 'l';

export interface TxConfig {
  readonly sendqSize: number;
  readonly neighQueue: number;
  readonly rnrRetry: number;
}

/** struct ipoib_cm_tx. */
export class CmTx {
  qp: RcQp | null = null;
  cm: CmIdState = 'idle';
  initialized = true;
  operUp = false;
  txHead = 0;
  txTail = 0;
  readonly txRing: (TxSkb | null)[];
  /** Times queued on reap_list. */
  reaps = 0;

  constructor(sendqSize: number) {
    this.txRing = new Array<TxSkb | null>(sendqSize).fill(null);
  }
}

export class IpoibSender {
  readonly qdisc: TxSkb[] = [];
  stopped = false;
  txOutstanding = 0;
  /** The neighbour: neigh->cm and neigh->queue (a fresh ipoib_neigh after every teardown). */
  neighCm: CmTx | null = null;
  neighQueue: TxSkb[] = [];
  readonly reapList: CmTx[] = [];
  readonly stats = { txPackets: 0, txErrors: 0, txDropped: 0, wcOk: 0, wcErr: 0, wcFlush: 0 };
  /** Connections that reached OPER_UP. */
  opened = 0;
  /** Bookkeeping for the oracle: how messages ended here, and which messages each QP was given, in order. */
  readonly ends = new Map<number, TxEnd | '!'>();
  readonly postedOn = new Map<number, number[]>();

  constructor(
    readonly cfg: TxConfig,
    readonly b: RcBehaviour,
  ) {}

  private end(seq: number, how: TxEnd): void {
    this.ends.set(seq, this.ends.has(seq) ? '!' : how);
  }

  /** dev_queue_xmit. */
  devQueueXmit(skbs: readonly TxSkb[]): void {
    this.qdisc.push(...skbs);
    this.qdiscRun();
  }

  /** qdisc_run: hard_start_xmit while the queue is not stopped. */
  qdiscRun(): void {
    while (!this.stopped && this.qdisc.length > 0) this.startXmit(this.qdisc.shift()!);
  }

  /** ipoib_start_xmit, for a unicast IP packet to the CM-capable neighbour. */
  private startXmit(skb: TxSkb): void {
    const tx = this.neighCm;
    if (!tx) {
      // neigh_add_path: a new ipoib_neigh, path->ah cached; ipoib_cm_create_tx; the skb waits.
      this.neighCm = new CmTx(this.cfg.sendqSize);
      this.neighQueue = [skb];
      return;
    }
    if (tx.operUp || (this.b.postWhileNotUp && tx.qp !== null)) {
      this.cmSend(tx, skb);
      return;
    }
    if (this.neighQueue.length < this.cfg.neighQueue) this.neighQueue.push(skb);
    else {
      ++this.stats.txDropped;
      this.end(skb.seq, 'x');
    }
  }

  /** ipoib_cm_send: the skb goes into its slot before the post; stop the queue when the ring is full. */
  private cmSend(tx: CmTx, skb: TxSkb): void {
    const slot = tx.txHead & (this.cfg.sendqSize - 1);
    tx.txRing[slot] = skb;
    tx.qp!.postSend(slot, skb.len);
    const order = this.postedOn.get(tx.qp!.qpn) ?? [];
    order.push(skb.seq);
    this.postedOn.set(tx.qp!.qpn, order);
    ++tx.txHead;
    if (++this.txOutstanding === this.cfg.sendqSize) this.stopped = true;
  }

  /** ipoib_cm_tx_start -> ipoib_cm_tx_init: create the QP, modify to INIT, send the REQ. */
  startTask(): void {
    const tx = this.neighCm!;
    tx.qp = new RcQp(this.cfg.rnrRetry);
    tx.qp.state = 'INIT';
    tx.cm = 'reqSent';
  }

  /** ipoib_cm_rep_handler. */
  repHandler(): void {
    const tx = this.neighCm!;
    tx.qp!.state = 'RTR';
    tx.qp!.state = 'RTS';
    tx.cm = 'established';
    tx.operUp = true;
    this.opened++;
    const skqueue = this.neighQueue;
    this.neighQueue = [];
    this.devQueueXmit(skqueue);
    // ib_send_cm_rtu
  }

  private decOutstanding(): void {
    const before = this.txOutstanding--;
    const seen = this.b.wakeOffByOne ? before : this.txOutstanding;
    if (seen === this.cfg.sendqSize >> 1 && this.stopped) this.stopped = false;
  }

  /** The neighbour's tx is torn down: neigh->cm = NULL, ipoib_neigh_free drops neigh->queue, reap it. */
  private detachNeigh(tx: CmTx): void {
    this.neighCm = null;
    for (const skb of this.neighQueue) {
      ++this.stats.txDropped;
      this.end(skb.seq, 'x');
    }
    this.neighQueue = [];
    if (tx.initialized) {
      tx.initialized = false; // test_and_clear_bit(IPOIB_FLAG_INITIALIZED)
      this.queueReap(tx);
    }
  }

  private queueReap(tx: CmTx): void {
    tx.reaps++;
    if (!this.reapList.includes(tx)) this.reapList.push(tx);
  }

  /** ipoib_cm_handle_tx_wc for the oldest finished WR of `tx`. */
  handleTxWc(tx: CmTx): SendWr {
    const wc = tx.qp!.poll();
    if (!wc) throw new Error('no send completion to poll');
    const skb = tx.txRing[wc.wrId]!;
    // "FIXME: is this right? Shouldn't we only increment on success?"
    if (this.b.txPacketsOnSuccessOnly && wc.status !== 'SUCCESS') ++this.stats.txErrors;
    else ++this.stats.txPackets;
    if (wc.status === 'SUCCESS') this.stats.wcOk++;
    else if (wc.status === 'WR_FLUSH_ERR') {
      this.stats.wcFlush++;
      this.end(skb.seq, 'f');
    } else {
      this.stats.wcErr++;
      this.end(skb.seq, 'e');
    }
    tx.txRing[wc.wrId] = null; // dev_kfree_skb_any
    ++tx.txTail;
    this.decOutstanding();
    if (wc.status !== 'SUCCESS' && wc.status !== 'WR_FLUSH_ERR') {
      if (this.neighCm === tx) this.detachNeigh(tx);
      tx.operUp = false;
    }
    return wc;
  }

  /** ipoib_cm_tx_handler: IB_CM_REJ_RECEIVED, IB_CM_REQ_ERROR, IB_CM_TIMEWAIT_EXIT. */
  cmError(tx: CmTx): void {
    tx.cm = 'exited';
    if (this.neighCm === tx) this.detachNeigh(tx);
    else if (tx.initialized) {
      tx.initialized = false;
      this.queueReap(tx);
    } else if (this.b.cmReapsWithoutTestAndClear) this.queueReap(tx);
  }

  /** ipoib_cm_tx_reap: destroy the oldest torn-down tx once tail == head. */
  reap(): void {
    const tx = this.reapList[0];
    if (tx.txTail !== tx.txHead) throw new Error('ipoib_cm_tx_destroy would still be waiting for tail == head');
    this.reapList.shift();
  }

  /** ipoib_cm_tx_destroy after its 5 s wait: free what never completed. */
  reapTimeout(): void {
    const tx = this.reapList.shift()!;
    while (tx.txTail - tx.txHead < 0) {
      const slot = tx.txTail & (this.cfg.sendqSize - 1);
      this.end(tx.txRing[slot]!.seq, 'l');
      tx.txRing[slot] = null;
      ++tx.txTail;
      this.decOutstanding();
    }
  }
}
