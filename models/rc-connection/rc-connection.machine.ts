/**
 * rc-connection: IPoIB connected mode between two hosts, one RC connection
 * in one direction, from netperf's sendto on the sender to delivery on the
 * receiver, through the RNR NAK that closes the connection and the next
 * packet that reopens it.
 *
 * Sources
 * - Seed 000_794c8e6a5cf78645.txt (Eli Cohen, "IPoIB: Copy small received
 *   SKBs in connected mode", f89271da, 2008). The issue also names seed
 *   001_0dcb9bc7f64d5e22.txt for the receive copy cost; this model does not
 *   use it (a 2002 Quadrics thread with no figure that applies to a 2008
 *   Xeon): src/sim/rc-connection prices every copy with the memcpy rate of
 *   src/sim/hosts/xeon-5400-2008.ts, an estimate, and seed 001's host
 *   profile (piii-quadrics-2002.ts) is used only by the tcp-dma model.
 * - The modelled kernel, and the two commits read. The kernel is the one
 *   of ipoib_cm.c at torvalds/linux 5b095d98 (Harvey Harrison's "net:
 *   replace %p6 with %pI6", October 2008, first released in 2.6.29 [I]),
 *   which contains the copybreak commit f89271da, read for ipoib_cm_send,
 *   ipoib_cm_handle_tx_wc, ipoib_cm_handle_rx_wc, ipoib_cm_rep_handler,
 *   ipoib_cm_send_req, ipoib_cm_tx_handler, ipoib_cm_create_tx,
 *   ipoib_cm_tx_destroy. f89271da's own release is inferred, not checked
 *   against a tag: 2.6.26 or 2.6.27 (kernel-facts §1); the model takes the
 *   paths read in this later copy as that kernel's, and the simulation's
 *   host profiles price 2.6.26. A second commit,
 *   ipoib_main.c at 785b0017, is cited because no 2008 ipoib_main.c is
 *   stored: it is a 4.x copy, read only for ipoib_start_xmit and
 *   neigh_add_path, whose CM logic (create the tx, hold up to 3 skbs on
 *   neigh->queue until OPER_UP) matches kernel-facts §1.2, itself read at
 *   f89271da. Nothing else of the 4.x file is modelled.
 * - ../shared/reference/kernel-facts.md §1.1 (constants), §1.2 (the
 *   ipoib_cm_tx lifecycle), §1.3 (send, completion and the tx_packets
 *   FIXME), §1.4 (receive buffers and copybreak), §1.7 (RC transport),
 *   §1.8 (invariants).
 *
 * Modelled
 * - The sender: netperf's sends through the qdisc and netif queue stop/wake
 *   (tx_outstanding, stop at sendq_size, wake at exactly sendq_size/2; with
 *   ADMIN_UP always set and the ring the only thing that stops the queue,
 *   decrements by one make "exactly" and "at or below" the same rule here);
 *   ipoib_start_xmit to the CM neighbour: create the tx (INITIALIZED), hold
 *   up to 3 skbs on neigh->queue until OPER_UP, drop beyond; start_task (QP
 *   INIT, REQ); REP_RECEIVED (RTR, RTS, OPER_UP, re-queue neigh->queue
 *   through dev_queue_xmit, RTU); ipoib_cm_send; ipoib_cm_handle_tx_wc for
 *   every completion, counting tx_packets as the kernel does; the error path
 *   (neigh->cm = NULL, neigh->queue dropped, test_and_clear INITIALIZED to
 *   reap_list, OPER_UP cleared); the CM error events (REJ_RECEIVED,
 *   TIMEWAIT_EXIT after a peer's DREQ); ipoib_cm_tx_destroy waiting for
 *   tail == head, or its 5 s timeout freeing leftovers. Several tx can
 *   exist at once: the neighbour's new one and old ones being reaped.
 * - The RC transport: the requester sends WRs in order; the responder takes
 *   the oldest SRQ buffer and ACKs, or answers RNR NAK on an empty SRQ;
 *   rnr_retry (0 in IPoIB, 7 = forever) decides between the RNR timer and
 *   RNR_RETRY_EXC_ERR; a QP in ERR flushes every outstanding and newly posted
 *   WR (WR_FLUSH_ERR); a vanished peer gives RETRY_EXC_ERR (retry_count 0).
 *   The sending port's counter counts every transmission (ACKed, NAKed,
 *   unanswered), never a flushed WR, which is what the seed compared
 *   ifconfig's tx_packets with.
 * - The receiver: the SRQ of recvq_size buffers; per completion either the
 *   copybreak copy (byte_len < 256: copy from the linear head, repost the
 *   original at once) or the replacement path (new pages first; a failed
 *   allocation drops the packet and reposts the old buffer); every path ends
 *   at the shared `repost:` label, where a failed ib_post_srq_recv frees the
 *   buffer for good (a fault only the srq-post-fails variant turns on).
 * - Messages by identity (send order) and size class (small < 256 bytes with
 *   the 4-byte header, large): the class is chosen when the receiver polls
 *   the completion, which is equivalent to choosing it at the send because
 *   nothing before the receiver depends on it (both classes fit the 65520
 *   mtu), and saves carrying it through every state.
 *
 * Left out, and why
 * - The SA path query and address handle (cached after the first packet;
 *   the seed's churn re-creates the tx with the path already resolved), the
 *   UD path and multicast, and other neighbours (tx_outstanding is shared by
 *   all; one neighbour shows the rule).
 * - The passive side's connection state (LIVE, FLUSH, drain WR, stale task)
 *   and the receiver's own cm_id: the seed's loss is on the active side, and
 *   the SRQ they share is modelled. A DREQ from the peer stands for its
 *   teardown.
 * - Timing: every step may be delayed arbitrarily; "slow" is an interleaving.
 *   How often the receiver runs dry is the simulation's question (src/sim),
 *   not the checker's. The 5 s reap timeout fires only when no completion
 *   can arrive (the QP never reached RTS), since the HCA flushes an ERR QP
 *   in microseconds.
 * - The mtu check in ipoib_cm_send, post_send failures, start_task failures,
 *   REQ_ERROR (a REQ timeout behaves as REJ_RECEIVED), DMA mapping errors,
 *   rx_dropped on error receive completions (the SRQ is never in error here).
 */
