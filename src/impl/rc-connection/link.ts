/**
 * Two hosts joined by one IPoIB-CM connection: netperf and the sending
 * IPoIB driver, the RC transport between the HCAs, the CM peer, and the
 * receiving driver and socket. Each method is one step the outside world
 * (or the test driving it) can take; the HCA steps decide their own outcome
 * (ACK, RNR NAK, no answer) from the real state of the SRQ and the peer.
 */
import type { RcBehaviour } from '../../../models/rc-connection/behaviour.js';
import { IpoibReceiver } from './ipoib-rx.js';
import { IpoibSender, type CmTx } from './ipoib-tx.js';
import { frameOf, payloadBytes, TxSkb } from './skb.js';

export interface LinkConfig {
  readonly sendqSize: number;
  readonly recvqSize: number;
  readonly neighQueue: number;
  readonly rnrRetry: number;
  readonly copybreak: number;
  /** Seeds the payload bytes. */
  readonly seed: number;
}

/** Which tx a step names: the neighbour's, or reap_list[i]. */
export type TxName = 'neigh' | `reap${number}`;

export class RcLink {
  readonly sender: IpoibSender;
  readonly receiver: IpoibReceiver;
  /** netperf's payloads by message number, as sent. */
  readonly sent: Uint8Array[] = [];
  /** Sends the peer ACKed (they reached its receive queue). */
  acked = 0;
  /** The sending port's data packets (port_xmit_packets): every transmission, ACKed, RNR NAKed or unanswered. */
  wire = 0;
  rejs = 0;
  dreqs = 0;
  /** tx whose peer QP is gone (after its DREQ). */
  private readonly peerGone = new Set<CmTx>();

  constructor(
    readonly cfg: LinkConfig,
    readonly b: RcBehaviour,
  ) {
    this.sender = new IpoibSender({ sendqSize: cfg.sendqSize, neighQueue: cfg.neighQueue, rnrRetry: cfg.rnrRetry }, b);
    this.receiver = new IpoibReceiver(cfg.recvqSize, cfg.copybreak, b);
  }

  tx(name: TxName): CmTx {
    const t = name === 'neigh' ? this.sender.neighCm : this.sender.reapList[Number(name.slice(4))];
    if (!t) throw new Error(`no tx ${name}`);
    return t;
  }

  /** netperf sendto() of a UDP payload of `length` bytes. */
  appSend(length: number): number {
    const seq = this.sent.length;
    const payload = payloadBytes(this.cfg.seed, seq, length);
    this.sent.push(payload);
    this.sender.devQueueXmit([new TxSkb(seq, frameOf(payload))]);
    return seq;
  }

  /** The requester transmits the oldest unfinished WR; the outcome depends on the SRQ and the peer. */
  hcaStep(name: TxName): 'TRANSMIT' | 'RNR_NAK' | 'RETRY_EXC' {
    const t = this.tx(name);
    const qp = t.qp!;
    if (!qp.ready()) throw new Error(`QP of ${name} cannot transmit`);
    this.wire++;
    if (this.peerGone.has(t)) {
      qp.fail('RETRY_EXC_ERR');
      return 'RETRY_EXC';
    }
    const wr = qp.pending()!;
    const skb = t.txRing[wr.wrId]!;
    if (!this.receiver.arrive(skb.frame, skb.seq, qp.qpn)) {
      qp.rnrNak();
      return 'RNR_NAK';
    }
    qp.ack();
    this.acked++;
    return 'TRANSMIT';
  }

  rnrTimer(name: TxName): void {
    this.tx(name).qp!.rnrWait = false;
  }

  /** The peer answers the REQ with a REJ. */
  rej(): void {
    this.rejs = 1;
    this.sender.cmError(this.tx('neigh'));
  }

  /** The peer disconnects: DREQ (answered with DREP); its QP is gone. */
  dreq(name: TxName): void {
    const t = this.tx(name);
    t.cm = 'timewait';
    this.peerGone.add(t);
    this.dreqs = 1;
  }

  timewaitExit(name: TxName): void {
    this.sender.cmError(this.tx(name));
  }

  isPeerGone(t: CmTx): boolean {
    return this.peerGone.has(t);
  }
}
