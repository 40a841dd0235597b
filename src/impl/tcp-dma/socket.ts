/**
 * A TCP receive socket on real bytes: sk_receive_queue, the backlog, the
 * prequeue, sk_async_wait_queue, tp->ucopy, and the fast path of
 * tcp_rcv_established with tcp_dma_try_early_copy and tcp_copy_to_iovec
 * (net/ipv4/tcp_input.c @2.6.32.2). The reader's side is recvmsg.ts.
 */
import type { TcpDmaBehaviour } from '../../../models/tcp-dma/variants.js';
import { internetChecksum } from './checksum.js';
import type { DmaChannel, Piece } from './dma-engine.js';
import type { Segment } from './stream.js';
import type { PhysicalMemory, UserBuffer } from './user-memory.js';

export interface SocketConfig {
  readonly pageBytes: number;
  readonly copybreak: number;
  readonly rcvbuf: number;
  readonly pendingLevel: number;
  readonly truesize: (len: number) => number;
  /** dma_memcpy_to_iovec splits at page edges (true, as the kernel); false: one descriptor per copy call (as the model). */
  readonly splitAtPages: boolean;
}

export interface Skb {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly charged: boolean;
  dmaCookie: number;
}

export interface Ucopy {
  task: boolean;
  len: number;
  wakeup: boolean;
  /** The iovec: the next user-buffer offset every copy path writes. */
  iov: number;
  pinned: number[] | null;
  dmaChan: DmaChannel | null;
  dmaCookie: number;
}

export class TcpSocket {
  rcvNxt = 0;
  copiedSeq = 0;
  readonly receiveQueue: Skb[] = [];
  backlog: Segment[] = [];
  prequeue: Segment[] = [];
  asyncWaitQueue: Skb[] = [];
  rmemAlloc = 0;
  ownedByUser = false;
  /** The waiting reader was made runnable. */
  woken = false;
  /** Bytes a copy tried to write past the user buffer. */
  overrun = 0;
  /** Skbs freed while a DMA copy reading them was outstanding. */
  freedUnderDma = 0;
  /** Segments discarded for a bad checksum (tcp_checksum_complete_user, skb_copy_and_csum_datagram_iovec). */
  csumDrops = 0;
  ucopy: Ucopy = { task: false, len: 0, wakeup: false, iov: 0, pinned: null, dmaChan: null, dmaCookie: 0 };
  /** The offload was ended for this call after a drained CPU fallback (fallbackDrainsDma). */
  dmaAbandoned = false;
  buffer: UserBuffer | null = null;
  /** iov_len of the current call: copies past it are overruns. */
  iovLen = 0;
  lowLatency = false;

  constructor(
    readonly cfg: SocketConfig,
    readonly behaviour: TcpDmaBehaviour,
    readonly mem: PhysicalMemory,
    readonly channel: DmaChannel,
  ) {}

  /** dma_find_channel when pinned_list is set (lazily, by whoever needs it first). */
  bindChannel(): DmaChannel | null {
    if (!this.ucopy.dmaChan && this.ucopy.pinned && !this.dmaAbandoned) this.ucopy.dmaChan = this.channel;
    return this.ucopy.dmaChan;
  }

  /** copy_to_user at the iovec; bytes past the buffer are counted, not written. */
  cpuCopyToIovec(data: Uint8Array): void {
    const room = Math.max(0, Math.min(data.length, this.iovLen - this.ucopy.iov));
    if (room > 0) this.buffer!.cpuWrite(this.ucopy.iov, data.subarray(0, room));
    this.overrun += data.length - room;
    this.ucopy.iov += data.length;
  }

  /**
   * dma_skb_copy_datagram_iovec into the pinned frames (dma_memcpy_to_iovec
   * splits at page edges); returns the last cookie. Bytes past the buffer
   * are counted, not written.
   */
  dmaCopyToIovec(chan: DmaChannel, data: Uint8Array): number {
    const pb = this.cfg.pageBytes;
    const pieces: Piece[] = [];
    for (let i = 0; i < data.length; ) {
      const at = this.ucopy.iov + i;
      if (at >= this.iovLen) {
        this.overrun += data.length - i;
        break;
      }
      const n = Math.min(pb - (at % pb), data.length - i, this.iovLen - at);
      pieces.push({ src: data.slice(i, i + n), frame: this.ucopy.pinned![Math.floor(at / pb)], frameOffset: at % pb });
      i += n;
    }
    this.ucopy.iov += data.length;
    // A copy wholly past the buffer still takes a descriptor (its writes land outside the buffer, where nobody checks).
    if (!this.cfg.splitAtPages || pieces.length === 0) return chan.submit(pieces);
    let cookie = 0;
    for (const p of pieces) cookie = chan.submit([p]);
    return cookie;
  }

  /**
   * The receive window is open while charged memory plus what waits on the
   * backlog and prequeue is below sk_rcvbuf (the model's windowOpen, in bytes).
   */
  windowOpen(): boolean {
    let inflight = 0;
    for (const s of this.backlog) inflight += this.cfg.truesize(s.data.length);
    for (const s of this.prequeue) inflight += this.cfg.truesize(s.data.length);
    return this.rmemAlloc + inflight < this.cfg.rcvbuf;
  }

  /** The sequence number the sender sends next: what the receiver accepted or holds to process (go-back-N after a drop). */
  nextExpected(): number {
    let end = this.rcvNxt;
    for (const s of [...this.prequeue, ...this.backlog]) if (s.seq === end) end += s.data.length;
    return end;
  }

  rmemCharge(skb: Skb): void {
    if (skb.charged) this.rmemAlloc += this.cfg.truesize(skb.data.length);
  }

