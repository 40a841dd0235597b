/**
 * rc-connection against its manifest, and the counterexamples the model
 * exists to tell, checked step by step: the shortest length and the events
 * in order.
 */
import { describe, expect, test } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { check } from '../../../src/explore/check.js';
import { ParamError } from '../../../src/errors/param-error.js';
import { checkParams } from '../../../src/model/params.js';
import { KERNEL_2008 } from '../../../models/rc-connection/behaviour.js';
import { params } from '../../../models/rc-connection/params.js';
import { rcConnectionMachine } from '../../../models/rc-connection/rc-connection.machine.js';
import { modelSuite } from '../../support/model-suite.js';
import { spec } from '../../../models/rc-connection/index.js';
import type { RcContext } from '../../../models/rc-connection/state.js';
import { checked, labels, reuse, violation } from './story.js';

reuse(modelSuite(spec));

describe('rc-connection: the kernel counts sends that never reached the peer (the FIXME)', () => {
  const FIRST_RNR = [
    'APP_SEND', 'APP_SEND', 'APP_SEND', // netperf's burst waits on neigh->queue
    'START', 'REP_RECEIVED', // REQ, then RTR/RTS, OPER_UP and the re-queue posts all three
  ];

  test('shortest (11): an RNR NAK on an empty SRQ, and the failed send counted in tx_packets', () => {
    const t = violation(checked('copybreak-2008'), 'txPacketsCountsDelivered')!;
    expect(labels(t)).toEqual([
      ...FIRST_RNR,
      'TRANSMIT', 'TRANSMIT', // both SRQ buffers taken, the receiver has not polled
      'RNR_NAK', // rnr_retry_count 0: RNR_RETRY_EXC_ERR, QP to ERR
      'TX_WC', 'TX_WC', 'TX_WC', // two successes, then the failed send, counted all the same
    ]);
    const c = t.steps.at(-1)!.state.context as RcContext;
    expect([c.txPackets, c.wcOk]).toEqual([3, 2]);
    expect(c.tx).toBeNull(); // neigh->cm cleared
    expect(c.reapList.map((x) => x.reaps)).toEqual([1]); // reaped once
  });

  test('the seed\'s comparison (13): an RNR NAK, a send flushed behind it, and tx_packets above the port counter', () => {
    const t = violation(checked('copybreak-2008'), 'txPacketsWithinPortCounter')!;
    expect(labels(t)).toEqual([
      ...FIRST_RNR,
      'APP_SEND', // OPER_UP: the fourth send is posted at once
      'TRANSMIT', 'TRANSMIT', // the port counter: 2
      'RNR_NAK', // the port counter: 3; send 2 fails, send 3 is flushed without reaching the wire
      'TX_WC', 'TX_WC', 'TX_WC', // the error completion tears the tx down: send 3's completion comes from reap_list
      'TX_WC@reap0', // WR_FLUSH_ERR, counted: tx_packets 4 against 3 packets on the wire
    ]);
    const c = t.steps.at(-1)!.state.context as RcContext;
    expect({ txPackets: c.txPackets, wire: c.wire, acked: c.acked, wcFlush: c.wcFlush, fate: c.fate }).toEqual({ txPackets: 4, wire: 3, acked: 2, wcFlush: 1, fate: '..ef' });
  });

  test('peer-disconnects: a send that times out towards the vanished peer is counted too (6)', () => {
    const t = violation(checked('peer-disconnects'), 'txPacketsCountsDelivered');
    expect(labels(t)).toEqual(['APP_SEND', 'START', 'REP_RECEIVED', 'DREQ_RECEIVED', 'RETRY_EXC', 'TX_WC']);
  });

  test('resolving the FIXME (count-success-only) satisfies both', () => {
    const verdicts = checked('count-success-only').verdicts;
    for (const p of ['txPacketsCountsDelivered', 'txPacketsWithinPortCounter']) {
      expect(verdicts.find((v) => v.property === p)?.verdict, p).toBe('holds');
    }
  });
});

