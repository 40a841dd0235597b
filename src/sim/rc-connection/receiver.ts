/**
 * The receiving host: the SRQ's free buffers, the receive completions the
 * NAPI poll handles one by one (ipoib_cm_handle_rx_wc by the copybreak or
 * the replacement path, the buffer reposted when the handler ends), the
 * socket's receive buffer (a datagram that would exceed SO_RCVBUF is
 * dropped), and netserver's recvmsg loop, on its own core or on the
 * interrupt's core below the softirq work.
 */
import { Fate, type World } from './world.js';

export class Receiver {
  /** Receive buffers posted on the SRQ. */
  srqFree: number;
  /** Receive completions not yet polled, by message. */
  readonly rxCq: number[] = [];
  /** Datagrams in netserver's socket, and the truesize they hold. */
  readonly socket: number[] = [];
  private rmem = 0;
  private rxNapi = false;
  private rxSeq = -1;
  /** A completion is being handled (taken off rxCq, its buffer not yet reposted). */
  inHandler = false;
  private rxInterruptPending = false;
  private netserverBusy = false;
  private recvWake = false;

  constructor(private readonly w: World) {
    this.srqFree = w.o.recvqSize;
  }

  /** netserver starts in recvmsg: it occupies its core only when datagrams arrive. */
  start(): void {}

  /** The responder consumes an SRQ buffer for message `seq`, if one is posted; the completion raises the interrupt. */
  takeBuffer(seq: number): boolean {
    if (this.srqFree === 0) return false;
    this.srqFree--;
    this.rxCq.push(seq);
    this.w.setFate(seq, Fate.AtReceiver);
    if (!this.rxNapi) {
      this.rxNapi = true;
      this.submitRxPoll(true);
    }
    return true;
  }

  /** ipoib_cm_handle_rx_wc for one completion; the buffer is reposted when it ends. */
  private readonly rxPollJob = {
    category: 'receive',
    start: (): number => {
      const w = this.w;
      this.rxSeq = this.rxCq.shift()!;
      this.inHandler = true;
      const cost = (this.rxInterruptPending ? w.o.costs.hca.napiEventNs : 0) + w.price.rx;
      return w.o.bugs?.rxCpuUncharged ? 0 : w.jitter(cost);
    },
    end: (): void => {
      const w = this.w;
      const seq = this.rxSeq;
      this.inHandler = false;
      this.srqFree++;
      w.c.rxPackets++;
      if (this.rmem + w.price.rxTruesize <= w.o.rcvbufBytes) {
        this.rmem += w.price.rxTruesize;
        this.socket.push(seq);
        w.setFate(seq, Fate.InSocket);
        this.wakeNetserver();
      } else {
        w.c.socketDrops++;
        w.setFate(seq, Fate.SocketDrop);
      }
      if (this.rxCq.length > 0) this.submitRxPoll(false);
      else this.rxNapi = false;
    },
  };

  private submitRxPoll(interrupt: boolean): void {
    this.rxInterruptPending = interrupt;
    this.w.receiverCpu.submit(this.rxPollJob, 'softirq');
  }

  private wakeNetserver(): void {
    if (this.netserverBusy) return;
    this.netserverBusy = true;
    this.submitRecv(true);
  }

  /** netserver's recvmsg of one datagram; the first after a sleep pays the wakeup. */
  private readonly recvJob = {
    category: 'netserver recvmsg',
    start: (): number => this.w.jitter((this.recvWake ? this.w.o.costs.host.wakeupNs : 0) + this.w.price.recv),
    end: (): void => {
      const seq = this.socket.shift()!;
      this.rmem -= this.w.price.rxTruesize;
      this.w.setFate(seq, Fate.Received);
      if (this.socket.length > 0) this.submitRecv(false);
      else this.netserverBusy = false;
    },
  };

  private submitRecv(wake: boolean): void {
    this.recvWake = wake;
    this.w.netserverCpu.submit(this.recvJob, 'process');
  }
}
