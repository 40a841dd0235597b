/**
 * tcp-dma: one tcp_recvmsg call with NET_DMA (Intel I/OAT receive copy
 * offload), the softirq receive path as its environment.
 *
 * Sources: seed 004_daa8b9554fec6242.txt (the pin decision in tcp_recvmsg,
 * the early copy in tcp_rcv_established and its stop conditions; 930 / 890 /
 * 874 Mbit/s), seed 001_0dcb9bc7f64d5e22.txt (receive still copies: the
 * cost model in src/sim/tcp-dma). Kernel read: Linux 2.6.32.2, the seed's
 * version (net/ipv4/tcp.c tcp_recvmsg, net/ipv4/tcp_input.c
 * tcp_dma_try_early_copy / tcp_rcv_established / tcp_copy_to_iovec,
 * net/ipv4/tcp_ipv4.c tcp_v4_rcv, include/net/tcp.h tcp_prequeue,
 * include/net/sock.h sock_rcvlowat / sk_eat_skb / sk_wait_event,
 * net/core/sock.c sk_wait_data / release_sock, net/core/user_dma.c,
 * drivers/dma/iovlock.c, include/linux/dmaengine.h dma_async_is_complete,
 * drivers/dma/ioat/dma_v2.c ioat2_update_pending), from the tree
 * github.com/mini2440/FriendlyARM.linux-2.6.32.2 (vanilla net/ and drivers/dma/);
 * also a later 2.6.3x/3.x copy with tcp_service_net_dma, and user_dma.c at
 * L@0612ec48 (2006). kernel-facts.md sections 4 (NET_DMA) and 5 (2002 zero copy).
 *
 * Modelled:
 * - entry: lock_sock, target = sock_rcvlowat(MSG_WAITALL, len), the pin
 *   decision with its five conditions (available < target, len > copybreak,
 *   !MSG_PEEK, !tcp_low_latency, a DMA_MEMCPY channel), recorded by the first
 *   condition that fails;
 * - the copy loop, one skb per COPY_SKB: a DMA copy (dma_skb_copy_datagram_iovec,
 *   a cookie; sk_eat_skb moves the skb, still charged, to sk_async_wait_queue)
 *   or a CPU copy; MSG_PEEK copies from peek_seq and eats nothing;
 * - the queue-empty branch: break (copied >= target and no backlog, len used
 *   up, or a signal or timeout pending), otherwise install the prequeue reader
 *   (ucopy.task, ucopy.len = len), run the prequeue, and release_sock, whose
 *   backlog runs in the reader's context (early copy, or tcp_copy_to_iovec:
 *   the CPU copy that is NET_DMA's fallback), then re-lock (copied >= target,
 *   RELEASE_SOCK) or sk_wait_data (SK_WAIT_DATA), which sleeps only if the
 *   receive queue is empty and nothing made the task runnable;
 * - segments arriving (length class, PSH, checksum verified by the NIC):
 *   queued before the call, on the backlog while the reader owns the socket,
 *   and while it sleeps through the softirq: with a channel bound, the early
 *   copy when copied_seq == rcv_nxt and the payload fits ucopy.len (DMA only
 *   for hardware-verified checksums; wake on ucopy.len == 0, PSH, or
 *   rmem > rcvbuf/2), else queue and sk_data_ready; without one, the prequeue;
 * - DMA descriptors pending until issued (2.6.32.2: by the exit, or by the
 *   ioat2 driver once more than ioat_pending_level wait; with 73852e8151b7 also
 *   after each copy-loop DMA and before waiting), completed in cookie order;
 *   with 73852e8151b7 the reader frees completed sk_async_wait_queue skbs
 *   after every wait, and with 15c041759bfc it drains them before waiting on
 *   a zero window;
 * - another thread forking while the buffer is pinned (pages become
 *   copy-on-write), and the copy-on-write fault a CPU copy then takes. The
 *   fork is an event of the locked state only: it commutes with every step
 *   except a CPU copy into the pinned buffer, and those run only in steps
 *   taken from that state (the backlog in release_sock, the copy loop), or
 *   from WAKE_UP's prequeue once the fallback drain has ended the offload with
 *   nothing in flight; offering it elsewhere adds states, not outcomes;
 * - wake-ups and a signal; the exit: issue and wait for the last
 *   cookie, purge sk_async_wait_queue, unpin, tcp_cleanup_rbuf, release_sock.
 * Bytes are tracked exactly: slot i of the user buffer holds the stream offset
 * that landed there and how (cpu, dma-pending, dma, or lost in a stale frame).
 *
 * - the receive window: a segment arrives only while the memory charged to
 *   the socket (receive queue, sk_async_wait_queue's charged skbs, backlog
 *   and prequeue) is below sk_rcvbuf, so a read can close the window on
 *   itself (steps/rcv-established.ts windowOpen); the sender is fair in the
 *   liveness properties.
 *
 * Variants (variants.ts): net-dma-off; net-dma-2.6.32.2 as shipped, which
 * hangs behind a zero window when the target is more than sk_rcvbuf holds
 * charged (73852e8151b7 "NET_DMA: free skbs periodically" and 15c041759bfc
 * "tcp: flush DMA queue before sk_wait_data if rcv_wnd is zero" fixed that
 * upstream; each is a variant) and loses bytes to a stale mapping after a
 * fork (never fixed: 77873803363c marked NET_DMA broken); net-dma-drain-on-
 * fallback, both fixes plus the fallback drain that 77873803363c rejected,
 * on which every property holds; and eight seeded bugs, one for each clause
 * of a safety property that no kernel above violates (the exit's wait for
 * cookies, its single unpin, the pin decision's MSG_PEEK, copybreak and
 * tcp_low_latency tests, and the early copy's in-order, ucopy.len and
 * checksum tests).
 *
 * Left out, and why:
 * - Later kernels' other NET_DMA changes (59ea33a68a90 restricted the early
 *   copy to the reader's context): the variants are 2.6.32.2 with the named
 *   fixes applied, not later releases.
 * - Out-of-order segments, loss, the slow path, urgent data, FIN, MSG_TRUNC,
 *   nonblocking reads, tcp_prune_queue and window scaling: none of them
 *   changes the DMA decision or the early copy's stop conditions; they would
 *   only multiply states.
 * - The receive timeout (SO_RCVTIMEO): it wakes and breaks exactly as a signal
 *   does, returning -EAGAIN instead of -EINTR when nothing was copied; iperf
 *   sets none and sk_rcvtimeo defaults to MAX_SCHEDULE_TIMEOUT, and a second
 *   interrupting event would double the interrupted part of the state space.
 * - Several readers on one socket (CVE-2019-3837) and descriptor allocation
 *   failure (the "poll for a descriptor slot" loop in iovlock.c).
 * - Copy-on-write faults caused by other threads writing into a buffer page:
 *   no fix inside TCP can survive them (they need mm's early copy of pinned
 *   pages at fork, 2020); the model's fault is the one in 77873803363c's
 *   trace, taken by the reader's own CPU-copy fallback.
 * - One descriptor per copy call (dma_memcpy_to_iovec splits at page edges),
 *   truesize as payload plus one unit, a 4-unit message: see params.ts.
 */
