/**
 * The two pure rules at the entry of tcp_recvmsg (net/ipv4/tcp.c @2.6.32.2),
 * on plain numbers so that the machine and the cost model's reader share
 * them: sock_rcvlowat (include/net/sock.h) and the NET_DMA pin decision.
 */
import type { DmaDecision } from '../context.js';

/** sock_rcvlowat(sk, waitall, len): waitall ? len : min(sk_rcvlowat, len), at least 1. */
export function rcvlowatTarget(waitall: boolean, rcvlowat: number, len: number): number {
  return (waitall ? len : Math.min(rcvlowat, len)) || 1;
}

export interface PinQuestion {
  /** CONFIG_NET_DMA and dma_find_channel(DMA_MEMCPY) finds a channel. */
  readonly channel: boolean;
  /** TCP_SKB_CB(tail)->seq + tail->len - *seq, 0 on an empty queue. */
  readonly available: number;
  readonly target: number;
  readonly len: number;
  /** sysctl_tcp_dma_copybreak, in the same unit as len. */
  readonly copybreak: number;
  /** The decision tests len > copybreak (false only in a seeded bug: the off-by-one len >= copybreak). */
  readonly pinsOnlyAboveCopybreak: boolean;
  readonly peek: boolean;
  /** The decision tests !(flags & MSG_PEEK) (false only in a seeded bug). */
  readonly peekExcludesDma: boolean;
  readonly lowLatency: boolean;
  /** The decision tests !sysctl_tcp_low_latency (false only in a seeded bug). */
  readonly lowLatencyExcludesDma: boolean;
}

/**
 * Pin the user buffer (dma_pin_iovec_pages) only when every condition
 * holds; otherwise name the first that fails, in the order tcp_recvmsg
 * tests them (the channel lookup is last in the kernel; a host without one
 * is reported as CONFIG_NET_DMA=n first, since nothing else matters then).
 */
export function pinDecision(q: PinQuestion): DmaDecision {
  if (!q.channel) return 'CONFIG_NET_DMA=n';
  if (q.available >= q.target) return 'available>=target';
  if (q.len < q.copybreak || (q.len === q.copybreak && q.pinsOnlyAboveCopybreak)) return 'len<=copybreak';
  if (q.peek && q.peekExcludesDma) return 'MSG_PEEK';
  if (q.lowLatency && q.lowLatencyExcludesDma) return 'tcp_low_latency';
  return 'pinned';
}
