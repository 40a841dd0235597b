/**
 * The receiving socket in the cost model: sk_receive_queue, the backlog
 * (segments that arrive while the reader owns the socket wait there, unACKed,
 * until release_sock), the prequeue, sk_async_wait_queue, sk_rmem_alloc, and
 * the fast path of tcp_rcv_established with tcp_dma_try_early_copy (Linux
 * 2.6.32.2, as in the model's steps/rcv-established.ts). Every state change
 * happens here; the CPU work it implies is returned to the caller, which
 * charges it in its own context (the softirq, or the reader).
 */
import type { Segment } from './sender.js';
import type { SimChannel } from './channel.js';
import { advertisedWindow } from './buffers.js';

export interface RecvWork {
  /** Bytes copied by the CPU into the user buffer (tcp_copy_to_iovec). */
  readonly cpuCopyBytes: number;
  /** DMA descriptors prepared and submitted (dma_memcpy_to_iovec splits at page edges). */
  readonly dmaDescs: number;
}

export interface ReceiverConfig {
  readonly rcvbuf: number;
  readonly truesize: number;
  readonly mss: number;
  readonly pageBytes: number;
}

export interface ReceiverHooks {
  /** An ACK leaves with rcv_nxt and the window now advertised. */
  ack(ackSeq: number, window: number): void;
  /** sk_data_ready, or TASK_RUNNING from a direct copy: the reader is runnable. */
  wakeReader(): void;
}

interface QueuedSkb {
  readonly bytes: number;
  /** Bytes of it already copied (a read that ended inside the skb). */
  used: number;
}

interface AsyncSkb {
  readonly charged: boolean;
  readonly cookie: number;
}

const NOTHING: RecvWork = { cpuCopyBytes: 0, dmaDescs: 0 };

export class Receiver {
  rcvNxt = 0;
  copiedSeq = 0;
  readonly queue: QueuedSkb[] = [];
  readonly backlog: Segment[] = [];
  readonly prequeue: Segment[] = [];
  asyncWait: AsyncSkb[] = [];
  /** sk_rmem_alloc: truesize of the receive queue and of charged sk_async_wait_queue skbs. */
  rmem = 0;
  /** sock_owned_by_user. */
  owned = false;
  readonly ucopy = { task: false, len: 0, wakeup: false };
  /** pinned_list is set and a channel is bound: the early copy may run. */
  dmaBound = false;
  /** The write position in the user buffer. */
  iov = 0;
  /** Bytes handed to the engine, and bytes the CPU copied to the user. */
  dmaBytes = 0;
  cpuBytes = 0;
  /** Bytes tcp_dma_try_early_copy handed to the engine (part of dmaBytes). */
  earlyBytes = 0;
  /** Segments put on the backlog, and the longest the backlog has been. */
  backlogged = 0;
  backlogPeak = 0;

  constructor(
    readonly cfg: ReceiverConfig,
    readonly channel: SimChannel | null,
    private readonly hooks: ReceiverHooks,
  ) {}

  window(): number {
    return advertisedWindow(this.cfg.rcvbuf, this.rmem, this.cfg.mss);
  }

  /** __tcp_ack_snd_check / tcp_cleanup_rbuf: tell the sender rcv_nxt and the window. */
  sendAck(): void {
    this.hooks.ack(this.rcvNxt, this.window());
  }

  queuedBytes(): number {
    return this.queue.reduce((s, k) => s + k.bytes - k.used, 0);
  }

  /** tcp_v4_rcv, after the softirq's protocol work: backlog, the DMA path, the prequeue, or tcp_v4_do_rcv. */
  arrive(seg: Segment): RecvWork {
    if (this.owned) {
      this.backlog.push(seg); // no ACK until release_sock processes it
      this.backlogged++;
      this.backlogPeak = Math.max(this.backlogPeak, this.backlog.length);
      return NOTHING;
    }
    if (this.dmaBound || !this.ucopy.task) return this.rcvEstablished(seg, false);
    this.prequeue.push(seg);
    if (this.prequeue.length === 1) this.hooks.wakeReader();
    if (this.prequeue.length * this.cfg.truesize <= this.cfg.rcvbuf) return NOTHING;
    // The prequeue outgrew sk_rcvbuf: tcp_prequeue runs it through tcp_v4_do_rcv in the softirq.
    return this.runPrequeue(false);
  }