import { assign, setup } from 'xstate';
import { initialContext, type ReadCall, type TcpDmaContext } from './context.js';
import type { TcpDmaParams } from './params.js';
import type { TcpDmaBehaviour } from './variants.js';
import {
  canCopy,
  canReturn,
  copySkb,
  loopBreaks,
  loopExit,
  queueEmpty,
  recvmsgEntry,
  recvmsgReturn,
  wakeUp,
} from './steps/recvmsg.js';
import {
  canFork,
  dmaComplete,
  fork,
  headIssued,
  interrupt,
  segmentArrives,
  segmentFits,
  type SegmentArrives,
} from './steps/environment.js';

export type TcpDmaEvent =
  | { type: 'RECVMSG' }
  | { type: 'COPY_SKB' }
  | { type: 'BREAK' }
  | { type: 'SK_WAIT_DATA' }
  | { type: 'RELEASE_SOCK' }
  | { type: 'WAKE_UP' }
  | { type: 'RETURN' }
  | SegmentArrives
  | { type: 'DMA_COMPLETE' }
  | { type: 'FORK' }
  | { type: 'SIGNAL' };

export function tcpDmaMachine(p: TcpDmaParams, b: TcpDmaBehaviour) {
  // The loop reached the queue-empty branch: nothing to copy and no reason to break.
  const atQueueEmpty = (c: TcpDmaContext) => !loopBreaks(c) && !canCopy(c);
  return setup({
    types: { context: {} as TcpDmaContext, events: {} as TcpDmaEvent, input: {} as ReadCall },
    guards: {
      canCopy: ({ context }) => canCopy(context),
      loopBreaks: ({ context }) => loopBreaks(context),
      waitSleeps: ({ context }) => atQueueEmpty(context) && context.copied < context.target && queueEmpty(context, b, p).sleeps,
      waitReturns: ({ context }) => atQueueEmpty(context) && context.copied < context.target && !queueEmpty(context, b, p).sleeps,
      releases: ({ context }) => atQueueEmpty(context) && context.copied >= context.target,
      woken: ({ context }) => context.woken,
      canReturn: ({ context }) => canReturn(context, b),
      segmentFits: ({ context, event }) => segmentFits(context, event as SegmentArrives, p),
      headIssued: ({ context }) => headIssued(context),
      canFork: ({ context }) => canFork(context),
      notInterrupted: ({ context }) => context.interrupted === null,
    },
    actions: {
      recvmsgEntry: assign(({ context }) => recvmsgEntry(context, b, p)),
      copySkb: assign(({ context }) => copySkb(context, b, p)),
      loopExit: assign(({ context }) => loopExit(context, b, p)),
      queueEmpty: assign(({ context }) => queueEmpty(context, b, p).ctx),
      wakeUp: assign(({ context }) => wakeUp(context, b, p)),
      recvmsgReturn: assign(({ context }) => recvmsgReturn(context, b, p)),
      arriveIdle: assign(({ context, event }) => segmentArrives(context, event as SegmentArrives, 'idle', b, p)),
      arriveOwned: assign(({ context, event }) => segmentArrives(context, event as SegmentArrives, 'owned', b, p)),
      arriveSleeping: assign(({ context, event }) => segmentArrives(context, event as SegmentArrives, 'sleeping', b, p)),
      dmaComplete: assign(({ context }) => dmaComplete(context)),
      fork: assign(({ context }) => fork(context)),
      signal: assign(({ context }) => interrupt(context, 'signal')),
    },
  }).createMachine({
    id: 'tcp-dma',
    context: ({ input }) => initialContext(input),
    initial: 'idle',
    on: {
      DMA_COMPLETE: { guard: 'headIssued', actions: 'dmaComplete' },
    },
    states: {
      /** Before the call: segments are queued by the softirq. */
      idle: {
        on: {
          RECVMSG: { target: 'locked', actions: 'recvmsgEntry' },
          SEGMENT_ARRIVES: { guard: 'segmentFits', actions: 'arriveIdle' },
        },
      },
      /** The reader owns the socket (lock_sock): arrivals wait on the backlog. */
      locked: {
        on: {
          COPY_SKB: { guard: 'canCopy', actions: 'copySkb' },
          BREAK: { guard: 'loopBreaks', target: 'exiting', actions: 'loopExit' },
          SK_WAIT_DATA: [
            { guard: 'waitSleeps', target: 'sleeping', actions: 'queueEmpty' },
            { guard: 'waitReturns', actions: 'queueEmpty' },
          ],
          RELEASE_SOCK: { guard: 'releases', actions: 'queueEmpty' },
          SEGMENT_ARRIVES: { guard: 'segmentFits', actions: 'arriveOwned' },
          FORK: { guard: 'canFork', actions: 'fork' },
        },
      },
      /** In sk_wait_data's schedule_timeout: the softirq runs arrivals. */
      sleeping: {
        on: {
          WAKE_UP: { guard: 'woken', target: 'locked', actions: 'wakeUp' },
          SEGMENT_ARRIVES: { guard: 'segmentFits', actions: 'arriveSleeping' },
          SIGNAL: { guard: 'notInterrupted', actions: 'signal' },
        },
      },
      /** Out of the loop, still owning the socket: waiting for the last cookie. */
      exiting: {
        on: {
          RETURN: { guard: 'canReturn', target: 'returned', actions: 'recvmsgReturn' },
          SEGMENT_ARRIVES: { guard: 'segmentFits', actions: 'arriveOwned' },
        },
      },
      /** tcp_recvmsg has returned `result`; only the DMA engine may still act. */
      returned: {},
    },
  });
}
