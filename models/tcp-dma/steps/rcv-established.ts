/**
 * The receive side under tcp_recvmsg: tcp_v4_rcv's choice of path and the
 * fast path of tcp_rcv_established for an in-order data segment, with
 * tcp_dma_try_early_copy (net/ipv4/tcp_input.c, tcp_ipv4.c @2.6.32.2;
 * kernel-facts 4.3). The same code runs in two contexts: the softirq (the
 * reader sleeps or has no lock) and the reader itself, which processes the
 * backlog in release_sock and the prequeue after waking; only the reader's
 * context may copy with the CPU (tcp_copy_to_iovec needs ucopy.task ==
 * current and the socket owned by the user).
 */
import type { PendingSegment, TcpDmaContext, WakeCause } from '../context.js';
import { truesize, type TcpDmaParams } from '../params.js';
import type { TcpDmaBehaviour } from '../variants.js';
import { cpuWrite, dmaWrite, drain } from './user-buffer.js';

/** sk_rmem_alloc: skbs charged by skb_set_owner_r, on the receive queue or moved to sk_async_wait_queue by sk_eat_skb. */
export function rmemAlloc(c: TcpDmaContext): number {
  let sum = 0;
  for (const s of c.queue) sum += truesize(s.len);
  for (const s of c.asyncWait) if (s.charged) sum += truesize(s.len);
  return sum;
}

/**
 * The receive window is open while the memory charged to the socket (the
 * receive queue, sk_async_wait_queue's charged skbs, and what waits on the
 * backlog and prequeue to be charged) is below sk_rcvbuf. __tcp_select_window
 * advertises 0 once the free space, after the 3/4 overhead rule of
 * tcp_win_from_space, is under one MSS, and tcp_data_queue still accepts a
 * segment while sk_rmem_alloc <= sk_rcvbuf: at 2 KiB units both thresholds
 * fall on the same unit. The window is taken as advertised at once (an ACK
 * per step), which can only open it sooner than the kernel does.
 */
export function windowOpen(c: TcpDmaContext, p: TcpDmaParams): boolean {
  let inflight = 0;
  for (const s of c.backlog) inflight += truesize(s.len);
  for (const s of c.prequeue) inflight += truesize(s.len);
  return rmemAlloc(c) + inflight < p.rcvbuf;
}

/** ucopy.dma_chan is bound (lazily, by whoever first needs it) whenever pinned_list is set and the offload was not ended. */
export function dmaBound(c: TcpDmaContext, b: TcpDmaBehaviour): boolean {
  return b.netDma && c.pinned === 'pinned' && !c.abandoned;
}

/** tcp_dma_try_early_copy: true when the engine took the segment. */
function tryEarlyCopy(c: TcpDmaContext, seg: PendingSegment, b: TcpDmaBehaviour, p: TcpDmaParams): boolean {
  if (c.ucopyWakeup) return false;
  if (!seg.verified && b.earlyCopyNeedsVerifiedCsum) {
    // skb_csum_unnecessary is false: the engine cannot checksum, so wake the reader to do it.
    c.ucopyWakeup = ['checksum'];
    c.woken = true;
    return false;
  }
  dmaWrite(c, seg.seq, seg.len, seg.seq, 'early', seg.verified, p.ioatPendingLevel);
  c.ucopyLen -= seg.len;
  c.copiedSeq += seg.len;
  const causes: WakeCause[] = [];
  if (b.earlyCopyBoundedByUcopyLen && c.ucopyLen === 0) causes.push('ucopy.len==0');
  if (seg.psh) causes.push('PSH');
  if (rmemAlloc(c) > p.rcvbuf >> 1) causes.push('rmem>rcvbuf/2');
  if (causes.length > 0) {
    c.ucopyWakeup = causes;
    c.woken = true;
  }
  return true;
}

/** A CPU copy into the pinned buffer: with fallbackDrainsDma it first drains the engine and ends the offload. */
function cpuFallback(c: TcpDmaContext, b: TcpDmaBehaviour): void {
  if (dmaBound(c, b) && b.fallbackDrainsDma) {
    drain(c);
    c.abandoned = true;
  }
}

/** The fast path for an in-order segment (seq == rcv_nxt). `inReader`: run by the reader as the socket's owner. */
export function rcvEstablished(c: TcpDmaContext, seg: PendingSegment, inReader: boolean, b: TcpDmaBehaviour, p: TcpDmaParams): void {
  const fits = seg.len <= c.ucopyLen;
  // Nothing waits unread on the receive queue, so the iovec position is this segment's stream offset.
  const inOrder = c.copiedSeq === c.rcvNxt;
  const bound = dmaBound(c, b);
  let copiedEarly = false;
  let eaten = false;
  if ((inOrder || (bound && !b.earlyCopyNeedsInOrder)) && (fits || (bound && !b.earlyCopyBoundedByUcopyLen))) {
    if (bound) copiedEarly = tryEarlyCopy(c, seg, b, p);
    if (!copiedEarly && inReader && c.ucopyTask && fits && inOrder) {
      // tcp_copy_to_iovec: copy (and checksum, if the NIC did not) through the application's mapping.
      cpuFallback(c, b);
      cpuWrite(c, seg.seq, seg.len);
      c.ucopyLen -= seg.len;
      c.copiedSeq += seg.len;
      c.woken = true; // __set_current_state(TASK_RUNNING)
      eaten = true;
    }
  }
  c.rcvNxt += seg.len;
  if (copiedEarly) {
    c.asyncWait.push({ seq: seg.seq, len: seg.len, charged: false });
  } else if (!eaten) {
    // tcp_checksum_complete_user, queue, sk_data_ready.
    c.queue.push({ seq: seg.seq, len: seg.len });
    c.woken = true;
  }
}

/** The reader processes segments as the socket's owner (__release_sock, tcp_prequeue_process). */
export function processInReader(c: TcpDmaContext, list: 'backlog' | 'prequeue', b: TcpDmaBehaviour, p: TcpDmaParams): void {
  const segs = c[list];
  c[list] = [];
  for (const seg of segs) rcvEstablished(c, seg, true, b, p);
}

/**
 * tcp_v4_rcv while nobody holds the socket lock: with a DMA channel bound
 * the segment goes straight to tcp_v4_do_rcv (no prequeue); otherwise an
 * installed reader gets it on the prequeue (the first one wakes it, and
 * the prequeue is flushed in softirq once it holds more than sk_rcvbuf).
 */
export function softirqReceive(c: TcpDmaContext, seg: PendingSegment, b: TcpDmaBehaviour, p: TcpDmaParams): void {
  if (dmaBound(c, b) || !c.ucopyTask || c.read.lowLatency) {
    rcvEstablished(c, seg, false, b, p);
    return;
  }
  c.prequeue.push(seg);
  c.woken = true;
  const memory = c.prequeue.reduce((sum, s) => sum + truesize(s.len), 0);
  if (memory > p.rcvbuf) {
    const segs = c.prequeue;
    c.prequeue = [];
    for (const s of segs) rcvEstablished(c, s, false, b, p);
  }
}
