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
import { bufferPlaces, describeTx, fateOf, namedTx, placesOf, plural } from './explain.js';

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
  explain: ({ context: c }) => {
    const wrong: string[] = [];
    for (let id = 0; id < c.sent; id++) {
      const places = placesOf(c, id);
      const ended = c.fate[id] === '.' ? 0 : 1;
      if (c.fate[id] !== '!' && places.length + ended === 1) continue;
      const where = places.length ? `is still in ${places.join(' and ')}` : 'is nowhere in either host';
      wrong.push(`message ${id} ${where} and is ${fateOf(c, id)}`);
    }
    const told = wrong.join('; ');
    // A message gone without an end beside one delivered and still queued: the receiver read another message's bytes.
    const swapped = /nowhere in either host and is not ended/.test(told) && /still in .* and is delivered/.test(told);
    return `${told}${swapped ? ': the application was handed the bytes of a later message in place of an earlier one' : ''}`;
  },
};

export const kernelCountersAddUp: Inv = {
  name: 'kernelCountersAddUp',
  doc: 'The kernel counters account for every skb: sends = tx_dropped + tx_packets + tx_errors + skbs still queued or posted; tx_outstanding = the WRs on all rings; ACKed sends = rx_packets + rx_dropped + completions not yet handled.',
  holds: ({ context: c }) =>
    c.sent === c.txDropped + c.txPackets + c.txErrors + c.qdisc.length + c.neighQueue.length + ringTotal(c) &&
    c.txOutstanding === ringTotal(c) &&
    c.acked === c.rxPackets + c.rxDropped + c.rxCq.length + (c.rx ? 1 : 0),
  explain: ({ context: c }) => {
    const queued = c.qdisc.length + c.neighQueue.length;
    const ring = ringTotal(c);
    const accounted = c.txDropped + c.txPackets + c.txErrors + queued + ring;
    const rx = c.rxPackets + c.rxDropped + c.rxCq.length + (c.rx ? 1 : 0);
    const out: string[] = [];
    if (c.sent !== accounted) {
      const leaked = [...c.fate].filter((f) => f === 'l').length;
      out.push(
        `${plural(c.sent, 'send')} but tx_dropped ${c.txDropped} + tx_packets ${c.txPackets} + tx_errors ${c.txErrors} + ${queued} queued + ${ring} posted = ${accounted}` +
          (leaked ? ` (${plural(leaked, 'send')} freed by ipoib_cm_tx_destroy without a completion, so counted nowhere)` : ''),
      );
    }
    if (c.txOutstanding !== ring) out.push(`tx_outstanding is ${c.txOutstanding} but the send rings hold ${plural(ring, 'WR')}`);
    if (c.acked !== rx) out.push(`${plural(c.acked, 'send')} ACKed but rx_packets ${c.rxPackets} + rx_dropped ${c.rxDropped} + ${c.rxCq.length + (c.rx ? 1 : 0)} being received = ${rx}`);
    return out.join('; ');
  },
};

export const txPacketsCountsDelivered: Inv = {
  name: 'txPacketsCountsDelivered',
  doc: "ifconfig's tx_packets counts only sends that reached the peer: it equals the successful send completions handled (expected to fail: ipoib_cm_handle_tx_wc counts failed and flushed sends too, see its FIXME).",
  holds: ({ context: c }) => c.txPackets === c.wcOk,
  explain: ({ context: c }) => {
    if (c.txPackets < c.wcOk) return `tx_packets is ${c.txPackets} but ${plural(c.wcOk, 'send')} completed with IB_WC_SUCCESS: ${c.wcOk - c.txPackets} successful sends were not counted`;
    // Without a DREQ no send can time out, so every error completion is the RNR NAK's.
    const err = c.dreqs > 0 ? 'an error status (IB_WC_RETRY_EXC_ERR towards the vanished peer, or IB_WC_RNR_RETRY_EXC_ERR)' : 'IB_WC_RNR_RETRY_EXC_ERR after an RNR NAK';
    const also = [
      c.wcErr ? `${c.wcErr} that failed with ${err}` : '',
      c.wcFlush ? `${c.wcFlush} flushed with IB_WC_WR_FLUSH_ERR after the QP went to error` : '',
    ].filter(Boolean);
    return `tx_packets is ${c.txPackets} but ${c.wcOk ? `only ${plural(c.wcOk, "send")}` : "no send"} completed with IB_WC_SUCCESS: ipoib_cm_handle_tx_wc also counted ${also.join(' and ') || `${c.txPackets - c.wcOk} other completions`}`;
  },
  // The kernel miscounts by design and carries on: keep checking what follows.
  expandViolations: true,
};

export const txPacketsWithinPortCounter: Inv = {
  name: 'txPacketsWithinPortCounter',
  doc: "ifconfig's tx_packets never exceeds the packets the sending port put on the wire, the seed's own comparison (expected to fail: a send flushed behind an RNR NAK never reaches the wire, yet its flush completion is counted).",
  holds: ({ context: c }) => c.txPackets <= c.wire,
  explain: ({ context: c }) =>
    `tx_packets is ${c.txPackets} but the sending port transmitted only ${plural(c.wire, 'data packet')} (port_xmit_packets): ` +
    `${plural(c.wcFlush, 'send')} flushed with IB_WC_WR_FLUSH_ERR never left the HCA, yet ipoib_cm_handle_tx_wc counted ${c.wcFlush === 1 ? 'its completion' : 'their completions'}` +
    ` (completions handled: ${c.wcOk} success, ${c.wcErr} error, ${c.wcFlush} flush)`,
  // As txPacketsCountsDelivered: the kernel's accounting, not a fault; keep checking what follows.
  expandViolations: true,
};

