/**
 * tcp_recvmsg (net/ipv4/tcp.c @2.6.32.2; kernel-facts 4.2), one reader step
 * per function: entry and the pin decision, one copy-loop iteration, the
 * queue-empty branch (break, release/lock, or sk_wait_data), waking, and the
 * exit. Every function returns a new context and never mutates its input.
 */
import type { DmaDecision, TcpDmaContext } from '../context.js';
import type { TcpDmaParams } from '../params.js';
import type { TcpDmaBehaviour } from '../variants.js';
import { pinDecision, rcvlowatTarget } from './decision.js';
import { dmaBound, processInReader, rcvEstablished, windowOpen } from './rcv-established.js';
import { cpuWrite, dmaWrite, drain, draft, issueAll, reapCompleted } from './user-buffer.js';

/** sock_rcvlowat for this call. */
export function sockRcvlowat(c: TcpDmaContext): number {
  return rcvlowatTarget(c.read.waitall, c.read.rcvlowat, c.read.len);
}

/** The pin decision, naming the first condition that fails (in the order tcp_recvmsg tests them). */
export function dmaDecision(c: TcpDmaContext, target: number, b: TcpDmaBehaviour, p: TcpDmaParams): DmaDecision {
  // skb_peek_tail: available = TCP_SKB_CB(tail)->seq + tail->len - *seq
  const tail = c.queue[c.queue.length - 1];
  return pinDecision({
    channel: b.netDma, // the model's host has a DMA_MEMCPY channel whenever NET_DMA is built in
    available: tail ? tail.seq + tail.len - c.copiedSeq : 0,
    target,
    len: c.read.len,
    copybreak: p.copybreak,
    pinsOnlyAboveCopybreak: b.pinsOnlyAboveCopybreak,
    peek: c.read.peek,
    peekExcludesDma: b.peekExcludesDma,
    lowLatency: c.read.lowLatency,
    lowLatencyExcludesDma: b.lowLatencyExcludesDma,
  });
}

export function recvmsgEntry(c0: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): TcpDmaContext {
  const c = draft(c0);
  c.target = sockRcvlowat(c);
  c.peekSeq = c.copiedSeq;
  c.decision = dmaDecision(c, c.target, b, p);
  if (c.decision === 'pinned') c.pinned = 'pinned'; // dma_pin_iovec_pages(msg->msg_iov, len)
  return c;
}

const readSeq = (c: TcpDmaContext) => (c.read.peek ? c.peekSeq : c.copiedSeq);

function skbAt(c: TcpDmaContext, seq: number) {
  return c.queue.find((s) => s.seq <= seq && seq < s.seq + s.len);
}

/** skb_queue_walk found an skb with data at *seq, and len > 0. */
export function canCopy(c: TcpDmaContext): boolean {
  return c.len > 0 && skbAt(c, readSeq(c)) !== undefined;
}

/** found_ok_skb: copy `used` units by DMA (a channel is bound) or by the CPU; eat the skb when it is used up. */
export function copySkb(c0: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): TcpDmaContext {
  const c = draft(c0);
  const seq = readSeq(c);
  const skb = skbAt(c, seq)!;
  const offset = seq - skb.seq;
  const used = Math.min(skb.len - offset, c.len);
  let copiedEarly = false;
  if (dmaBound(c, b)) {
    // Queued skbs passed tcp_checksum_complete_user (or the NIC) before queueing: the copy is of verified data.
    dmaWrite(c, seq, used, skb.seq, 'loop', true, p.ioatPendingLevel);
    if (b.freeSkbsPeriodically) issueAll(c); // dma_async_memcpy_issue_pending after each copy (73852e8151b7)
    copiedEarly = offset + used === skb.len;
  } else {
    cpuWrite(c, seq, used);
  }
  if (c.read.peek) c.peekSeq += used;
  else c.copiedSeq += used;
  c.copied += used;
  c.len -= used;
  if (offset + used === skb.len && !c.read.peek) {
    // sk_eat_skb: free it, or keep it on sk_async_wait_queue (still charged) until its cookie completes.
    c.queue = c.queue.filter((s) => s !== skb);
    if (copiedEarly) c.asyncWait.push({ seq: skb.seq, len: skb.len, charged: true });
  }
  return c;
}

/** The do/while ends: len is used up, enough was copied with no backlog, or a signal or timeout is pending. */
export function loopBreaks(c: TcpDmaContext): boolean {
  if (c.len === 0) return true;
  if (canCopy(c)) return false;
  return (c.copied >= c.target && c.backlog.length === 0) || c.interrupted !== null;
}

/** Install the prequeue reader (not for MSG_PEEK, not with tcp_low_latency); ucopy.len is set either way. */
function installReader(c: TcpDmaContext): void {
  if (c.read.lowLatency) return;
  if (!c.read.peek) c.ucopyTask = true;
  c.ucopyLen = c.len;
}

/** `len - ucopy.len` bytes reached the buffer behind the reader's back (early and direct copies). */
function collectChunk(c: TcpDmaContext): void {
  if (!c.ucopyTask) return;
  const chunk = c.len - c.ucopyLen;
  c.len -= chunk;
  c.copied += chunk;
}

