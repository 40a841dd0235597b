/**
 * The sending host's IPoIB connected-mode transmit path, as pure context
 * transforms named after the kernel functions they follow
 * (ipoib_main.c: ipoib_start_xmit, neigh_add_path; ipoib_cm.c@5b095d98:
 * ipoib_cm_create_tx, ipoib_cm_tx_start, ipoib_cm_rep_handler,
 * ipoib_cm_send, ipoib_cm_handle_tx_wc, ipoib_cm_tx_handler,
 * ipoib_cm_tx_destroy). kernel-facts §1.2, §1.3, §1.8.
 */
import type { RcBehaviour } from './behaviour.js';
import type { RcParams } from './params.js';
import { endMessage, newTx, txAt, withTx, type Draft, type Tx, type TxRef } from './state.js';

/** ipoib_cm_send: the skb goes into tx_ring[tx_head] and is posted; a QP in ERR flushes it at once. */
function cmSend(d: Draft, id: number, p: RcParams): void {
  const t = d.tx!;
  d.tx = { ...t, ring: [...t.ring, { id, wc: t.qp === 'err' ? 'flush' : 'pending' }] };
  d.txOutstanding += 1;
  if (d.txOutstanding === p.sendq_size) d.stopped = true; // netif_stop_queue
}

/** ipoib_start_xmit for one skb to the CM-capable neighbour (path and ah already resolved). */
function startXmit(d: Draft, id: number, p: RcParams, b: RcBehaviour): void {
  const t = d.tx;
  if (!t) {
    // No ipoib_neigh: neigh_add_path -> ipoib_cm_create_tx (INITIALIZED, start_task), skb on neigh->queue.
    d.tx = newTx(p.rnr_retry);
    d.neighQueue = [id];
    return;
  }
  if (t.up || (b.postWhileNotUp && t.qp !== 'reset')) {
    cmSend(d, id, p);
    return;
  }
  if (d.neighQueue.length < p.neigh_queue) d.neighQueue = [...d.neighQueue, id];
  else {
    d.txDropped += 1;
    endMessage(d, id, 'x');
  }
}

/** qdisc_run: hand skbs to the driver while the netif queue is not stopped. */
export function qdiscRun(d: Draft, p: RcParams, b: RcBehaviour): void {
  while (!d.stopped && d.qdisc.length > 0) {
    const [id, ...rest] = d.qdisc;
    d.qdisc = rest;
    startXmit(d, id, p, b);
  }
}

/** dev_queue_xmit: enqueue on the qdisc, then run it. */
function devQueueXmit(d: Draft, ids: readonly number[], p: RcParams, b: RcBehaviour): void {
  d.qdisc = [...d.qdisc, ...ids];
  qdiscRun(d, p, b);
}

/** netperf's sendto: UDP hands the next message to dev_queue_xmit. */
export function appSend(d: Draft, p: RcParams, b: RcBehaviour): void {
  const id = d.sent;
  d.sent += 1;
  d.fate += '.';
  devQueueXmit(d, [id], p, b);
}

/** ipoib_cm_tx_start -> ipoib_cm_tx_init: create the RC QP, move it to INIT, send the REQ. */
export function cmTxStart(d: Draft): void {
  d.tx = { ...d.tx!, qp: 'init', cm: 'reqSent' };
}

/** ipoib_cm_rep_handler: QP to RTR and RTS, set OPER_UP, re-queue neigh->queue, send the RTU. */
export function repReceived(d: Draft, p: RcParams, b: RcBehaviour): void {
  d.tx = { ...d.tx!, qp: 'rts', cm: 'established', up: true };
  d.operUpHistory = d.operUpHistory === 'never' ? 'once' : 'reopened';
  const queued = d.neighQueue;
  d.neighQueue = [];
  devQueueXmit(d, queued, p, b);
}

/** --tx_outstanding, and netif_wake_queue when it hits exactly sendq_size/2 on a stopped queue. */
function txOutstandingDec(d: Draft, p: RcParams, b: RcBehaviour): void {
  const before = d.txOutstanding;
  d.txOutstanding -= 1;
  const seen = b.wakeOffByOne ? before : d.txOutstanding;
  if (seen === p.sendq_size >> 1 && d.stopped) d.stopped = false;
}

/**
 * neigh->cm = NULL; ipoib_neigh_free drops neigh->queue (tx_dropped);
 * test_and_clear_bit(INITIALIZED) succeeds, so the tx goes on reap_list.
 */
function reapNeighTx(d: Draft, t: Tx): void {
  for (const id of d.neighQueue) {
    d.txDropped += 1;
    endMessage(d, id, 'x');
  }
  d.neighQueue = [];
  d.tx = null;
  d.reapList = [...d.reapList, { ...t, reaps: t.reaps + 1 }];
}

/** ipoib_cm_handle_tx_wc: runs for every send completion, successful, failed or flushed. */
export function handleTxWc(d: Draft, ref: TxRef, p: RcParams, b: RcBehaviour): void {
  const t = txAt(d, ref)!;
  const [wr, ...rest] = t.ring;
  // "FIXME: is this right? Shouldn't we only increment on success?"
  if (b.txPacketsOnSuccessOnly && wr.wc !== 'ok') d.txErrors += 1;
  else d.txPackets += 1;
  if (wr.wc === 'ok') d.wcOk += 1;
  else if (wr.wc === 'flush') {
    d.wcFlush += 1;
    endMessage(d, wr.id, 'f');
  } else {
    d.wcErr += 1;
    endMessage(d, wr.id, 'e');
  }
  const after: Tx = { ...t, ring: rest };
  withTx(d, ref, after);
  txOutstandingDec(d, p, b);
  if (wr.wc === 'rnr' || wr.wc === 'retry') {
    // Neither SUCCESS nor WR_FLUSH_ERR: tear the connection down; clear OPER_UP.
    if (ref === 'neigh') reapNeighTx(d, { ...after, up: false });
    else withTx(d, ref, { ...after, up: false }); // INITIALIZED already clear: nothing to reap
  }
}

/** ipoib_cm_tx_handler on REQ_ERROR, REJ_RECEIVED or TIMEWAIT_EXIT. */
export function cmTxError(d: Draft, ref: TxRef, b: RcBehaviour): void {
  const t: Tx = { ...txAt(d, ref)!, cm: 'exited' };
  if (ref === 'neigh') reapNeighTx(d, t);
  else if (b.cmReapsWithoutTestAndClear) withTx(d, ref, { ...t, reaps: t.reaps + 1 });
  else withTx(d, ref, t);
}

/** The peer disconnects (its stale_task or ifdown): DREQ_RECEIVED, answered with a DREP; the peer's QP is gone. */
export function dreqReceived(d: Draft, ref: TxRef): void {
  withTx(d, ref, { ...txAt(d, ref)!, cm: 'timewait' });
  d.dreqs = 1;
}

/** ipoib_cm_tx_reap -> ipoib_cm_tx_destroy once tail == head: destroy the cm_id and QP, free the tx. */
export function reap(d: Draft): void {
  d.reapList = d.reapList.slice(1);
}

/** ipoib_cm_tx_destroy after 5 s without tail reaching head: free the leftovers uncompleted. */
export function reapTimeout(d: Draft, p: RcParams, b: RcBehaviour): void {
  for (const wr of d.reapList[0].ring) {
    endMessage(d, wr.id, 'l');
    txOutstandingDec(d, p, b);
  }
  d.reapList = d.reapList.slice(1);
}
