/**
 * tcp_recvmsg on real bytes (net/ipv4/tcp.c @2.6.32.2), one reader step at a
 * time so that arrivals, DMA completions and forks can interleave with it:
 * a copy-loop iteration, the queue-empty branch (break, release/lock, or
 * sk_wait_data), the wake-up, and the exit's return once the last cookie is
 * done. Each step reports its name, the model's event for the same step.
 */
import type { TcpDmaBehaviour } from '../../../models/tcp-dma/variants.js';
import { pinDecision, rcvlowatTarget } from '../../../models/tcp-dma/steps/decision.js';
import type { TcpSocket } from './socket.js';
import type { UserBuffer } from './user-memory.js';

export interface ReadRequest {
  readonly len: number;
  readonly peek: boolean;
  readonly waitall: boolean;
  readonly rcvlowat: number;
  readonly lowLatency: boolean;
}

export type ReaderStep = 'COPY_SKB' | 'BREAK' | 'SK_WAIT_DATA' | 'RELEASE_SOCK' | 'WAKE_UP' | 'RETURN';
export type ReadResult = number | 'EINTR';

export class Reader {
  phase: 'locked' | 'sleeping' | 'exiting' | 'returned' = 'locked';
  readonly target: number;
  readonly start: number;
  readonly pinned: boolean;
  len: number;
  copied = 0;
  peekSeq: number;
  userRecv = false;
  interrupted = false;
  result: ReadResult | null = null;
  unpins = 0;

  constructor(
    private readonly sk: TcpSocket,
    readonly buffer: UserBuffer,
    readonly req: ReadRequest,
    private readonly b: TcpDmaBehaviour,
  ) {
    if (req.len > buffer.length) throw new RangeError(`read of ${req.len} bytes into a ${buffer.length}-byte buffer`);
    sk.ownedByUser = true; // lock_sock
    sk.buffer = buffer;
    sk.iovLen = req.len;
    sk.lowLatency = req.lowLatency;
    sk.ucopy = { task: false, len: 0, wakeup: sk.ucopy.wakeup, iov: 0, pinned: null, dmaChan: null, dmaCookie: 0 };
    sk.dmaAbandoned = false;
    this.len = req.len;
    this.start = sk.copiedSeq;
    this.peekSeq = sk.copiedSeq;
    this.target = rcvlowatTarget(req.waitall, req.rcvlowat, req.len);
    const tail = sk.receiveQueue[sk.receiveQueue.length - 1];
    const decision = pinDecision({
      channel: b.netDma,
      available: tail ? tail.seq + tail.data.length - sk.copiedSeq : 0,
      target: this.target,
      len: req.len,
      copybreak: sk.cfg.copybreak,
      pinsOnlyAboveCopybreak: b.pinsOnlyAboveCopybreak,
      peek: req.peek,
      peekExcludesDma: b.peekExcludesDma,
      lowLatency: req.lowLatency,
      lowLatencyExcludesDma: b.lowLatencyExcludesDma,
    });
    this.pinned = decision === 'pinned';
    if (this.pinned) sk.ucopy.pinned = buffer.pin().slice(0, Math.ceil(req.len / sk.cfg.pageBytes));
  }

  private get seq(): number {
    return this.req.peek ? this.peekSeq : this.sk.copiedSeq;
  }

  private skbAtSeq() {
    const seq = this.seq;
    return this.sk.receiveQueue.find((s) => s.seq <= seq && seq < s.seq + s.data.length);
  }

  /** The step the reader would take now, or null if it is blocked (asleep and not woken, or waiting for its last cookie). */
  next(): ReaderStep | null {
    const sk = this.sk;
    switch (this.phase) {
      case 'returned':
        return null;
      case 'sleeping':
        return sk.woken ? 'WAKE_UP' : null;
      case 'exiting': {
        const chan = sk.ucopy.dmaChan;
        const done = !this.b.exitWaitsForCookies || !chan || chan.isComplete(sk.ucopy.dmaCookie);
        return done ? 'RETURN' : null;
      }
      case 'locked':
        if (this.len === 0) return 'BREAK';
        if (this.skbAtSeq()) return 'COPY_SKB';
        if ((this.copied >= this.target && sk.backlog.length === 0) || this.interrupted) return 'BREAK';
        return this.copied < this.target ? 'SK_WAIT_DATA' : 'RELEASE_SOCK';
    }
  }

  step(): ReaderStep {
    const s = this.next();
    if (s === null) throw new Error(`the reader is blocked in ${this.phase}`);
    if (s === 'COPY_SKB') this.copySkb();
    else if (s === 'BREAK') this.loopExit();
    else if (s === 'SK_WAIT_DATA' || s === 'RELEASE_SOCK') this.queueEmpty();
    else if (s === 'WAKE_UP') {
      this.sk.ownedByUser = true;
      this.afterWait();
      this.phase = 'locked';
    } else this.return();
    return s;
  }