function doPrequeue(c: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): void {
  processInReader(c, 'prequeue', b, p);
  collectChunk(c);
}

/**
 * After sk_wait_data or the release/lock cycle: tcp_service_net_dma(sk, false)
 * where 73852e8151b7 added it (free the skbs whose copies completed), ucopy.wakeup
 * = 0, collect the chunk, run the prequeue if in order.
 */
function afterWait(c: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): void {
  if (b.freeSkbsPeriodically && dmaBound(c, b)) reapCompleted(c);
  if (b.netDma) c.ucopyWakeup = null;
  collectChunk(c);
  if (c.ucopyTask && c.rcvNxt === c.copiedSeq && c.prequeue.length > 0) doPrequeue(c, b, p);
  c.woken = false;
}

export type WaitOutcome = { ctx: TcpDmaContext; sleeps: boolean };

/**
 * The queue-empty branch when the loop goes on: install the reader, run a
 * non-empty prequeue (goto do_prequeue), else release the socket (the
 * backlog runs in the reader's context) and either just re-lock (copied >=
 * target) or wait: sk_wait_event sleeps only if the receive queue is still
 * empty and nothing made the task runnable meanwhile.
 */
export function queueEmpty(c0: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): WaitOutcome {
  // Guards and the action ask for the same outcome: contexts are immutable, so remember it per context.
  let memo = queueEmptyMemo.get(c0);
  if (!memo) queueEmptyMemo.set(c0, (memo = new Map()));
  let out = memo.get(b);
  if (!out) memo.set(b, (out = computeQueueEmpty(c0, b, p)));
  return out;
}

const queueEmptyMemo = new WeakMap<TcpDmaContext, Map<TcpDmaBehaviour, WaitOutcome>>();

function computeQueueEmpty(c0: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): WaitOutcome {
  const c = draft(c0);
  installReader(c);
  if (c.prequeue.length > 0) {
    doPrequeue(c, b, p);
    return { ctx: c, sleeps: false };
  }
  if (dmaBound(c, b)) beforeWait(c, b, p);
  const belowTarget = c.copied < c.target;
  c.woken = false; // prepare_to_wait: TASK_INTERRUPTIBLE
  processInReader(c, 'backlog', b, p);
  if (belowTarget && c.queue.length === 0 && !c.woken) return { ctx: c, sleeps: true };
  afterWait(c, b, p);
  return { ctx: c, sleeps: false };
}

/**
 * Just before release_sock or sk_wait_data: 2.6.32.2 does nothing with the
 * channel here. 73852e8151b7 issues what is pending; 15c041759bfc first
 * waits for every cookie, frees sk_async_wait_queue and sends the window
 * update when the window is zero.
 */
function beforeWait(c: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): void {
  if (b.flushOnZeroWindow && !windowOpen(c, p) && c.asyncWait.length > 0) drain(c);
  else if (b.freeSkbsPeriodically) issueAll(c);
}

export function wakeUp(c0: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): TcpDmaContext {
  const c = draft(c0);
  afterWait(c, b, p);
  return c;
}

/** Leaving the loop: run what is left on the prequeue, uninstall the reader, issue pending descriptors. */
export function loopExit(c0: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): TcpDmaContext {
  const c = draft(c0);
  if (c.ucopyTask) {
    if (c.prequeue.length > 0) {
      c.ucopyLen = c.copied > 0 ? c.len : 0;
      processInReader(c, 'prequeue', b, p);
      if (c.copied > 0) collectChunk(c);
    }
    c.ucopyTask = false;
    c.ucopyLen = 0;
  }
  if (c.copied === 0 && c.interrupted !== null) c.result = c.interrupted === 'signal' ? 'EINTR' : 'EAGAIN';
  else c.result = c.copied;
  if (b.exitWaitsForCookies && (dmaBound(c, b) || c.cookies.length > 0)) issueAll(c);
  c.woken = false; // nobody waits on sk_sleep any more
  return c;
}

/** The exit may finish once the last cookie is done (2.6.32.2 spins on dma_async_memcpy_complete). */
export function canReturn(c: TcpDmaContext, b: TcpDmaBehaviour): boolean {
  return !b.exitWaitsForCookies || c.cookies.length === 0;
}

/** Purge sk_async_wait_queue, unpin, tcp_cleanup_rbuf, release_sock (the backlog now just queues). */
export function recvmsgReturn(c0: TcpDmaContext, b: TcpDmaBehaviour, p: TcpDmaParams): TcpDmaContext {
  const c = draft(c0);
  c.asyncWait = [];
  if (c.pinned === 'pinned') {
    c.pinned = 'unpinned'; // dma_unpin_iovec_pages: set_page_dirty_lock, page_cache_release
    c.unpins++;
    if (!b.exitUnpinsOnce) c.unpins++; // the seeded second call: tp->ucopy.pinned_list was not cleared
  }
  const segs = c.backlog;
  c.backlog = [];
  for (const seg of segs) rcvEstablished(c, seg, true, b, p);
  c.woken = false;
  return c;
}
