/**
 * The receiving host's ipoib_cm_handle_rx_wc on the SRQ (ipoib_cm.c at
 * 5b095d98), moving real bytes: the copybreak copy out of the linear head,
 * or the replacement of the buffer's head and used pages, whose old memory
 * goes up the stack without a copy. Delivered datagrams land in the
 * socket's receive queue as netperf would read them.
 */
import type { RcBehaviour } from '../../../models/rc-connection/behaviour.js';
import { IPOIB_ENCAP_LEN } from './constants.js';
import { linearize, RxBuffer } from './rx-buffer.js';
import { Srq } from './srq.js';

/** A receive completion; `seq` and `qpn` are bookkeeping (the sender's message and QP), not read by the data path. */
export interface RxCompletion {
  readonly wrId: number;
  readonly byteLen: number;
  readonly seq: number;
  readonly qpn: number;
}

export interface Delivery {
  /** The message whose completion delivered this datagram. */
  readonly seq: number;
  readonly qpn: number;
  /** What the application read: the bytes after the IPoIB header. */
  readonly payload: Uint8Array;
  readonly path: 'copybreak' | 'replacement';
}

export type RxEnd = 'd' | 'r';

export class IpoibReceiver {
  readonly srq: Srq;
  readonly cq: RxCompletion[] = [];
  /** The completion handle_rx_wc is in the middle of: a replacement allocation, or (bug) a copy after the repost. */
  busy: { kind: 'replacing' | 'copying'; cqe: RxCompletion; small: boolean; skbNomem: boolean } | null = null;
  readonly stats = { rxPackets: 0, rxDropped: 0 };
  /** Packets delivered by the copybreak copy. */
  copybreaks = 0;
  /** The socket receive queue. */
  readonly socket: Delivery[] = [];
  /** Bookkeeping: the message the HCA last wrote into each buffer, and how messages ended here. */
  readonly writer: number[];
  readonly ends = new Map<number, RxEnd | '!'>();

  constructor(
    recvqSize: number,
    readonly copybreak: number,
    readonly b: RcBehaviour,
  ) {
    this.srq = new Srq(recvqSize);
    this.writer = new Array<number>(recvqSize).fill(-1);
  }

  private end(seq: number, how: RxEnd): void {
    this.ends.set(seq, this.ends.has(seq) ? '!' : how);
  }

  /** The responder: take the oldest posted buffer and let the HCA write the frame into it. False: no WQE (RNR). */
  arrive(frame: Uint8Array, seq: number, qpn: number): boolean {
    const wrId = this.srq.take();
    if (wrId === undefined) return false;
    this.srq.ring[wrId]!.scatter(frame);
    this.writer[wrId] = seq;
    this.cq.push({ wrId, byteLen: frame.length, seq, qpn });
    return true;
  }

  /** skb_pull(IPOIB_ENCAP_LEN), rx_packets++, netif_receive_skb -> the socket. */
  private deliver(frame: Uint8Array, cqe: RxCompletion, path: Delivery['path']): void {
    ++this.stats.rxPackets;
    this.socket.push({ seq: cqe.seq, qpn: cqe.qpn, payload: frame.subarray(IPOIB_ENCAP_LEN), path });
    // Whose bytes these are: the message the HCA last wrote into the buffer.
    this.end(this.writer[cqe.wrId], 'd');
  }

  /**
   * ipoib_cm_handle_rx_wc, up to the point where it needs memory it may not
   * get. Returns the packet's size class. `skbNomem`: the copybreak skb
   * cannot be allocated; `postFails`: the copybreak path's repost fails.
   */
  poll(skbNomem: boolean, postFails = false): 'small' | 'large' {
    const cqe = this.cq.shift();
    if (!cqe) throw new Error('no receive completion to poll');
    const small = cqe.byteLen < this.copybreak;
    const buf = this.srq.ring[cqe.wrId]!;
    if (small && this.b.copybreak && !skbNomem) {
      if (this.b.repostBeforeCopy) {
        this.srq.post(cqe.wrId);
        this.busy = { kind: 'copying', cqe, small, skbNomem };
        return 'small';
      }
      // dev_alloc_skb(dlen + 12); sync for cpu; skb_copy_from_linear_data; sync for device.
      const copy = buf.copyFromHead(cqe.byteLen);
      this.deliver(copy, cqe, 'copybreak');
      this.copybreaks++;
      this.srq.post(cqe.wrId, postFails); // the original buffer, unchanged (repost:)
      return 'small';
    }
    this.busy = { kind: 'replacing', cqe, small, skbNomem: small && this.b.copybreak && skbNomem };
    return small ? 'small' : 'large';
  }

  /** ipoib_cm_alloc_rx_skb succeeded: unmap, skb_put_frags, deliver the old memory, post the replacement. */
  refill(postFails = false): void {
    const { cqe } = this.busy!;
    const old = this.srq.ring[cqe.wrId]!;
    const replacement = old.replacement(RxBuffer.fragsFor(cqe.byteLen));
    const segments = old.segments(cqe.byteLen);
    this.srq.ring[cqe.wrId] = replacement;
    this.deliver(linearize(segments), cqe, 'replacement');
    this.busy = null;
    this.srq.post(cqe.wrId, postFails);
  }

  /** The replacement could not be allocated: rx_dropped++, repost the old buffer (repost:, which may fail too). */
  allocFail(postFails = false): void {
    const { cqe } = this.busy!;
    ++this.stats.rxDropped;
    this.end(cqe.seq, 'r');
    this.busy = null;
    this.srq.post(cqe.wrId, postFails);
  }

  /** Bug only: the deferred copy out of a buffer the HCA may have refilled meanwhile. */
  copyAfterRepost(): void {
    const { cqe } = this.busy!;
    const copy = this.srq.ring[cqe.wrId]!.copyFromHead(cqe.byteLen);
    this.busy = null;
    this.deliver(copy, cqe, 'copybreak');
    this.copybreaks++;
  }
}
