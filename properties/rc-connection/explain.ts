/**
 * Words for the explanations the properties give under a counterexample:
 * where a message or a receive buffer is, what a tx's QP and cm_id are
 * doing, and why a stuck behaviour stays stuck. Each helper reads only the
 * state it is given, so an explanation is computed, never assumed.
 */
import type { RcParams } from '../../models/rc-connection/params.js';
import type { RcContext, Tx, Wc } from '../../models/rc-connection/state.js';

const WC_NAME: Record<Wc, string> = {
  pending: 'still pending in the HCA',
  ok: 'ACKed (IB_WC_SUCCESS, not yet polled)',
  rnr: 'failed with IB_WC_RNR_RETRY_EXC_ERR (not yet polled)',
  retry: 'failed with IB_WC_RETRY_EXC_ERR (not yet polled)',
  flush: 'flushed with IB_WC_WR_FLUSH_ERR (not yet polled)',
};

const FATE_NAME: Record<string, string> = {
  '.': 'not ended',
  d: 'delivered',
  r: 'dropped by the receiver (rx_dropped)',
  e: 'completed with an error',
  f: 'flushed',
  x: 'dropped by the sender (tx_dropped)',
  l: 'freed by the reaper uncompleted',
  '!': 'ended twice',
};

const CM_NAME: Record<Tx['cm'], string> = {
  idle: 'no REQ sent yet',
  reqSent: 'REQ_SENT',
  established: 'ESTABLISHED',
  timewait: 'TIMEWAIT after the peer\'s DREQ',
  exited: 'gone (REJ or TIMEWAIT_EXIT)',
};

/** "1 send", "3 sends". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Every tx with where it is: the neighbour's, then reap_list's. */
export function namedTx(c: RcContext): { where: string; t: Tx }[] {
  return [
    ...(c.tx ? [{ where: 'the neighbour\'s tx', t: c.tx }] : []),
    ...c.reapList.map((t, i) => ({ where: `reap_list[${i}]`, t })),
  ];
}

/** The places that hold message `id`, in words (as everySendEndsOnce counts them). */
export function placesOf(c: RcContext, id: number): string[] {
  const out: string[] = [];
  c.qdisc.forEach((x) => x === id && out.push('the qdisc'));
  c.neighQueue.forEach((x) => x === id && out.push('neigh->queue'));
  for (const { where, t } of namedTx(c)) {
    for (const w of t.ring) if (w.id === id && w.wc !== 'ok') out.push(`the send ring of ${where} (${WC_NAME[w.wc]})`);
  }
  c.rxCq.forEach((q) => q.id === id && out.push(`the receive CQ (buffer ${q.buf})`));
  if (c.rx && c.rx.id === id) out.push(`ipoib_cm_handle_rx_wc (buffer ${c.rx.buf})`);
  return out;
}

export function fateOf(c: RcContext, id: number): string {
  return FATE_NAME[c.fate[id]] ?? `fate '${c.fate[id]}'`;
}

/** The places that hold receive buffer `buf`, in words (as receiveBufferOwnedOnce counts them). */
export function bufferPlaces(c: RcContext, buf: number): string[] {
  const out: string[] = [];
  c.srq.forEach((x) => x === buf && out.push('posted on the SRQ'));
  c.rxCq.forEach((q) => q.buf === buf && out.push(`holding message ${q.id} on the receive CQ`));
  if (c.rx && c.rx.buf === buf) out.push(`held by the driver for message ${c.rx.id}`);
  return out;
}

/** A tx's QP and cm_id state and its ring, e.g. "QP err, cm_id ESTABLISHED, 2 WRs: message 2 flushed ...". */
export function describeTx(where: string, t: Tx): string {
  const wrs = t.ring.map((w) => `message ${w.id} ${WC_NAME[w.wc]}`).join(', ');
  const wait = t.rnrWait ? ', waiting out an RNR NAK timer' : '';
  return `${where} (QP ${t.qp.toUpperCase()}, cm_id ${CM_NAME[t.cm]}${t.up ? ', OPER_UP' : ''}${wait}) holds ${plural(t.ring.length, 'WR')}${wrs ? `: ${wrs}` : ''}`;
}

/** Where the recvq_size receive buffers are, e.g. "the SRQ holds 0 of recvq_size 2; 2 wait on the receive CQ". */
export function describeBuffers(c: RcContext, p: RcParams): string {
  const parts = [`the SRQ holds ${c.srq.length} of recvq_size ${p.recvq_size} buffers`];
  if (c.rxCq.length) parts.push(`${plural(c.rxCq.length, 'completion')} wait${c.rxCq.length === 1 ? 's' : ''} unpolled on the receive CQ`);
  if (c.rx) parts.push(`the driver holds buffer ${c.rx.buf} for message ${c.rx.id}`);
  if (c.lost) parts.push(`${plural(c.lost, 'buffer')} ${c.lost === 1 ? 'was' : 'were'} lost to a failed ib_post_srq_recv`);
  return parts.join(', ');
}
