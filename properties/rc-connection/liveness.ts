/**
 * Leads-to properties under weak fairness of named event types. Each names
 * exactly the events whose eventual occurrence it relies on; any other step
 * may stop for good. With max_sends bounding the application, "every posted
 * send completes" is stated as "the rings drain with nothing freed
 * uncompleted", which is the same thing for finitely many sends.
 */
import type { LeadsTo } from '../../src/model/spec.js';
import type { RcParams } from '../../models/rc-connection/params.js';
import type { RcContext } from '../../models/rc-connection/state.js';

type Live = LeadsTo<RcContext, RcParams>;

const posted = (c: RcContext) => (c.tx?.ring.length ?? 0) + c.reapList.reduce((n, t) => n + t.ring.length, 0);
const noneLeaked = (c: RcContext) => !c.fate.includes('l');

/** The sender's HCA and driver: transmitting, NAKs and their timer, and handling completions. */
const SENDER = ['TRANSMIT', 'RNR_NAK', 'RNR_TIMER', 'RETRY_EXC', 'TX_WC'] as const;
/** The receiving driver polling its CQ and reposting buffers. */
const RECEIVER = ['RX_WC', 'RX_REFILL', 'COPY'] as const;

export const postedSendCompletes: Live = {
  name: 'postedSendCompletes',
  doc: 'Every posted send eventually completes, successfully or with an error or flush, when the sender, its HCA and the receiver keep running.',
  from: ({ context: c }) => posted(c) > 0,
  to: ({ context: c }) => posted(c) === 0 && noneLeaked(c),
  fair: [...SENDER, 'REP_RECEIVED', ...RECEIVER],
};

export const postedSendCompletesWithoutReceiver: Live = {
  name: 'postedSendCompletesWithoutReceiver',
  doc: 'Every posted send eventually completes even if the receiver stops reposting buffers: with rnr_retry 0 an RNR NAK fails the send instead of waiting for the receiver.',
  from: ({ context: c }) => posted(c) > 0,
  to: ({ context: c }) => posted(c) === 0 && noneLeaked(c),
  fair: [...SENDER, 'REP_RECEIVED'],
};

export const reconnectsAfterError: Live = {
  name: 'reconnectsAfterError',
  doc: 'After the connection is torn down, a sender that keeps sending eventually has an OPER_UP connection again.',
  from: ({ context: c }, p) => c.tx === null && c.sent > 0 && c.sent < p.max_sends,
  to: ({ context: c }) => c.tx !== null && c.tx.up,
  fair: ['APP_SEND', 'QDISC_RUN', 'START', 'REP_RECEIVED', ...SENDER],
};

export const emptySrqGetsBuffer: Live = {
  name: 'emptySrqGetsBuffer',
  doc: 'An empty SRQ, on which every arriving send gets an RNR NAK, eventually has a receive buffer posted again while the receiver keeps running: it stays empty for good only once failed posts have lost every buffer.',
  from: ({ context: c }) => c.srq.length === 0,
  to: ({ context: c }) => c.srq.length > 0,
  fair: [...RECEIVER],
};

export const liveness: readonly Live[] = [postedSendCompletes, postedSendCompletesWithoutReceiver, reconnectsAfterError, emptySrqGetsBuffer];
