/**
 * The model's context: plain data for one sending neighbour (its
 * ipoib_cm_tx and the ones still being reaped), the RC QPs' send rings, the
 * receiving host's shared receive queue, and the kernel's counters.
 * Messages are identified by their send order (0, 1, ...), so every send's
 * fate can be followed from netperf's sendto to delivery or loss.
 */

/** Work completion status a send WR will complete with; 'pending' while the HCA has not finished it. */
export type Wc = 'pending' | 'ok' | 'rnr' | 'retry' | 'flush';

/** One send WR on an RC QP's send ring (tx_ring[tx_head & (sendq_size - 1)]). */
export interface Wr {
  readonly id: number;
  readonly wc: Wc;
}

/** RC QP state as IPoIB drives it: RESET (created), INIT (REQ sent), RTS (after REP), ERR. */
export type QpState = 'reset' | 'init' | 'rts' | 'err';

/** The tx's cm_id: idle before start_task, REQ_SENT, ESTABLISHED, TIMEWAIT after a DREQ, exited after TIMEWAIT_EXIT/REJ. */
export type CmState = 'idle' | 'reqSent' | 'established' | 'timewait' | 'exited';

/** struct ipoib_cm_tx. */
export interface Tx {
  readonly qp: QpState;
  readonly cm: CmState;
  /** IPOIB_FLAG_OPER_UP. */
  readonly up: boolean;
  /** Posted WRs from tx_tail to tx_head, oldest first. */
  readonly ring: readonly Wr[];
  /** The requester is waiting out an RNR NAK timer before retransmitting the head WR. */
  readonly rnrWait: boolean;
  /** RNR retries left for the head WR (rnr_retry, reloaded on every ACK; 7 means forever). */
  readonly rnrLeft: number;
  /** Times the tx was put on reap_list; test_and_clear_bit(INITIALIZED) keeps this at most 1. */
  readonly reaps: number;
}

/** A receive completion: which SRQ buffer (wr_id) and which message the HCA wrote into it. */
export interface RxCqe {
  readonly buf: number;
  readonly id: number;
}

/** The completion ipoib_cm_handle_rx_wc is working on across more than one step. */
export interface RxHeld extends RxCqe {
  readonly small: boolean;
  /** The copybreak dev_alloc_skb failed and the small packet fell through to the replacement path. */
  readonly skbNomem: boolean;
}

/**
 * Per-message fate, one character per message in send order:
 * '.' still in the stack (qdisc, neigh->queue, a send ring, or the receiver),
 * 'd' delivered to the application, 'r' dropped by the receiver (rx_dropped),
 * 'e' completed with an error (RNR_RETRY_EXC_ERR / RETRY_EXC_ERR),
 * 'f' completed with WR_FLUSH_ERR, 'x' dropped by the sender (tx_dropped),
 * 'l' freed by the reaper without ever completing, '!' ended a second time.
 */
export type Fates = string;

export type OperUpHistory = 'never' | 'once' | 'reopened';