  freeSkb(skb: Skb): void {
    if (skb.charged) this.rmemAlloc -= this.cfg.truesize(skb.data.length);
    if (skb.dmaCookie && !this.channel.isComplete(skb.dmaCookie)) this.freedUnderDma++;
  }

  /** tcp_service_net_dma(sk, false) (73852e8151b7): issue, and free the head skbs whose copies completed. */
  reapCompleted(): void {
    const chan = this.ucopy.dmaChan;
    if (!chan) return;
    chan.issuePending();
    while (this.asyncWaitQueue.length > 0 && chan.isComplete(this.asyncWaitQueue[0].dmaCookie)) {
      this.freeSkb(this.asyncWaitQueue.shift()!);
    }
  }

  /** tcp_service_net_dma(sk, true): issue, wait for the last cookie, purge sk_async_wait_queue. */
  drainDma(): void {
    const chan = this.ucopy.dmaChan;
    if (chan) {
      chan.issuePending();
      while (!chan.isComplete(this.ucopy.dmaCookie)) chan.completeOne();
    }
    for (const skb of this.asyncWaitQueue) this.freeSkb(skb);
    this.asyncWaitQueue = [];
  }

  /** tcp_dma_try_early_copy. */
  private tryEarlyCopy(seg: Segment): boolean {
    if (this.ucopy.wakeup) return false;
    const chan = this.bindChannel();
    if (chan && (seg.csumVerified || !this.behaviour.earlyCopyNeedsVerifiedCsum)) {
      const cookie = this.dmaCopyToIovec(chan, seg.data);
      this.ucopy.dmaCookie = cookie;
      this.ucopy.len -= seg.data.length;
      this.copiedSeq += seg.data.length;
      const full = this.behaviour.earlyCopyBoundedByUcopyLen && this.ucopy.len === 0;
      if (full || seg.psh || this.rmemAlloc > this.cfg.rcvbuf >> 1) {
        this.ucopy.wakeup = true;
        this.woken = true;
      }
      return true;
    }
    if (seg.data.length > 0) {
      this.ucopy.wakeup = true;
      this.woken = true;
    }
    return false;
  }

  /**
   * The fast path of tcp_rcv_established for an in-order data segment;
   * `current`: run by the reader as owner. A segment out of order (after a
   * dropped one) or failing its checksum is discarded, and the sender goes
   * back to rcv_nxt.
   */
  rcvEstablished(seg: Segment, current: boolean): void {
    const n = seg.data.length;
    if (seg.seq !== this.rcvNxt) return; // behind a discarded segment: the receiver drops it, the sender retransmits
    const csumBad = () => !seg.csumVerified && internetChecksum(seg.data) !== seg.csum;
    const fits = n <= this.ucopy.len;
    const bound = this.ucopy.pinned !== null && !this.dmaAbandoned && this.behaviour.netDma;
    let copiedEarly = false;
    let eaten = false;
    const inOrder = this.copiedSeq === this.rcvNxt;
    if ((inOrder || (bound && !this.behaviour.earlyCopyNeedsInOrder)) && (fits || (bound && !this.behaviour.earlyCopyBoundedByUcopyLen))) {
      if (bound) copiedEarly = this.tryEarlyCopy(seg);
      if (!copiedEarly && current && this.ucopy.task && this.ownedByUser && fits && inOrder) {
        // tcp_copy_to_iovec: skb_copy_and_csum_datagram_iovec when the NIC did not verify; csum_error discards.
        if (csumBad()) {
          this.csumDrops++;
          return;
        }
        if (bound && this.behaviour.fallbackDrainsDma) {
          this.drainDma();
          this.dmaAbandoned = true;
          this.ucopy.dmaChan = null;
        }
        this.cpuCopyToIovec(seg.data);
        this.ucopy.len -= n;
        this.copiedSeq += n;
        this.woken = true;
        eaten = true;
      }
    }
    if (!copiedEarly && !eaten && csumBad()) {
      // tcp_checksum_complete_user fails: csum_error, the segment is discarded before rcv_nxt moves.
      this.csumDrops++;
      return;
    }
    this.rcvNxt += n;
    if (copiedEarly) {
      this.asyncWaitQueue.push({ seq: seg.seq, data: seg.data, charged: false, dmaCookie: this.ucopy.dmaCookie });
    } else if (!eaten) {
      const skb: Skb = { seq: seg.seq, data: seg.data, charged: true, dmaCookie: 0 };
      this.receiveQueue.push(skb);
      this.rmemCharge(skb);
      this.woken = true;
    }
  }

  /** tcp_v4_rcv: backlog when owned; else the DMA path, the prequeue, or tcp_v4_do_rcv. */
  receive(seg: Segment): void {
    if (this.ownedByUser) {
      this.backlog.push(seg);
      return;
    }
    const chan = this.bindChannel();
    if (chan || this.lowLatency || !this.ucopy.task) {
      this.rcvEstablished(seg, false);
      return;
    }
    this.prequeue.push(seg);
    this.woken = true;
    const memory = this.prequeue.reduce((s, x) => s + this.cfg.truesize(x.data.length), 0);
    if (memory > this.cfg.rcvbuf) {
      const segs = this.prequeue;
      this.prequeue = [];
      for (const s of segs) this.rcvEstablished(s, false);
    }
  }

  /** __release_sock / tcp_prequeue_process: the reader runs queued segments as the owner. */
  processAsOwner(which: 'backlog' | 'prequeue'): void {
    const segs = this[which];
    this[which] = [];
    for (const s of segs) this.rcvEstablished(s, true);
  }
}
