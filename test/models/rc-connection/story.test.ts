/**
 * The seed's story, told by the machine one step at a time: an RNR NAK on
 * an empty SRQ, RNR_RETRY_EXC_ERR, the QP in error flushing the sends
 * behind it (and one posted after), tx_packets counting them all, the tx
 * torn down and reaped exactly once, and the next packet re-creating the
 * connection. Five sends, one more than the check bound, so one behaviour
 * holds every chapter.
 */
import { describe, expect, test } from 'vitest';
import { replay } from './story.js';

describe('rc-connection: close and reopen after an RNR NAK, step by step', () => {
  test('the kernel\'s behaviour, chapter by chapter', () => {
    const m = replay('copybreak-2008', { max_sends: 5 });

    // netperf's first messages find no ipoib_neigh: neigh_add_path creates the tx; skbs wait on neigh->queue.
    m.step('APP_SEND', 'APP_SEND', 'APP_SEND');
    expect(m.state.value).toEqual({ neighbour: 'txCreated', receiver: 'polling' });
    expect(m.ctx.neighQueue).toEqual([0, 1, 2]);

    // start_task sends the REQ; the REP brings RTR, RTS, OPER_UP and the re-queue of neigh->queue.
    m.step('START', 'REP_RECEIVED');
    expect(m.ctx.tx).toMatchObject({ qp: 'rts', up: true });
    expect(m.ctx.tx!.ring.map((w) => w.id)).toEqual([0, 1, 2]);

    // Both SRQ buffers are taken before the receiver polls: the third send meets an empty SRQ.
    m.step('TRANSMIT', 'TRANSMIT', 'APP_SEND');
    expect(m.ctx.srq).toEqual([]);
    m.step('RNR_NAK');
    expect(m.ctx.tx!.qp).toBe('err');
    expect(m.ctx.tx!.ring.map((w) => w.wc)).toEqual(['ok', 'ok', 'rnr', 'flush']);

    // Four sends outstanding: ++tx_outstanding == sendq_size stopped the queue, so the fifth waits in the qdisc.
    expect([m.ctx.txOutstanding, m.ctx.stopped]).toEqual([4, true]);
    m.step('APP_SEND');
    expect(m.ctx.qdisc).toEqual([4]);

    // ipoib_cm_handle_tx_wc: two successes; the second brings tx_outstanding to sendq_size/2 and wakes the queue.
    m.step('TX_WC', 'TX_WC');
    expect([m.ctx.txOutstanding, m.ctx.stopped]).toEqual([2, false]);

    // The qdisc runs: the send is posted to a QP already in error (its error completion not yet polled), and flushed at once.
    m.step('QDISC_RUN');
    expect(m.ctx.tx!.ring.at(-1)).toEqual({ id: 4, wc: 'flush' });

    // RNR_RETRY_EXC_ERR: neigh->cm = NULL, test_and_clear(INITIALIZED) puts the tx on reap_list.
    m.step('TX_WC');
    expect(m.state.value).toMatchObject({ neighbour: 'noTx' });
    expect(m.ctx.tx).toBeNull();
    expect(m.ctx.reapList).toHaveLength(1);
    expect(m.ctx.reapList[0].reaps).toBe(1);

    // The flushed sends still complete, and still count in tx_packets.
    expect(m.enabled()).toContain('TX_WC@reap0');
    m.step('TX_WC@reap0', 'TX_WC@reap0');
    expect({ txPackets: m.ctx.txPackets, wcOk: m.ctx.wcOk, wcErr: m.ctx.wcErr, wcFlush: m.ctx.wcFlush }).toEqual({
      txPackets: 5,
      wcOk: 2,
      wcErr: 1,
      wcFlush: 2,
    });
    expect(m.ctx.fate).toBe('..eff');

    // tail == head: the reaper destroys the old tx, once.
    m.step('REAP');
    expect(m.ctx.reapList).toEqual([]);

    // The receiver delivers the two messages that got through, with copybreak, reposting at once.
    m.step('RX_WC:small', 'RX_WC:small');
    expect(m.ctx.srq).toEqual([0, 1]);
    expect(m.ctx.fate).toBe('ddeff');
    // netperf counted 5 sends and ifconfig's tx_packets 5; the port counter saw 3 packets (2 ACKed, 1 RNR NAKed), 2 got through.
    expect({ sent: m.ctx.sent, txPackets: m.ctx.txPackets, wire: m.ctx.wire, acked: m.ctx.acked, rxPackets: m.ctx.rxPackets }).toEqual({
      sent: 5,
      txPackets: 5,
      wire: 3,
      acked: 2,
      rxPackets: 2,
    });
  });

  test('the next packet re-creates the connection: REQ, REP_RECEIVED, OPER_UP, the re-queue', () => {
    const m = replay('copybreak-2008', { max_sends: 5 });
    m.step('APP_SEND', 'APP_SEND', 'APP_SEND', 'START', 'REP_RECEIVED', 'TRANSMIT', 'TRANSMIT', 'RNR_NAK');
    m.step('TX_WC', 'TX_WC', 'TX_WC');
    expect(m.ctx.tx).toBeNull();
    // No backoff: the next packets create a new tx right away and wait for it.
    m.step('APP_SEND', 'APP_SEND');
    expect(m.state.value).toMatchObject({ neighbour: 'txCreated' });
    expect(m.ctx.neighQueue).toEqual([3, 4]);
    m.step('START', 'REP_RECEIVED');
    expect(m.state.value).toMatchObject({ neighbour: 'operUp' });
    expect(m.ctx.operUpHistory).toBe('reopened');
    expect(m.ctx.tx!.ring.map((w) => w.id)).toEqual([3, 4]);
    expect(m.ctx.neighQueue).toEqual([]);
  });
});
