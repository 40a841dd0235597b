/**
 * The two HCAs and the link between them: the requester puts the oldest
 * unsent WR of a QP on the serial link; after the fabric latency the
 * responder takes an SRQ buffer and ACKs, or, with the SRQ empty, answers
 * RNR NAK and discards what follows on that QP until a retransmission. With
 * rnr_retry 0 the NAK fails the WR (RNR_RETRY_EXC_ERR) and the QP enters
 * ERR, flushing every WR behind it; with retries left (7: forever) the
 * requester waits the RNR timer and goes back to the NAKed WR. Constant latencies keep packets and
 * ACKs in order, so plain queues carry them.
 */
import type { Receiver } from './receiver.js';
import type { Sender } from './sender.js';
import type { SimTx, World, Wr } from './world.js';

type InFlight = { t: SimTx; wr: Wr };

export class Hca {
  private readonly onLink: InFlight[] = [];
  private readonly toResponder: InFlight[] = [];
  private readonly acks: InFlight[] = [];

  constructor(
    private readonly w: World,
    private readonly sender: Sender,
    private readonly receiver: Receiver,
  ) {}

  /** The requester sends the QP's next WR if it may: RTS (up, not in error), no RNR wait, nothing on the link already. */
  kick(t: SimTx): void {
    if (t.sending || t.qpErr || t.rnrWait || t.state !== 'up' || t.next >= t.sq.length) return;
    const wr = t.sq[t.next++];
    wr.sent = true;
    t.sending = true;
    this.onLink.push({ t, wr });
    this.w.link.serve(this.w.price.wireNs, 'data', this.serialized);
  }

  private readonly serialized = (): void => {
    const p = this.onLink.shift()!;
    p.t.sending = false;
    this.toResponder.push(p);
    this.w.q.after(this.w.o.costs.hca.fabricLatencyNs, this.arrived);
    this.kick(p.t);
  };

  private readonly arrived = (): void => {
    const p = this.toResponder.shift()!;
    this.respond(p.t, p.wr);
  };

  private readonly acked = (): void => {
    const p = this.acks.shift()!;
    p.wr.status = 'ok';
    p.t.rnrLeft = this.w.o.rnrRetry; // an ACK reloads the retry count
    this.sender.pushTxCqe(p.t, p.wr);
  };

  /** The responder: a buffer from the SRQ and an ACK, or an RNR NAK. Every arrival was a packet on the sending port. */
  private respond(t: SimTx, wr: Wr): void {
    const w = this.w;
    w.c.portData++;
    if (t.nakAtResponder || wr.status) return; // out of sequence after a NAK: discarded
    if (this.receiver.takeBuffer(wr.seq)) {
      wr.landed = true;
      this.acks.push({ t, wr });
      w.q.after(w.o.costs.hca.fabricLatencyNs, this.acked);
      return;
    }
    t.nakAtResponder = true;
    w.c.rnrNaks++;
    w.q.after(w.o.costs.hca.fabricLatencyNs, () => this.rnrNak(t, wr));
  }

  /** The requester gets the RNR NAK. */
  private rnrNak(t: SimTx, wr: Wr): void {
    const w = this.w;
    const i = t.sq.indexOf(wr);
    if (w.o.rnrRetry === 7 || t.rnrLeft > 0) {
      // Go back to the NAKed WR after the RNR timer; the responder expects it again.
      if (w.o.rnrRetry !== 7) t.rnrLeft--;
      t.rnrWait = true;
      for (let j = i; j < t.sq.length; j++) t.sq[j].sent = false;
      t.next = i;
      w.q.after(w.o.costs.hca.rnrTimerNs, () => {
        t.rnrWait = false;
        t.nakAtResponder = false;
        this.kick(t);
      });
      return;
    }
    // Retries spent (at once with IPoIB's rnr_retry 0): RNR_RETRY_EXC_ERR, the QP enters ERR, everything behind is flushed.
    wr.status = 'rnr';
    t.qpErr = true;
    this.sender.pushTxCqe(t, wr);
    for (let j = i + 1; j < t.sq.length; j++) {
      if (!t.sq[j].status) {
        t.sq[j].status = 'flush';
        this.sender.pushTxCqe(t, t.sq[j]);
      }
    }
  }
}