  /** tcp_prequeue_process (or the softirq's overflow flush): every prequeued segment through the fast path. */
  runPrequeue(inReader: boolean): RecvWork {
    let cpu = 0;
    let descs = 0;
    for (const seg of this.prequeue.splice(0)) {
      const w = this.rcvEstablished(seg, inReader);
      cpu += w.cpuCopyBytes;
      descs += w.dmaDescs;
    }
    return { cpuCopyBytes: cpu, dmaDescs: descs };
  }

  /** The fast path for an in-order segment; `inReader`: run by the reader as the socket's owner. */
  rcvEstablished(seg: Segment, inReader: boolean): RecvWork {
    const n = seg.bytes;
    let work = NOTHING;
    let early = 0;
    let eaten = false;
    if (this.copiedSeq === this.rcvNxt && n <= this.ucopy.len) {
      if (this.dmaBound && !this.ucopy.wakeup) {
        // tcp_dma_try_early_copy: the NIC verified the checksum (every segment here).
        const { cookie, descs } = this.dmaCopy(n);
        early = cookie;
        this.earlyBytes += n;
        work = { cpuCopyBytes: 0, dmaDescs: descs };
        this.ucopy.len -= n;
        this.copiedSeq += n;
        if (this.ucopy.len === 0 || seg.psh || this.rmem > this.cfg.rcvbuf >> 1) {
          this.ucopy.wakeup = true;
          this.hooks.wakeReader();
        }
      } else if (inReader && this.ucopy.task) {
        // tcp_copy_to_iovec.
        work = { cpuCopyBytes: n, dmaDescs: 0 };
        this.iov += n;
        this.cpuBytes += n;
        this.ucopy.len -= n;
        this.copiedSeq += n;
        eaten = true;
        this.hooks.wakeReader();
      }
    }
    this.rcvNxt += n;
    if (early) this.asyncWait.push({ charged: false, cookie: early });
    else if (!eaten) {
      this.queue.push({ bytes: n, used: 0 });
      this.rmem += this.cfg.truesize;
      this.hooks.wakeReader();
    }
    this.sendAck();
    return work;
  }

  /** dma_skb_copy_datagram_iovec at the iovec position: one descriptor per user page touched. */
  dmaCopy(bytes: number): { cookie: number; descs: number } {
    const pb = this.cfg.pageBytes;
    let cookie = 0;
    let descs = 0;
    for (let at = this.iov; at < this.iov + bytes; ) {
      const piece = Math.min(pb - (at % pb), this.iov + bytes - at);
      cookie = this.channel!.submit(piece);
      descs++;
      at += piece;
    }
    this.iov += bytes;
    this.dmaBytes += bytes;
    return { cookie, descs };
  }

  /** sk_eat_skb for the head skb: freed, or kept charged on sk_async_wait_queue until `cookie` completes. */
  eatHead(cookie: number): void {
    this.queue.shift();
    if (cookie) this.asyncWait.push({ charged: true, cookie });
    else this.rmem -= this.cfg.truesize;
  }

  /** Frees sk_async_wait_queue skbs from the head while their copies are complete (all of them with `all`). */
  freeAsync(all: boolean): number {
    let n = 0;
    while (n < this.asyncWait.length && (all || this.channel!.isComplete(this.asyncWait[n].cookie))) n++;
    for (const skb of this.asyncWait.slice(0, n)) if (skb.charged) this.rmem -= this.cfg.truesize;
    this.asyncWait = this.asyncWait.slice(n);
    return n;
  }
}