import { assign, setup } from 'xstate';
import type { RcBehaviour } from './behaviour.js';
import type { RcEvent } from './events.js';
import { retryExceeded, rnrNak, rnrTimer, transmit } from './hca.js';
import type { RcParams } from './params.js';
import { allocFail, copyAfterRepost, handleRxWc, refill } from './receiver.js';
import { appSend, cmTxError, cmTxStart, dreqReceived, handleTxWc, qdiscRun, reap, reapTimeout, repReceived } from './sender.js';
import { draft, initialContext, txAt, type Draft, type RcContext, type TxRef } from './state.js';

type Ev<T extends RcEvent['type']> = Extract<RcEvent, { type: T }>;

export function rcConnectionMachine(p: RcParams, b: RcBehaviour) {
  /** An assign whose body edits a working copy of the context. */
  const step = <T extends RcEvent['type']>(f: (d: Draft, e: Ev<T>) => void) =>
    assign<RcContext, RcEvent, undefined, RcEvent, never>(({ context, event }) => {
      const d = draft(context);
      f(d, event as Ev<T>);
      return d;
    });
  const txOf = (c: RcContext, e: RcEvent) => txAt(c, (e as { tx: TxRef }).tx);

  return setup({
    types: { context: {} as RcContext, events: {} as RcEvent },
    guards: {
      /** The netif queue is running, so this send reaches ipoib_start_xmit now. */
      queueRunning: ({ context }) => !context.stopped,
      /** The completion being handled failed (RNR_RETRY_EXC_ERR or RETRY_EXC_ERR) on the neighbour's tx. */
      errorOnNeighTx: ({ context, event }) => {
        const e = event as Ev<'TX_WC'>;
        const wc = txOf(context, e)?.ring[0]?.wc;
        return e.tx === 'neigh' && (wc === 'rnr' || wc === 'retry');
      },
      /** The CM event is for the neighbour's tx. */
      forNeighTx: ({ event }) => (event as Ev<'TIMEWAIT_EXIT'>).tx === 'neigh',
      /** byte_len < IPOIB_CM_COPYBREAK and the small skb was allocated. */
      copybreak: ({ event }) => {
        const e = event as Ev<'RX_WC'>;
        return b.copybreak && e.len === 'small' && e.skb !== 'nomem';
      },
      /** The buggy copybreak that reposts before it copies. */
      repostBeforeCopy: ({ event }) => {
        const e = event as Ev<'RX_WC'>;
        return b.repostBeforeCopy && b.copybreak && e.len === 'small' && e.skb !== 'nomem';
      },
    },
    actions: {
      appSend: step((d) => appSend(d, p, b)),
      qdiscRun: step((d) => qdiscRun(d, p, b)),
      cmTxStart: step((d) => cmTxStart(d)),
      repReceived: step((d) => repReceived(d, p, b)),
      rejReceived: step((d) => {
        d.rejs = 1;
        cmTxError(d, 'neigh', b);
      }),
      dreqReceived: step<'DREQ_RECEIVED'>((d, e) => dreqReceived(d, e.tx)),
      timewaitExit: step<'TIMEWAIT_EXIT'>((d, e) => cmTxError(d, e.tx, b)),
      transmit: step<'TRANSMIT'>((d, e) => transmit(d, e.tx, p)),
      rnrNak: step<'RNR_NAK'>((d, e) => rnrNak(d, e.tx, p)),
      rnrTimer: step<'RNR_TIMER'>((d, e) => rnrTimer(d, e.tx)),
      retryExceeded: step<'RETRY_EXC'>((d, e) => retryExceeded(d, e.tx, p)),
      handleTxWc: step<'TX_WC'>((d, e) => handleTxWc(d, e.tx, p, b)),
      reap: step((d) => reap(d)),
      reapTimeout: step((d) => reapTimeout(d, p, b)),
      handleRxWc: step<'RX_WC'>((d, e) => void handleRxWc(d, e.len, e.skb === 'nomem', e.post === 'fails', b)),
      refill: step<'RX_REFILL'>((d, e) => refill(d, e.post === 'fails')),
      allocFail: step<'RX_ALLOC_FAIL'>((d, e) => allocFail(d, e.post === 'fails')),
      copyAfterRepost: step((d) => copyAfterRepost(d)),
    },
  }).createMachine({
    id: 'rc-connection',
    context: initialContext(p.recvq_size),
    type: 'parallel',
    // Events of the HCAs and the reaper, which change no region's state.
    on: {
      DREQ_RECEIVED: { actions: 'dreqReceived' },
      TRANSMIT: { actions: 'transmit' },
      RNR_NAK: { actions: 'rnrNak' },
      RNR_TIMER: { actions: 'rnrTimer' },
      RETRY_EXC: { actions: 'retryExceeded' },
      REAP: { actions: 'reap' },
      REAP_TIMEOUT: { actions: 'reapTimeout' },
    },
    states: {
      /** The neighbour's ipoib_cm_tx (neigh->cm), kernel-facts §1.2. */
      neighbour: {
        initial: 'noTx',
        on: {
          APP_SEND: { actions: 'appSend' },
          QDISC_RUN: { actions: 'qdiscRun' },
          TX_WC: { actions: 'handleTxWc' },
          TIMEWAIT_EXIT: { actions: 'timewaitExit' },
        },
        states: {
          /** neigh->cm is NULL: the next packet to reach the driver creates a tx. */
          noTx: {
            on: {
              APP_SEND: [{ guard: 'queueRunning', target: 'txCreated', actions: 'appSend' }, { actions: 'appSend' }],
              QDISC_RUN: { target: 'txCreated', actions: 'qdiscRun' },
            },
          },
          /** INITIALIZED, on start_list: start_task has not run. */
          txCreated: { on: { START: { target: 'reqSent', actions: 'cmTxStart' } } },
          /** QP in INIT, REQ sent: packets wait on neigh->queue. */
          reqSent: {
            on: {
              REP_RECEIVED: { target: 'operUp', actions: 'repReceived' },
              REJ_RECEIVED: { target: 'noTx', actions: 'rejReceived' },
            },
          },
          /** RTS and OPER_UP: ipoib_cm_send posts directly. */
          operUp: {
            on: {
              TX_WC: { guard: 'errorOnNeighTx', target: 'noTx', actions: 'handleTxWc' },
              TIMEWAIT_EXIT: { guard: 'forNeighTx', target: 'noTx', actions: 'timewaitExit' },
            },
          },
        },
      },
      /** The receiving host's ipoib_cm_handle_rx_wc, kernel-facts §1.4. */
      receiver: {
        initial: 'polling',
        states: {
          /** Polling the receive CQ; the copybreak path completes within this step. */
          polling: {
            on: {
              RX_WC: [
                { guard: 'repostBeforeCopy', target: 'copying', actions: 'handleRxWc' },
                { guard: 'copybreak', actions: 'handleRxWc' },
                { target: 'replacing', actions: 'handleRxWc' },
              ],
            },
          },
          /** Allocating and mapping a replacement buffer: the slot is off the SRQ meanwhile. */
          replacing: {
            on: {
              RX_REFILL: { target: 'polling', actions: 'refill' },
              RX_ALLOC_FAIL: { target: 'polling', actions: 'allocFail' },
            },
          },
          /** Bug only: the buffer is already reposted and the copy out of it is still to come. */
          copying: { on: { COPY: { target: 'polling', actions: 'copyAfterRepost' } } },
        },
      },
    },
  });
}