describe('rc-connection: the bugs and versions, shortest counterexamples', () => {
  test('pre-copybreak: the first small packet holds its buffer for a replacement (5 steps)', () => {
    expect(labels(violation(checked('pre-copybreak'), 'copybreakNeverHoldsBuffer'))).toEqual([
      'APP_SEND', 'START', 'REP_RECEIVED', 'TRANSMIT', 'RX_WC:small',
    ]);
  });

  test('rnr-retry-7: without receiver fairness a send retries forever (RNR NAK, RNR timer, ...)', () => {
    const r = checked('rnr-retry-7');
    const t = violation(r, 'postedSendCompletesWithoutReceiver')!;
    // Every retransmission is a packet on the wire: the loop closes once the port counter saturates (at max_sends).
    expect(labels(t)).toEqual([
      'APP_SEND', 'APP_SEND', 'APP_SEND', 'START', 'REP_RECEIVED', 'TRANSMIT', 'TRANSMIT',
      'RNR_NAK', 'RNR_TIMER', 'RNR_NAK', 'TX_WC', 'TX_WC',
      'RNR_TIMER', 'RNR_NAK',
    ]);
    expect(t.loop).toEqual({ start: 12, stutter: false, from: 12 });
    expect((t.steps.at(-1)!.state.context as RcContext).wire).toBe(4);
    // With the receiver's repost under fairness, every posted send completes.
    expect(r.verdicts.find((v) => v.property === 'postedSendCompletes')?.verdict).toBe('holds');
  });

  test('the baseline needs no receiver fairness: an RNR NAK fails the send instead of waiting', () => {
    expect(checked('copybreak-2008').verdicts.find((v) => v.property === 'postedSendCompletesWithoutReceiver')?.verdict).toBe('holds');
  });

  test('repost-before-copy: the buffer is the HCA\'s and the driver\'s at once (5), then another message\'s bytes are delivered (10)', () => {
    const r = checked('repost-before-copy');
    expect(labels(violation(r, 'receiveBufferOwnedOnce'))).toEqual(['APP_SEND', 'START', 'REP_RECEIVED', 'TRANSMIT', 'RX_WC:small']);
    const t = violation(r, 'everySendEndsOnce')!;
    expect(labels(t)).toEqual([
      'APP_SEND', 'APP_SEND', 'APP_SEND', 'START', 'REP_RECEIVED', 'TRANSMIT', 'TRANSMIT',
      'RX_WC:small', // message 0's buffer reposted before the copy
      'TRANSMIT', // the HCA writes message 2 into it
      'COPY', // the copy reads message 2's bytes as message 0
    ]);
    expect((t.steps.at(-1)!.state.context as { fate: string }).fate).toBe('..d');
  });

  test('srq-post-fails: both buffers copied out and lost to failed reposts, the SRQ stays empty for good (a lasso of 8)', () => {
    const t = violation(checked('srq-post-fails'), 'emptySrqGetsBuffer')!;
    expect(labels(t)).toEqual([
      'APP_SEND', 'APP_SEND', 'START', 'REP_RECEIVED', 'TRANSMIT', 'TRANSMIT',
      'RX_WC:small:post-fails', 'RX_WC:small:post-fails', // the copybreak path's repost fails, twice
    ]);
    expect(t.loop?.stutter).toBe(true);
    // Not one lost buffer but the whole ring (recvq_size 2): nothing is left to poll or repost.
    const c = t.steps.at(-1)!.state.context as RcContext;
    expect({ lost: c.lost, srq: c.srq, rxCq: c.rxCq, rx: c.rx }).toEqual({ lost: 2, srq: [], rxCq: [], rx: null });
  });

  test('reaped-twice: the error completion and TIMEWAIT_EXIT both reap the tx (7 steps)', () => {
    expect(labels(violation(checked('reaped-twice'), 'txReapedOnce'))).toEqual([
      'APP_SEND', 'START', 'REP_RECEIVED', 'DREQ_RECEIVED', 'RETRY_EXC', 'TX_WC', 'TIMEWAIT_EXIT@reap0',
    ]);
  });

  test('post-while-not-up: a post to the INIT QP (3), left uncompleted when the peer rejects (4), freed uncounted (5)', () => {
    const r = checked('post-while-not-up');
    expect(labels(violation(r, 'postOnlyWhenOperUp'))).toEqual(['APP_SEND', 'START', 'APP_SEND']);
    const lasso = violation(r, 'postedSendCompletes')!;
    expect(labels(lasso)).toEqual(['APP_SEND', 'START', 'APP_SEND', 'REJ_RECEIVED']);
    expect(lasso.loop?.stutter).toBe(true);
    expect(labels(violation(r, 'kernelCountersAddUp'))).toEqual(['APP_SEND', 'START', 'APP_SEND', 'REJ_RECEIVED', 'REAP_TIMEOUT']);
  });

  test('wake-off-by-one: the queue stays stopped at sendq_size/2 (10 steps)', () => {
    expect(labels(violation(checked('wake-off-by-one'), 'netifQueueFollowsTxOutstanding'))).toEqual([
      'APP_SEND', 'APP_SEND', 'APP_SEND', 'START', 'REP_RECEIVED', 'APP_SEND', 'TRANSMIT', 'TRANSMIT', 'TX_WC', 'TX_WC',
    ]);
  });

  test('flaky-peer: every REQ rejected, and no connection comes back before netperf stops', () => {
    const t = violation(checked('flaky-peer'), 'reconnectsAfterError')!;
    expect(labels(t)).toEqual(['APP_SEND', 'APP_SEND', 'APP_SEND', 'START', 'REJ_RECEIVED', 'APP_SEND', 'START', 'REJ_RECEIVED']);
    expect(t.loop).toEqual({ start: 8, stutter: true, from: 5 });
  });
});