export const postOnlyWhenOperUp: Inv = {
  name: 'postOnlyWhenOperUp',
  doc: 'Nothing is posted to the neighbour\'s QP before the connection is OPER_UP (RTS after the REP).',
  holds: ({ context: c }) => !c.tx || c.tx.up || c.tx.ring.length === 0,
  explain: ({ context: c }) =>
    `${describeTx("the neighbour's tx", c.tx!)}, but OPER_UP is clear: ipoib_start_xmit posted before a REP brought the QP to RTS, so the HCA will not send ${c.tx!.ring.length === 1 ? 'it' : 'them'} until one arrives, and never if the peer rejects`,
  // What a premature post leads to (WRs that never complete, uncounted frees) is checked by the accounting properties.
  expandViolations: true,
};

export const txReapedOnce: Inv = {
  name: 'txReapedOnce',
  doc: 'A tx connection is put on reap_list at most once per incarnation (test_and_clear_bit INITIALIZED arbitrates between the completion and CM paths).',
  holds: ({ context: c }) => (c.tx?.reaps ?? 0) === 0 && c.reapList.every((t) => t.reaps === 1),
  explain: ({ context: c }) => {
    const bad = namedTx(c).filter(({ where, t }) => t.reaps !== (where.startsWith('reap_list') ? 1 : 0));
    return bad
      .map(({ where, t }) =>
        where.startsWith('reap_list')
          ? `${where} has been queued for reaping ${plural(t.reaps, 'time')} (cm_id ${t.cm === 'exited' ? 'gone after TIMEWAIT_EXIT or REJ' : t.cm})` +
            (t.reaps > 1 ? ': the error completion and the CM event both put it on reap_list, so ipoib_cm_tx_destroy would free it twice' : '')
          : `the neighbour's live tx has been queued for reaping ${plural(t.reaps, 'time')} while neigh->cm still points to it`,
      )
      .join('; ');
  },
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
  explain: ({ context: c }, p) => {
    const out: string[] = [];
    let placed = 0;
    for (let b = 0; b < p.recvq_size; b++) {
      const at = bufferPlaces(c, b);
      placed += at.length;
      if (at.length > 1) out.push(`receive buffer ${b} is at once ${at.join(' and ')}`);
    }
    if (out.length === 0 && placed + c.lost !== p.recvq_size) out.push(`${placed} buffer places + ${c.lost} lost = ${placed + c.lost}, not recvq_size ${p.recvq_size}`);
    const early = c.rx && !c.rxCq.some((q) => q.buf === c.rx!.buf) && c.srq.includes(c.rx.buf);
    return out.join('; ') + (early ? `: it was reposted before its bytes were copied out, so the HCA may fill it with the next send while the copy of message ${c.rx!.id} is still to come` : '');
  },
  // A buffer owned twice is the cause; the corrupted delivery that can follow is checked by everySendEndsOnce.
  expandViolations: true,
};

export const copybreakNeverHoldsBuffer: Inv = {
  name: 'copybreakNeverHoldsBuffer',
  doc: 'A packet shorter than IPOIB_CM_COPYBREAK never keeps its receive buffer off the SRQ, unless its small skb could not be allocated.',
  holds: (s) => !s.matches({ receiver: 'replacing' }) || !s.context.rx?.small || s.context.rx.skbNomem,
  explain: ({ context: c }, p) =>
    `message ${c.rx!.id} is small (byte_len < IPOIB_CM_COPYBREAK ${p.copybreak}) and its small skb was allocated, yet receive buffer ${c.rx!.buf} is off the SRQ waiting for a replacement head skb and pages: ` +
    `without the copybreak path every packet needs a new 64 KiB buffer before its slot is reposted (the SRQ holds ${c.srq.length} of ${p.recvq_size})`,
  // The kernel before copybreak is a working kernel: explore all of it.
  expandViolations: true,
};

export const netifQueueFollowsTxOutstanding: Inv = {
  name: 'netifQueueFollowsTxOutstanding',
  doc: 'tx_outstanding stays within the ring, and the netif queue is stopped exactly between reaching sendq_size and coming back down to sendq_size/2.',
  holds: ({ context: c }, p) =>
    c.txOutstanding <= p.sendq_size && (c.stopped ? c.txOutstanding > p.sendq_size >> 1 : c.txOutstanding < p.sendq_size),
  explain: ({ context: c }, p) => {
    const half = p.sendq_size >> 1;
    if (c.txOutstanding > p.sendq_size) return `tx_outstanding is ${c.txOutstanding}, above sendq_size ${p.sendq_size}: more sends are posted than the ring has slots`;
    if (c.stopped)
      return `the netif queue is still stopped with tx_outstanding ${c.txOutstanding}, at or below sendq_size/2 = ${half}: the completion that brought it down to ${half} did not wake the queue, so ${c.qdisc.length ? `${plural(c.qdisc.length, 'skb')} wait${c.qdisc.length === 1 ? 's' : ''} in the qdisc needlessly` : 'the next skb would wait in the qdisc needlessly'}`;
    return `the netif queue is awake with tx_outstanding ${c.txOutstanding} = sendq_size ${p.sendq_size}: the post that filled the ring did not stop the queue`;
  },
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
