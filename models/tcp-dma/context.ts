/**
 * The state of one tcp_recvmsg call and of the socket under it, as plain
 * data. Sequence numbers, lengths and positions are in units (params.ts);
 * the stream starts at 0 and the call is the first read, so user buffer
 * slot i must end up holding stream offset i.
 */
import { PAGE_UNITS, type TcpDmaParams } from './params.js';

/** One read: recvmsg's len and flags, and the socket options it runs under. */
export interface ReadCall {
  readonly len: number;
  readonly peek: boolean;
  readonly waitall: boolean;
  /** sk_rcvlowat, units (1 is the kernel default of 1 byte). */
  readonly rcvlowat: number;
  /** sysctl_tcp_low_latency. */
  readonly lowLatency: boolean;
}

/** An skb on sk_receive_queue (checksum already verified, by hardware or by tcp_checksum_complete_user). */
export interface QueuedSkb {
  readonly seq: number;
  readonly len: number;
}

/** A segment waiting for the reader's context: on the socket backlog or the prequeue. */
export interface PendingSegment {
  readonly seq: number;
  readonly len: number;
  readonly psh: boolean;
  /** Whether the NIC verified the checksum (skb_csum_unnecessary). */
  readonly verified: boolean;
}

/** An skb on sk_async_wait_queue: consumed, but held until its DMA copy completes. */
export interface AsyncSkb {
  readonly seq: number;
  readonly len: number;
  /** Still charged to sk_rmem_alloc (it came from the receive queue; early-copied skbs never were). */
  readonly charged: boolean;
}

/** An outstanding DMA copy (dma_cookie_t), completed in order by the channel. */
export interface Cookie {
  readonly id: number;
  /** seq of the skb the engine reads from. */
  readonly skb: number;
  /** First user-buffer slot written, and units. */
  readonly at: number;
  readonly n: number;
  /** Handed to the hardware by issue_pending (or by the driver's pending threshold). */
  readonly issued: boolean;
  /** 'early' for tcp_dma_try_early_copy, 'loop' for the tcp_recvmsg copy loop. */
  readonly path: 'early' | 'loop';
  /** The data's checksum was verified before the copy: by the NIC (early copy) or by software before queueing. */
  readonly verified: boolean;
}

/**
 * A user-buffer slot: '' (not written) or `${offset}:${how}` where how is
 * cpu (written through the application's mapping), dma-pending (the engine
 * will write the pinned frame, which is still the application's), dma
 * (landed), or lost (written or to be written into a frame the application
 * no longer maps).
 */
export type Slot = string;

export type WakeCause = 'ucopy.len==0' | 'PSH' | 'rmem>rcvbuf/2' | 'checksum';

export type DmaDecision = 'pinned' | 'available>=target' | 'len<=copybreak' | 'MSG_PEEK' | 'tcp_low_latency' | 'CONFIG_NET_DMA=n';

export interface TcpDmaContext {
  readonly read: ReadCall;
  /** sock_rcvlowat(sk, flags & MSG_WAITALL, len). */
  target: number;
  /** Units of the message that have reached the host (the next segment's seq). */
  arrived: number;
  rcvNxt: number;
  copiedSeq: number;
  /** peek_seq: the read position of a MSG_PEEK read. */
  peekSeq: number;
  queue: QueuedSkb[];
  backlog: PendingSegment[];
  prequeue: PendingSegment[];
  asyncWait: AsyncSkb[];
  cookies: Cookie[];
  nextCookie: number;
  ubuf: Slot[];
  /** Units written past the end of the user buffer. */
  overrun: number;
  /** The iovec's write position (every path advances the same iovec). */
  pos: number;
  /** tcp_recvmsg's len (bytes still wanted) and copied. */
  len: number;
  copied: number;
  decision: DmaDecision | null;
  pinned: 'never' | 'pinned' | 'unpinned';
  unpins: number;
  /** The offload was ended for this call after a drained CPU fallback (net-dma-drain-on-fallback and the bugs built on it). */
  abandoned: boolean;
  /** Another thread forked while the buffer was pinned: its pages are copy-on-write. */
  forked: boolean;
  /** Per page: a copy-on-write fault moved the application's mapping off the pinned frame. */
  remapped: boolean[];
  /** tp->ucopy: task installed (user_recv), len, and wakeup (with the cause, for goals and traces). */
  ucopyTask: boolean;
  ucopyLen: number;
  ucopyWakeup: WakeCause[] | null;
  /** The reader's task is runnable (data_ready, a direct copy's TASK_RUNNING, a signal or timeout). */
  woken: boolean;
  interrupted: 'signal' | 'timeout' | null;
  result: number | 'EINTR' | 'EAGAIN' | null;
}

export function pageOf(slot: number): number {
  return Math.floor(slot / PAGE_UNITS);
}

export function pagesFor(len: number): number {
  return Math.ceil(len / PAGE_UNITS);
}

/**
 * The reads checked, one initial state each: the seed's two NET_DMA
 * situations above the copybreak (the default sk_rcvlowat of 1, and a
 * raised sk_rcvlowat), and one read for each other condition of the pin
 * decision (MSG_WAITALL at the copybreak, MSG_PEEK, tcp_low_latency). A
 * MSG_WAITALL read above the copybreak behaves as the raised sk_rcvlowat one
 * (whose target is the whole buffer at the check bounds). The MSG_PEEK read
 * keeps the default sk_rcvlowat: a peek leaves what it reads queued and
 * charged, so with a target beyond what sk_rcvbuf holds it waits forever in
 * every kernel, with or without NET_DMA (a property of MSG_PEEK, not of the
 * offload).
 */
export function readCalls(p: TcpDmaParams): ReadCall[] {
  const base = { len: p.readLen, peek: false, waitall: false, rcvlowat: p.rcvlowat, lowLatency: false };
  return [
    base,
    { ...base, rcvlowat: p.raisedRcvlowat },
    { ...base, len: p.copybreak, waitall: true },
    { ...base, peek: true },
    { ...base, lowLatency: true, waitall: true },
  ];
}

export function initialContext(read: ReadCall): TcpDmaContext {
  return {
    read,
    target: 0,
    arrived: 0,
    rcvNxt: 0,
    copiedSeq: 0,
    peekSeq: 0,
    queue: [],
    backlog: [],
    prequeue: [],
    asyncWait: [],
    cookies: [],
    nextCookie: 1,
    ubuf: Array.from({ length: read.len }, () => ''),
    overrun: 0,
    pos: 0,
    len: read.len,
    copied: 0,
    decision: null,
    pinned: 'never',
    unpins: 0,
    abandoned: false,
    forked: false,
    remapped: Array.from({ length: pagesFor(read.len) }, () => false),
    ucopyTask: false,
    ucopyLen: 0,
    ucopyWakeup: null,
    woken: false,
    interrupted: null,
    result: null,
  };
}