describe('rc-connection: parameters', () => {
  test('ring sizes must be powers of two, as the kernel rounds them and tx_head & (sendq_size - 1) needs', () => {
    expect(() => check(spec, { variant: 'copybreak-2008', params: { sendq_size: 6 } })).toThrow(ParamError);
    expect(() => check(spec, { variant: 'copybreak-2008', params: { recvq_size: 3 } })).toThrow(/recvq_size' of model 'rc-connection' is 3, but must be a power of two/);
  });
});

describe('rc-connection: lanes', () => {
  test('every event the machine handles goes between two named participants, and none is unrouted', () => {
    const m = rcConnectionMachine(checkParams(params), KERNEL_2008);
    const types = new Set<string>();
    const visit = (n: AnyStateNode) => {
      for (const t of n.transitions.keys()) types.add(t);
      Object.values(n.states).forEach((c) => visit(c as AnyStateNode));
    };
    visit(m.root);
    expect(types.size).toBe(18);
    for (const t of types) {
      const [from, to] = spec.lanes!.of({ type: t });
      expect(spec.lanes!.participants).toContain(from);
      expect(spec.lanes!.participants).toContain(to);
    }
    expect(spec.lanes!.of({ type: 'RNR_NAK' })).toEqual(['hcaRx', 'hcaTx']);
  });
});

describe('rc-connection: each counterexample explains itself in the kernel\'s terms', () => {
  const said = (variant: string, property: string) => {
    const r = checked(variant);
    return r.kind === 'violated' ? r.violations.find((v) => v.property === property)?.message : undefined;
  };

  test('the seed\'s story in the baseline: tx_packets counts the RNR failure, then the flush the port never sent', () => {
    expect(said('copybreak-2008', 'txPacketsCountsDelivered')).toBe(
      'invariant txPacketsCountsDelivered is violated after 11 steps: tx_packets is 3 but only 2 sends completed with IB_WC_SUCCESS: ' +
        'ipoib_cm_handle_tx_wc also counted 1 that failed with IB_WC_RNR_RETRY_EXC_ERR after an RNR NAK',
    );
    expect(said('copybreak-2008', 'txPacketsWithinPortCounter')).toMatch(
      /after 13 steps: tx_packets is 4 but the sending port transmitted only 3 data packets \(port_xmit_packets\): 1 send flushed with IB_WC_WR_FLUSH_ERR never left the HCA.*\(completions handled: 2 success, 1 error, 1 flush\)$/,
    );
    // Towards a vanished peer the error may be a timeout: the explanation does not claim an RNR NAK it cannot see.
    expect(said('peer-disconnects', 'txPacketsCountsDelivered')).toMatch(/tx_packets is 1 but no send completed with IB_WC_SUCCESS: .*1 that failed with an error status \(IB_WC_RETRY_EXC_ERR/);
  });

  test('the bugs name the buffer, message, tx or counter that breaks the rule', () => {
    expect(said('repost-before-copy', 'receiveBufferOwnedOnce')).toMatch(/: receive buffer 0 is at once posted on the SRQ and held by the driver for message 0: it was reposted before its bytes were copied out/);
    expect(said('repost-before-copy', 'everySendEndsOnce')).toMatch(
      /: message 0 is nowhere in either host and is not ended; message 2 is still in the receive CQ \(buffer 0\) and is delivered: the application was handed the bytes of a later message/,
    );
    expect(said('reaped-twice', 'txReapedOnce')).toMatch(/: reap_list\[0\] has been queued for reaping 2 times \(cm_id gone after TIMEWAIT_EXIT or REJ\)/);
    expect(said('post-while-not-up', 'postOnlyWhenOperUp')).toMatch(/: the neighbour's tx \(QP INIT, cm_id REQ_SENT\) holds 1 WR: message 1 still pending in the HCA, but OPER_UP is clear/);
    expect(said('post-while-not-up', 'kernelCountersAddUp')).toMatch(
      /: 2 sends but tx_dropped 1 \+ tx_packets 0 \+ tx_errors 0 \+ 0 queued \+ 0 posted = 1 \(1 send freed by ipoib_cm_tx_destroy without a completion/,
    );
    expect(said('wake-off-by-one', 'netifQueueFollowsTxOutstanding')).toMatch(/: the netif queue is still stopped with tx_outstanding 2, at or below sendq_size\/2 = 2/);
    expect(said('pre-copybreak', 'copybreakNeverHoldsBuffer')).toMatch(/: message 0 is small \(byte_len < IPOIB_CM_COPYBREAK 256\) .* receive buffer 0 is off the SRQ/);
  });

  test('leads-to: why nothing fair moves the behaviour on from where it repeats or stutters', () => {
    expect(said('rnr-retry-7', 'postedSendCompletesWithoutReceiver')).toMatch(
      /never reaching its goal: the neighbour's tx \(QP RTS, cm_id ESTABLISHED, OPER_UP, waiting out an RNR NAK timer\) holds 1 WR: message 2 still pending in the HCA; the SRQ holds 0 of recvq_size 2 buffers, 2 completions wait unpolled on the receive CQ: with rnr_retry 7 the requester waits out the RNR timer and is NAKed again for ever/,
    );
    expect(said('srq-post-fails', 'emptySrqGetsBuffer')).toMatch(/never reaching its goal: the SRQ is empty and all 2 receive buffers are lost: ib_post_srq_recv failed/);
    expect(said('flaky-peer', 'reconnectsAfterError')).toMatch(
      /never reaching its goal: neigh->cm is NULL \(the peer has sent 1 REJ and 0 DREQs\) and the application has made its last send \(4 of max_sends 4\)/,
    );
    expect(said('post-while-not-up', 'postedSendCompletes')).toMatch(/never reaching its goal: reap_list\[0\] \(QP INIT, cm_id gone \(REJ or TIMEWAIT_EXIT\)\) holds 1 WR: message 1 still pending in the HCA: the peer rejected the REQ/);
  });
});
