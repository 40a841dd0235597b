/**
 * The active side's RC QP as the HCA runs it: a send queue of WRs in
 * posting order, each finished with a work-completion status. The
 * requester works on the oldest unfinished WR; an error status moves the QP
 * to ERR, which finishes every later WR, and any WR posted afterwards, with
 * WR_FLUSH_ERR (IBTA RC; kernel-facts §1.7).
 */
export type WcStatus = 'SUCCESS' | 'RNR_RETRY_EXC_ERR' | 'RETRY_EXC_ERR' | 'WR_FLUSH_ERR';
export type QpState = 'RESET' | 'INIT' | 'RTR' | 'RTS' | 'ERR';

export interface SendWr {
  /** tx_head & (sendq_size - 1): the tx_ring slot holding the skb. */
  readonly wrId: number;
  readonly byteLen: number;
  status: WcStatus | null;
}

let nextQpn = 0x48;

export class RcQp {
  readonly qpn = nextQpn++;
  state: QpState = 'RESET';
  /** Posted WRs whose completion has not been polled, oldest first. */
  readonly sq: SendWr[] = [];
  /** Waiting out an RNR timer before retransmitting the oldest unfinished WR. */
  rnrWait = false;
  rnrLeft: number;

  constructor(readonly rnrRetry: number) {
    this.rnrLeft = rnrRetry;
  }

  /** ib_post_send: accepted in INIT, RTR and RTS (processed from RTS); flushed at once in ERR. */
  postSend(wrId: number, byteLen: number): void {
    if (this.state === 'RESET') throw new Error('ib_post_send on a QP in RESET');
    this.sq.push({ wrId, byteLen, status: this.state === 'ERR' ? 'WR_FLUSH_ERR' : null });
  }

  /** The oldest WR the HCA has not finished. */
  pending(): SendWr | undefined {
    return this.sq.find((w) => w.status === null);
  }

  /** Can the requester transmit now? */
  ready(): boolean {
    return this.state === 'RTS' && !this.rnrWait && this.pending() !== undefined;
  }

  ack(): void {
    this.pending()!.status = 'SUCCESS';
    this.rnrLeft = this.rnrRetry;
  }

  /** The oldest unfinished WR fails with `status`: QP to ERR, everything behind it flushed. */
  fail(status: WcStatus): void {
    const w = this.pending()!;
    w.status = status;
    for (const x of this.sq) if (x.status === null) x.status = 'WR_FLUSH_ERR';
    this.state = 'ERR';
    this.rnrWait = false;
  }

  /** RNR NAK received: wait for the timer while retries remain (7 = forever), else fail. */
  rnrNak(): void {
    if (this.rnrRetry === 7) this.rnrWait = true;
    else if (this.rnrLeft > 0) {
      this.rnrLeft--;
      this.rnrWait = true;
    } else this.fail('RNR_RETRY_EXC_ERR');
  }

  /** ib_poll_cq for this QP's send completions: the oldest, if finished. */
  poll(): SendWr | undefined {
    return this.sq[0]?.status ? this.sq.shift() : undefined;
  }
}