  private copySkb(): void {
    const sk = this.sk;
    const skb = this.skbAtSeq()!;
    const offset = this.seq - skb.seq;
    const used = Math.min(skb.data.length - offset, this.len);
    const chan = this.pinned ? sk.bindChannel() : null;
    let copiedEarly = false;
    if (chan) {
      const cookie = sk.dmaCopyToIovec(chan, skb.data.subarray(offset, offset + used));
      sk.ucopy.dmaCookie = cookie;
      skb.dmaCookie = cookie;
      if (this.b.freeSkbsPeriodically) chan.issuePending(); // 73852e8151b7
      copiedEarly = offset + used === skb.data.length;
    } else {
      sk.cpuCopyToIovec(skb.data.subarray(offset, offset + used));
    }
    if (this.req.peek) this.peekSeq += used;
    else sk.copiedSeq += used;
    this.copied += used;
    this.len -= used;
    if (offset + used === skb.data.length && !this.req.peek) {
      sk.receiveQueue.splice(sk.receiveQueue.indexOf(skb), 1);
      if (copiedEarly) sk.asyncWaitQueue.push(skb);
      else sk.freeSkb(skb);
    }
  }

  private collectChunk(): void {
    if (!this.userRecv) return;
    const chunk = this.len - this.sk.ucopy.len;
    this.len -= chunk;
    this.copied += chunk;
  }

  private afterWait(): void {
    const sk = this.sk;
    if (this.b.freeSkbsPeriodically) sk.reapCompleted(); // tcp_service_net_dma(sk, false)
    if (this.b.netDma) sk.ucopy.wakeup = false;
    this.collectChunk();
    if (this.userRecv && sk.rcvNxt === sk.copiedSeq && sk.prequeue.length > 0) {
      sk.processAsOwner('prequeue');
      this.collectChunk();
    }
    sk.woken = false;
  }

  private queueEmpty(): void {
    const sk = this.sk;
    if (!this.req.lowLatency) {
      if (!this.req.peek) {
        this.userRecv = true;
        sk.ucopy.task = true;
      }
      sk.ucopy.len = this.len;
    }
    if (sk.prequeue.length > 0) {
      sk.processAsOwner('prequeue');
      this.collectChunk();
      return;
    }
    const chan = sk.ucopy.dmaChan;
    if (chan) {
      // 15c041759bfc: with a zero window, drain and free sk_async_wait_queue first; 73852e8151b7: issue what is pending.
      if (this.b.flushOnZeroWindow && !sk.windowOpen() && sk.asyncWaitQueue.length > 0) sk.drainDma();
      else if (this.b.freeSkbsPeriodically) chan.issuePending();
    }
    const waits = this.copied < this.target;
    sk.woken = false;
    sk.processAsOwner('backlog'); // release_sock, still the owner while the backlog runs
    if (waits && sk.receiveQueue.length === 0 && !sk.woken) {
      sk.ownedByUser = false;
      this.phase = 'sleeping';
      return;
    }
    this.afterWait();
  }

  private loopExit(): void {
    const sk = this.sk;
    if (this.userRecv) {
      if (sk.prequeue.length > 0) {
        sk.ucopy.len = this.copied > 0 ? this.len : 0;
        sk.processAsOwner('prequeue');
        if (this.copied > 0) this.collectChunk();
      }
      sk.ucopy.task = false;
      sk.ucopy.len = 0;
    }
    this.result = this.copied === 0 && this.interrupted ? 'EINTR' : this.copied;
    if (this.b.exitWaitsForCookies && sk.ucopy.dmaChan) sk.ucopy.dmaChan.issuePending();
    sk.woken = false;
    this.phase = 'exiting';
  }

  private return(): void {
    const sk = this.sk;
    for (const skb of sk.asyncWaitQueue) sk.freeSkb(skb);
    sk.asyncWaitQueue = [];
    sk.ucopy.dmaChan = null;
    if (sk.ucopy.pinned) {
      sk.ucopy.pinned = null;
      this.unpins++;
      if (!this.b.exitUnpinsOnce) this.unpins++; // the seeded second dma_unpin_iovec_pages
    }
    sk.processAsOwner('backlog');
    sk.ownedByUser = false;
    sk.woken = false;
    this.phase = 'returned';
  }

  /** A signal while asleep: wake, and break at the next queue-empty check. */
  signal(): boolean {
    if (this.phase !== 'sleeping' || this.interrupted) return false;
    this.interrupted = true;
    this.sk.woken = true;
    return true;
  }
}
