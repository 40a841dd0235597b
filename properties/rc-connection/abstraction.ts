/**
 * The abstraction function from the reference implementation (real bytes,
 * tx_head/tx_tail, SRQ memory) to the model's state: what lockstep tests
 * compare after every step. Bookkeeping the implementation keeps for the
 * oracle (message numbers, who wrote which buffer) supplies the identities
 * the model tracks.
 */
import type { StateValue } from 'xstate';
import type { OperUpHistory, RcContext, Tx, Wc } from '../../models/rc-connection/state.js';
import type { CmTx } from '../../src/impl/rc-connection/ipoib-tx.js';
import type { RcLink } from '../../src/impl/rc-connection/link.js';
import type { QpState, WcStatus } from '../../src/impl/rc-connection/rc-qp.js';

const WC: Record<WcStatus, Wc> = { SUCCESS: 'ok', RNR_RETRY_EXC_ERR: 'rnr', RETRY_EXC_ERR: 'retry', WR_FLUSH_ERR: 'flush' };
const QP: Record<QpState, Tx['qp']> = { RESET: 'reset', INIT: 'init', RTR: 'init', RTS: 'rts', ERR: 'err' };

function txOf(t: CmTx, rnrRetry: number): Tx {
  const qp = t.qp;
  return {
    qp: qp ? QP[qp.state] : 'reset',
    cm: t.cm,
    up: t.operUp,
    ring: qp ? qp.sq.map((w) => ({ id: t.txRing[w.wrId]!.seq, wc: w.status ? WC[w.status] : 'pending' })) : [],
    rnrWait: qp?.rnrWait ?? false,
    rnrLeft: qp?.rnrLeft ?? rnrRetry,
    reaps: t.reaps,
  };
}

const HISTORY: readonly OperUpHistory[] = ['never', 'once', 'reopened'];

/** The implementation's state as the model sees it; `maxSends` is the model's cap on the port counter. */
export function abstractState(link: RcLink, maxSends: number): { value: StateValue; context: RcContext } {
  const s = link.sender;
  const r = link.receiver;
  const cur = s.neighCm;
  const neighbour = !cur ? 'noTx' : !cur.qp ? 'txCreated' : !cur.operUp ? 'reqSent' : 'operUp';
  const held = new Set([...r.cq.map((c) => c.wrId), ...(r.busy ? [r.busy.cqe.wrId] : [])]);
  let fate = '';
  for (let seq = 0; seq < link.sent.length; seq++) {
    const a = s.ends.get(seq);
    const b = r.ends.get(seq);
    fate += a && b ? '!' : (a ?? b ?? '.');
  }
  return {
    value: { neighbour, receiver: r.busy ? r.busy.kind : 'polling' },
    context: {
      sent: link.sent.length,
      qdisc: s.qdisc.map((k) => k.seq),
      stopped: s.stopped,
      txOutstanding: s.txOutstanding,
      neighQueue: s.neighQueue.map((k) => k.seq),
      tx: cur ? txOf(cur, link.cfg.rnrRetry) : null,
      reapList: s.reapList.map((t) => txOf(t, link.cfg.rnrRetry)),
      srq: [...r.srq.posted],
      bufData: r.writer.map((w, slot) => (held.has(slot) ? w : -1)),
      rxCq: r.cq.map((c) => ({ buf: c.wrId, id: c.seq })),
      rx: r.busy ? { buf: r.busy.cqe.wrId, id: r.busy.cqe.seq, small: r.busy.small, skbNomem: r.busy.skbNomem } : null,
      lost: r.srq.lost,
      fate,
      rejs: link.rejs,
      dreqs: link.dreqs,
      txPackets: s.stats.txPackets,
      txErrors: s.stats.txErrors,
      txDropped: s.stats.txDropped,
      rxPackets: r.stats.rxPackets,
      rxDropped: r.stats.rxDropped,
      acked: link.acked,
      wire: Math.min(maxSends, link.wire),
      wcOk: s.stats.wcOk,
      wcErr: s.stats.wcErr,
      wcFlush: s.stats.wcFlush,
      operUpHistory: HISTORY[Math.min(2, s.opened)],
      copybreakTaken: r.copybreaks > 0,
    },
  };
}
