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
import { describeBuffers, describeTx, namedTx, plural } from './explain.js';

type Live = LeadsTo<RcContext, RcParams>;

const posted = (c: RcContext) => (c.tx?.ring.length ?? 0) + c.reapList.reduce((n, t) => n + t.ring.length, 0);
const noneLeaked = (c: RcContext) => !c.fate.includes('l');

/** Why the posted sends never all complete, read where the behaviour starts to repeat or stutters. */
function whySendsStuck(c: RcContext, p: RcParams): string {
  const leaked = [...c.fate].flatMap((f, id) => (f === 'l' ? [id] : []));
  const out: string[] = [];
  for (const { where, t } of namedTx(c)) {
    if (t.ring.length === 0) continue;
    let why = describeTx(where, t);
    const them = t.ring.length === 1 ? 'it' : 'them';
    if (t.qp === 'reset' || t.qp === 'init') {
      why += t.cm === 'exited'
        ? `: the peer rejected the REQ, so the QP never reaches RTS and the HCA neither sends nor flushes ${them}; only ipoib_cm_tx_destroy's 5 s timeout frees ${them}, without a completion`
        : `: the QP has not reached RTS, so the HCA has not sent ${them}`;
    } else if (t.rnrWait || t.ring.some((w) => w.wc === 'pending')) {
      why += `; ${describeBuffers(c, p)}`;
      if (c.srq.length === 0 && p.rnr_retry === 7)
        why += ': with rnr_retry 7 the requester waits out the RNR timer and is NAKed again for ever, and no RNR_RETRY_EXC_ERR ends the WR while the receiver does not repost';
      else if (c.srq.length === 0) why += ': every transmission meets an empty SRQ';
    }
    out.push(why);
  }
  if (leaked.length) out.push(`${leaked.length === 1 ? 'message' : 'messages'} ${leaked.join(', ')} ${leaked.length === 1 ? 'was' : 'were'} freed by ipoib_cm_tx_destroy without ever completing`);
  return out.join('; ') || `${plural(posted(c), 'WR')} posted`;
}

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
  explain: ({ context: c }, p) => whySendsStuck(c, p),
};

export const postedSendCompletesWithoutReceiver: Live = {
  name: 'postedSendCompletesWithoutReceiver',
  doc: 'Every posted send eventually completes even if the receiver stops reposting buffers: with rnr_retry 0 an RNR NAK fails the send instead of waiting for the receiver.',
  from: ({ context: c }) => posted(c) > 0,
  to: ({ context: c }) => posted(c) === 0 && noneLeaked(c),
  fair: [...SENDER, 'REP_RECEIVED'],
  explain: ({ context: c }, p) => whySendsStuck(c, p),
};

export const reconnectsAfterError: Live = {
  name: 'reconnectsAfterError',
  doc: 'After the connection is torn down, a sender that keeps sending eventually has an OPER_UP connection again.',
  from: ({ context: c }, p) => c.tx === null && c.sent > 0 && c.sent < p.max_sends,
  to: ({ context: c }) => c.tx !== null && c.tx.up,
  fair: ['APP_SEND', 'QDISC_RUN', 'START', 'REP_RECEIVED', ...SENDER],
  explain: ({ context: c }, p) => {
    const peer = `the peer has sent ${plural(c.rejs, 'REJ')} and ${plural(c.dreqs, 'DREQ')}`;
    const app =
      c.sent >= p.max_sends
        ? `the application has made its last send (${c.sent} of max_sends ${p.max_sends}), and IPoIB re-creates a connection only when a packet goes to the neighbour (no retry timer), so nothing will reconnect it`
        : `the application has sent ${c.sent} of max_sends ${p.max_sends}`;
    if (!c.tx) return `neigh->cm is NULL (${peer}) and ${app}`;
    return `${describeTx("the neighbour's tx", c.tx)}, not OPER_UP (${peer}); ${app}`;
  },
};

export const emptySrqGetsBuffer: Live = {
  name: 'emptySrqGetsBuffer',
  doc: 'An empty SRQ, on which every arriving send gets an RNR NAK, eventually has a receive buffer posted again while the receiver keeps running: it stays empty for good only once failed posts have lost every buffer.',
  from: ({ context: c }) => c.srq.length === 0,
  to: ({ context: c }) => c.srq.length > 0,
  fair: [...RECEIVER],
  explain: ({ context: c }, p) =>
    c.lost >= p.recvq_size
      ? `the SRQ is empty and all ${p.recvq_size} receive buffers are lost: ib_post_srq_recv failed at each one's repost and ipoib_cm_post_receive_srq freed it with nothing to replace it, so no buffer can be posted again and every send that arrives gets an RNR NAK`
      : `${describeBuffers(c, p)}, and the receiver has nothing left that would repost one`,
};

export const liveness: readonly Live[] = [postedSendCompletes, postedSendCompletesWithoutReceiver, reconnectsAfterError, emptySrqGetsBuffer];