export interface RcContext {
  /** Application sends so far; the next message is number `sent`. */
  readonly sent: number;
  /** The device's qdisc: skbs held while the netif queue is stopped. */
  readonly qdisc: readonly number[];
  /** netif_queue_stopped(dev). */
  readonly stopped: boolean;
  /** priv->tx_outstanding: posted and not yet completed or freed, over every CM tx. */
  readonly txOutstanding: number;
  /** neigh->queue: skbs waiting for OPER_UP. */
  readonly neighQueue: readonly number[];
  /** neigh->cm: the neighbour's current tx, or null once it was torn down. */
  readonly tx: Tx | null;
  /** priv->cm.reap_list: torn-down tx waiting for ipoib_cm_tx_destroy. */
  readonly reapList: readonly Tx[];
  /** Receive buffers posted on the SRQ, oldest first (the HCA fills the oldest). */
  readonly srq: readonly number[];
  /** Per receive buffer: the message whose bytes it holds, -1 when it holds none worth reading. */
  readonly bufData: readonly number[];
  /** The receive CQ: completions the driver has not polled yet. */
  readonly rxCq: readonly RxCqe[];
  /** The completion being handled (replacement allocation, or the bug's pending copy). */
  readonly rx: RxHeld | null;
  /** Receive buffers freed by a failed ib_post_srq_recv and never replaced. */
  readonly lost: number;
  readonly fate: Fates;
  /** REJs and DREQs the peer has sent so far, each saturating at 1 (for the 'once' bounds). */
  readonly rejs: number;
  readonly dreqs: number;
  // The kernel's counters (dev->stats) and the port counter.
  readonly txPackets: number;
  readonly txErrors: number;
  readonly txDropped: number;
  readonly rxPackets: number;
  readonly rxDropped: number;
  /** Sends that reached the peer's receive queue and were ACKed. */
  readonly acked: number;
  /**
   * The sending port's transmit counter (port_xmit_packets, data packets
   * only): every transmission of a send WR, ACKed, RNR NAKed or timed out.
   * Saturates at max_sends: tx_packets never exceeds max_sends, so the cap
   * keeps "tx_packets <= port counter" exact while bounding the RNR retry
   * loop of rnr_retry 7.
   */
  readonly wire: number;
  /** Send completions handled, by status. */
  readonly wcOk: number;
  readonly wcErr: number;
  readonly wcFlush: number;
  /** Whether a connection to the neighbour has reached OPER_UP: never, once, or again after a teardown (a reopen). */
  readonly operUpHistory: OperUpHistory;
  /** Whether a small packet has been delivered by the copybreak copy. */
  readonly copybreakTaken: boolean;
}

export function initialContext(recvq: number): RcContext {
  const bufs = Array.from({ length: recvq }, (_, i) => i);
  return {
    sent: 0,
    qdisc: [],
    stopped: false,
    txOutstanding: 0,
    neighQueue: [],
    tx: null,
    reapList: [],
    srq: bufs,
    bufData: bufs.map(() => -1),
    rxCq: [],
    rx: null,
    lost: 0,
    fate: '',
    rejs: 0,
    dreqs: 0,
    txPackets: 0,
    txErrors: 0,
    txDropped: 0,
    rxPackets: 0,
    rxDropped: 0,
    acked: 0,
    wire: 0,
    wcOk: 0,
    wcErr: 0,
    wcFlush: 0,
    operUpHistory: 'never',
    copybreakTaken: false,
  };
}

/** A mutable working copy for one step; every step returns a fresh context. */
export type Draft = { -readonly [K in keyof RcContext]: RcContext[K] };

export function draft(c: RcContext): Draft {
  return { ...c };
}

/** Records how message `id` ended; a second end is marked '!' so the invariant sees it. */
export function endMessage(d: Draft, id: number, how: 'd' | 'r' | 'e' | 'f' | 'x' | 'l'): void {
  const was = d.fate[id];
  const now = was === '.' ? how : '!';
  d.fate = d.fate.slice(0, id) + now + d.fate.slice(id + 1);
}

/** Which tx an event names: the neighbour's current one, or an entry of reap_list. */
export type TxRef = 'neigh' | `reap${number}`;

export function txAt(c: RcContext, ref: TxRef): Tx | null {
  if (ref === 'neigh') return c.tx;
  return c.reapList[Number(ref.slice(4))] ?? null;
}

export function withTx(d: Draft, ref: TxRef, t: Tx): void {
  if (ref === 'neigh') d.tx = t;
  else {
    const i = Number(ref.slice(4));
    d.reapList = d.reapList.map((x, j) => (j === i ? t : x));
  }
}

export function newTx(rnrRetry: number): Tx {
  return { qp: 'reset', cm: 'idle', up: false, ring: [], rnrWait: false, rnrLeft: rnrRetry, reaps: 0 };
}
