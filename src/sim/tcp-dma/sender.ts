/**
 * The iperf sender on the far host: it writes `writeBytes` at a time and
 * sends MSS segments whenever the receiver's advertised window lets it. The
 * right edge of the window never moves back (TCP does not shrink a window
 * it advertised: tcp_select_window keeps the old edge). PSH marks the end
 * of each write (tcp_push) and every half window (forced_push). The sender's
 * CPU is not the bottleneck; the link serialises the segments.
 */
import { wireNs, type LinkCosts } from '../cost-model.js';
import type { EventQueue } from '../event-queue.js';
import { Server } from '../server.js';

export interface Segment {
  readonly seq: number;
  readonly bytes: number;
  readonly psh: boolean;
}

export class Sender {
  nextSeq = 0;
  /** rcv_nxt + rcv_wnd as last advertised: the sender may send up to here. */
  edge: number;
  private pushedSeq = 0;
  /** tp->max_window: the largest window the receiver advertised. */
  private maxWindow: number;
  private readonly wire: Server;
  /** Payload bytes whose last bit has reached the receiver's NIC. */
  private arrivedBytes = 0;
  /** End times of the segments queued on the link, in order (the link is FIFO). */
  private readonly onWire: number[] = [];
  private readonly segmentNs: number;

  constructor(
    private readonly q: EventQueue,
    private readonly link: LinkCosts,
    private readonly mss: number,
    private readonly writeBytes: number,
    initialWindow: number,
    private readonly deliver: (s: Segment) => void,
  ) {
    this.wire = new Server('link', q);
    this.segmentNs = wireNs(link, mss);
    this.edge = initialWindow;
    this.maxWindow = initialWindow;
  }

  /** An ACK of `ackSeq` carrying the receiver's window arrives: the edge moves forward only. */
  ack(ackSeq: number, window: number): void {
    this.maxWindow = Math.max(this.maxWindow, window);
    if (ackSeq + window <= this.edge) return;
    this.edge = ackSeq + window;
    this.send();
  }

  send(): void {
    while (this.nextSeq + this.mss <= this.edge) {
      const seq = this.nextSeq;
      this.nextSeq += this.mss;
      const endOfWrite = this.nextSeq % this.writeBytes < this.mss;
      const psh = endOfWrite || this.nextSeq - this.pushedSeq > this.maxWindow / 2;
      if (psh) this.pushedSeq = this.nextSeq;
      const seg = { seq, bytes: this.mss, psh };
      const end = this.wire.serve(this.segmentNs, 'wire', () => {
        this.onWire.shift();
        this.arrivedBytes += seg.bytes;
        this.deliver(seg);
      });
      this.onWire.push(end);
    }
  }

  /**
   * Payload that has crossed the link by now, counting the segment being
   * serialised by the fraction of it already sent. Differences of this over
   * an interval can never exceed the link's payload rate times the interval:
   * the link serialises one segment at a time at its line rate.
   */
  payloadCrossed(): number {
    const head = this.onWire[0];
    if (head === undefined) return this.arrivedBytes;
    const sent = Math.min(1, Math.max(0, (this.q.now - (head - this.segmentNs)) / this.segmentNs));
    return this.arrivedBytes + sent * this.mss;
  }
}
