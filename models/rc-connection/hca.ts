/**
 * The RC transport between the two HCAs, as the sender's requester and the
 * receiver's responder see it (IBTA RC; kernel-facts §1.7): the requester
 * sends the oldest unfinished WR; the responder either consumes the oldest
 * SRQ buffer and ACKs, or, with the SRQ empty, answers RNR NAK. rnr_retry
 * decides between waiting the RNR timer and failing the WR with
 * RNR_RETRY_EXC_ERR; a failed WR moves the QP to ERR, which flushes every
 * WR behind it. A peer whose QP is gone (after its DREQ) answers nothing,
 * and with retry_count 0 the WR fails with RETRY_EXC_ERR. Every one of
 * these is a packet the sending port put on the wire (port_xmit_packets).
 */
import type { RcParams } from './params.js';
import { txAt, withTx, type Draft, type Tx, type TxRef, type Wc } from './state.js';

/** Index of the oldest WR the HCA has not finished, or -1. */
export function pendingWr(t: Tx): number {
  return t.ring.findIndex((w) => w.wc === 'pending');
}

/** The requester can put the next WR on the wire: RTS, not waiting out an RNR timer, something to send. */
export function requesterReady(t: Tx): boolean {
  return t.qp === 'rts' && !t.rnrWait && pendingWr(t) >= 0;
}

/** The passive side's QP is still there (no DREQ yet). */
export function peerAlive(t: Tx): boolean {
  return t.cm === 'established';
}

/** The sending port transmitted the head WR once more (saturating at max_sends, see RcContext.wire). */
function onWire(d: Draft, p: RcParams): void {
  d.wire = Math.min(p.max_sends, d.wire + 1);
}

/** The responder found an SRQ buffer: the message lands in it, a receive CQE is queued, the send is ACKed. */
export function transmit(d: Draft, ref: TxRef, p: RcParams): void {
  const t = txAt(d, ref)!;
  const i = pendingWr(t);
  const id = t.ring[i].id;
  const [buf, ...srq] = d.srq;
  d.srq = srq;
  d.bufData = d.bufData.map((x, j) => (j === buf ? id : x));
  d.rxCq = [...d.rxCq, { buf, id }];
  d.acked += 1;
  onWire(d, p);
  const ring = t.ring.map((w, j) => (j === i ? { id, wc: 'ok' as Wc } : w));
  withTx(d, ref, { ...t, ring, rnrLeft: p.rnr_retry });
}

/** The WR at `i` completes with `wc`, the QP enters ERR and every later WR is flushed. */
function failWr(d: Draft, ref: TxRef, wc: Wc): void {
  const t = txAt(d, ref)!;
  const i = pendingWr(t);
  const ring = t.ring.map((w, j) => (j < i ? w : { id: w.id, wc: j === i ? wc : ('flush' as Wc) }));
  withTx(d, ref, { ...t, ring, qp: 'err', rnrWait: false });
}

/** No receive WQE on the SRQ: RNR NAK. Retry after the RNR timer, or fail when rnr_retry is spent. */
export function rnrNak(d: Draft, ref: TxRef, p: RcParams): void {
  const t = txAt(d, ref)!;
  onWire(d, p);
  if (p.rnr_retry === 7) withTx(d, ref, { ...t, rnrWait: true });
  else if (t.rnrLeft > 0) withTx(d, ref, { ...t, rnrWait: true, rnrLeft: t.rnrLeft - 1 });
  else failWr(d, ref, 'rnr');
}

/** The RNR timer (at least the value carried in the NAK) expires: the requester may retransmit. */
export function rnrTimer(d: Draft, ref: TxRef): void {
  withTx(d, ref, { ...txAt(d, ref)!, rnrWait: false });
}

/** No ACK from a vanished peer within the local ACK timeout, and retry_count 0: RETRY_EXC_ERR. */
export function retryExceeded(d: Draft, ref: TxRef, p: RcParams): void {
  onWire(d, p); // sent once (retry_count 0), never ACKed
  failWr(d, ref, 'retry');
}
