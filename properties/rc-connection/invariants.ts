/**
 * Safety properties of the rc-connection model, each named after what it
 * means for the protocol (kernel-facts §1.8). The one about tx_packets is
 * expected to fail on the kernel: it states what ifconfig's counter is
 * usually taken to mean, and the FIXME in ipoib_cm_handle_tx_wc says why
 * it does not.
 */
import type { Invariant } from '../../src/model/spec.js';
import type { RcParams } from '../../models/rc-connection/params.js';
import type { RcContext, Tx } from '../../models/rc-connection/state.js';

type Inv = Invariant<RcContext, RcParams>;

const allTx = (c: RcContext): Tx[] => (c.tx ? [c.tx, ...c.reapList] : [...c.reapList]);
const ringTotal = (c: RcContext) => allTx(c).reduce((n, t) => n + t.ring.length, 0);

/** Where message `id` is still held, counted over every queue of both hosts. */
function placesHolding(c: RcContext, id: number): number {
  let n = 0;
  for (const x of c.qdisc) if (x === id) n++;
  for (const x of c.neighQueue) if (x === id) n++;
  // An ACKed WR's message is at the receiver; its ring slot only waits for the completion.
  for (const t of allTx(c)) for (const w of t.ring) if (w.id === id && w.wc !== 'ok') n++;
  for (const q of c.rxCq) if (q.id === id) n++;
  if (c.rx && c.rx.id === id) n++;
  return n;
}

export const everySendEndsOnce: Inv = {
  name: 'everySendEndsOnce',
  doc: 'Every application send is, at every moment, in exactly one place (qdisc, neigh->queue, a send ring, the receiver) or has ended exactly once (delivered, dropped, failed, flushed).',
  holds: ({ context: c }) => {
    for (let id = 0; id < c.sent; id++) {
      const f = c.fate[id];
      if (f === '!') return false;
      if (placesHolding(c, id) + (f === '.' ? 0 : 1) !== 1) return false;
    }
    return true;
  },
};

export const kernelCountersAddUp: Inv = {
  name: 'kernelCountersAddUp',
  doc: 'The kernel counters account for every skb: sends = tx_dropped + tx_packets + tx_errors + skbs still queued or posted; tx_outstanding = the WRs on all rings; ACKed sends = rx_packets + rx_dropped + completions not yet handled.',
  holds: ({ context: c }) =>
    c.sent === c.txDropped + c.txPackets + c.txErrors + c.qdisc.length + c.neighQueue.length + ringTotal(c) &&
    c.txOutstanding === ringTotal(c) &&
    c.acked === c.rxPackets + c.rxDropped + c.rxCq.length + (c.rx ? 1 : 0),
};

export const txPacketsCountsDelivered: Inv = {
  name: 'txPacketsCountsDelivered',
  doc: "ifconfig's tx_packets counts only sends that reached the peer: it equals the successful send completions handled (expected to fail: ipoib_cm_handle_tx_wc counts failed and flushed sends too, see its FIXME).",
  holds: ({ context: c }) => c.txPackets === c.wcOk,
  // The kernel miscounts by design and carries on: keep checking what follows.
  expandViolations: true,
};

export const txPacketsWithinPortCounter: Inv = {
  name: 'txPacketsWithinPortCounter',
  doc: "ifconfig's tx_packets never exceeds the packets the sending port put on the wire, the seed's own comparison (expected to fail: a send flushed behind an RNR NAK never reaches the wire, yet its flush completion is counted).",
  holds: ({ context: c }) => c.txPackets <= c.wire,
  // As txPacketsCountsDelivered: the kernel's accounting, not a fault; keep checking what follows.
  expandViolations: true,
};

export const postOnlyWhenOperUp: Inv = {
  name: 'postOnlyWhenOperUp',
  doc: 'Nothing is posted to the neighbour\'s QP before the connection is OPER_UP (RTS after the REP).',
  holds: ({ context: c }) => !c.tx || c.tx.up || c.tx.ring.length === 0,
  // What a premature post leads to (WRs that never complete, uncounted frees) is checked by the accounting properties.
  expandViolations: true,
};

export const txReapedOnce: Inv = {
  name: 'txReapedOnce',
  doc: 'A tx connection is put on reap_list at most once per incarnation (test_and_clear_bit INITIALIZED arbitrates between the completion and CM paths).',
  holds: ({ context: c }) => (c.tx?.reaps ?? 0) === 0 && c.reapList.every((t) => t.reaps === 1),
};

export const receiveBufferOwnedOnce: Inv = {
  name: 'receiveBufferOwnedOnce',
  doc: 'Each of the recvq_size receive buffers is in exactly one place (posted on the SRQ, completed and unpolled, held by the driver, or lost to a failed post), so the SRQ never holds more than recvq_size.',
  holds: ({ context: c }, p) => {
    const seen = new Array<number>(p.recvq_size).fill(0);
    for (const x of c.srq) seen[x]++;
    for (const q of c.rxCq) seen[q.buf]++;
    if (c.rx) seen[c.rx.buf]++;
    const placed = seen.reduce((a, n) => a + n, 0);
    return seen.every((n) => n <= 1) && placed + c.lost === p.recvq_size;
  },
  // A buffer owned twice is the cause; the corrupted delivery that can follow is checked by everySendEndsOnce.
  expandViolations: true,
};

export const copybreakNeverHoldsBuffer: Inv = {
  name: 'copybreakNeverHoldsBuffer',
  doc: 'A packet shorter than IPOIB_CM_COPYBREAK never keeps its receive buffer off the SRQ, unless its small skb could not be allocated.',
  holds: (s) => !s.matches({ receiver: 'replacing' }) || !s.context.rx?.small || s.context.rx.skbNomem,
  // The kernel before copybreak is a working kernel: explore all of it.
  expandViolations: true,
};

export const netifQueueFollowsTxOutstanding: Inv = {
  name: 'netifQueueFollowsTxOutstanding',
  doc: 'tx_outstanding stays within the ring, and the netif queue is stopped exactly between reaching sendq_size and coming back down to sendq_size/2.',
  holds: ({ context: c }, p) =>
    c.txOutstanding <= p.sendq_size && (c.stopped ? c.txOutstanding > p.sendq_size >> 1 : c.txOutstanding < p.sendq_size),
};

export const invariants: readonly Inv[] = [
  everySendEndsOnce,
  kernelCountersAddUp,
  txPacketsCountsDelivered,
  txPacketsWithinPortCounter,
  postOnlyWhenOperUp,
  txReapedOnce,
  receiveBufferOwnedOnce,
  copybreakNeverHoldsBuffer,
  netifQueueFollowsTxOutstanding,
];
