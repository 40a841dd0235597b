/**
 * The event alphabet of the rc-connection machine, and which events are
 * enabled at a state. Events name the kernel's and the IBTA's own steps; an
 * event that names a tx says which one: the neighbour's current tx
 * ('neigh') or an entry of reap_list ('reap0', 'reap1', ...).
 */
import type { ModelState } from '../../src/model/spec.js';
import type { RcBehaviour } from './behaviour.js';
import { peerAlive, requesterReady } from './hca.js';
import type { RcParams } from './params.js';
import type { RcContext, Tx, TxRef } from './state.js';

export type RcEvent =
  | { type: 'APP_SEND' }
  | { type: 'QDISC_RUN' }
  | { type: 'START' }
  | { type: 'REP_RECEIVED' }
  | { type: 'REJ_RECEIVED' }
  | { type: 'DREQ_RECEIVED'; tx: TxRef }
  | { type: 'TIMEWAIT_EXIT'; tx: TxRef }
  | { type: 'TRANSMIT'; tx: TxRef }
  | { type: 'RNR_NAK'; tx: TxRef }
  | { type: 'RNR_TIMER'; tx: TxRef }
  | { type: 'RETRY_EXC'; tx: TxRef }
  | { type: 'TX_WC'; tx: TxRef }
  | { type: 'REAP' }
  | { type: 'REAP_TIMEOUT' }
  // post: 'fails' marks the step whose closing ib_post_srq_recv fails (the kernel's `repost:` label).
  | { type: 'RX_WC'; len: 'small' | 'large'; skb?: 'nomem'; post?: 'fails' }
  | { type: 'RX_REFILL'; post?: 'fails' }
  | { type: 'RX_ALLOC_FAIL'; post?: 'fails' }
  | { type: 'COPY' };

type TxEventType = 'DREQ_RECEIVED' | 'TIMEWAIT_EXIT' | 'TRANSMIT' | 'RNR_NAK' | 'RNR_TIMER' | 'RETRY_EXC' | 'TX_WC';

// Interned event objects: the checker keys events by content, so sharing them is only a saving.
const TX_EVENTS = new Map<string, RcEvent>();
function txEvent(type: TxEventType, tx: TxRef): RcEvent {
  const k = `${type}/${tx}`;
  let e = TX_EVENTS.get(k);
  if (!e) {
    e = { type, tx } as RcEvent;
    TX_EVENTS.set(k, e);
  }
  return e;
}
const E = {
  APP_SEND: { type: 'APP_SEND' },
  QDISC_RUN: { type: 'QDISC_RUN' },
  START: { type: 'START' },
  REP_RECEIVED: { type: 'REP_RECEIVED' },
  REJ_RECEIVED: { type: 'REJ_RECEIVED' },
  REAP: { type: 'REAP' },
  REAP_TIMEOUT: { type: 'REAP_TIMEOUT' },
  RX_SMALL: { type: 'RX_WC', len: 'small' },
  RX_SMALL_POST_FAILS: { type: 'RX_WC', len: 'small', post: 'fails' },
  RX_SMALL_NOMEM: { type: 'RX_WC', len: 'small', skb: 'nomem' },
  RX_LARGE: { type: 'RX_WC', len: 'large' },
  RX_REFILL: { type: 'RX_REFILL' },
  RX_REFILL_POST_FAILS: { type: 'RX_REFILL', post: 'fails' },
  RX_ALLOC_FAIL: { type: 'RX_ALLOC_FAIL' },
  RX_ALLOC_FAIL_POST_FAILS: { type: 'RX_ALLOC_FAIL', post: 'fails' },
  COPY: { type: 'COPY' },
} as const satisfies Record<string, RcEvent>;

/** The peer may still send a REJ (or DREQ) under its bound. */
export function peerMayReject(c: RcContext, p: RcParams): boolean {
  return p.peer_rej === 'always' || (p.peer_rej === 'once' && c.rejs === 0);
}
export function peerMayDisconnect(c: RcContext, p: RcParams): boolean {
  return p.peer_dreq === 'always' || (p.peer_dreq === 'once' && c.dreqs === 0);
}

/** A reap_list entry whose WRs can never complete: its QP never reached RTS, so the HCA never processes them. */
export function stuck(t: Tx): boolean {
  return t.ring.length > 0 && (t.qp === 'reset' || t.qp === 'init');
}

function txEvents(out: RcEvent[], t: Tx, ref: TxRef, c: RcContext, p: RcParams): void {
  if (requesterReady(t)) {
    if (!peerAlive(t)) out.push(txEvent('RETRY_EXC', ref));
    else out.push(txEvent(c.srq.length > 0 ? 'TRANSMIT' : 'RNR_NAK', ref));
  }
  if (t.rnrWait) out.push(txEvent('RNR_TIMER', ref));
  if (t.ring.length > 0 && t.ring[0].wc !== 'pending') out.push(txEvent('TX_WC', ref));
  if (ref === 'neigh' && t.cm === 'established' && peerMayDisconnect(c, p)) out.push(txEvent('DREQ_RECEIVED', ref));
  if (t.cm === 'timewait') out.push(txEvent('TIMEWAIT_EXIT', ref));
}

export function enabledEvents(s: ModelState<RcContext>, p: RcParams, b: RcBehaviour): RcEvent[] {
  const c = s.context;
  const out: RcEvent[] = [];
  if (c.sent < p.max_sends) out.push(E.APP_SEND);
  if (!c.stopped && c.qdisc.length > 0) out.push(E.QDISC_RUN);
  if (c.tx) {
    if (c.tx.cm === 'idle') out.push(E.START);
    if (c.tx.cm === 'reqSent') {
      out.push(E.REP_RECEIVED);
      if (peerMayReject(c, p)) out.push(E.REJ_RECEIVED);
    }
    txEvents(out, c.tx, 'neigh', c, p);
  }
  c.reapList.forEach((t, i) => txEvents(out, t, `reap${i}`, c, p));
  if (c.reapList.length > 0) {
    const head = c.reapList[0];
    if (head.ring.length === 0) out.push(E.REAP);
    else if (stuck(head)) out.push(E.REAP_TIMEOUT);
  }
  if (s.matches({ receiver: 'polling' }) && c.rxCq.length > 0) {
    out.push(E.RX_SMALL, E.RX_LARGE);
    if (b.copybreak) out.push(E.RX_SMALL_NOMEM);
    // The copybreak path reposts within this step: its post may fail here.
    if (b.copybreak && b.srqPostFails) out.push(E.RX_SMALL_POST_FAILS);
  }
  if (s.matches({ receiver: 'replacing' })) {
    out.push(E.RX_REFILL, E.RX_ALLOC_FAIL);
    if (b.srqPostFails) out.push(E.RX_REFILL_POST_FAILS, E.RX_ALLOC_FAIL_POST_FAILS);
  }
  if (s.matches({ receiver: 'copying' })) out.push(E.COPY);
  return out;
}
