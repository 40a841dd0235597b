/**
 * The kernel's own arithmetic for receive memory (Linux 2.6.32.2): what
 * SO_RCVBUF becomes, what an skb costs the socket, and the window TCP
 * advertises from what is left. Pure functions of the host's facts, so
 * sk_rcvbuf and skb->truesize are derived, never chosen.
 */
import type { ReceiveBuffers } from './costs.js';

/** include/net/sock.h: SOCK_MIN_RCVBUF. */
const SOCK_MIN_RCVBUF = 256;
/** include/linux/skbuff.h @2.6.32: NET_SKB_PAD. */
const NET_SKB_PAD = 32;

/**
 * totalram_pages once boot is done: the physical pages less those the
 * page allocator never gets (mem_map and the boot reservations). On a
 * flat-memory host mem_map is one struct page per physical page.
 */
export function totalramPages(b: ReceiveBuffers, pageBytes: number): number {
  const pages = Math.floor(b.physicalRamBytes / pageBytes);
  const reserved = Math.ceil((pages * b.structPageBytes + b.bootReservedBytes) / pageBytes);
  return pages - reserved;
}

/**
 * sk_init (net/core/sock.c @2.6.32): 32767 when totalram_pages <= 4096,
 * 131071 when totalram_pages >= 131072, else the compiled default
 * SK_RMEM_MAX = (sizeof(struct sk_buff) + 256) * 256. 2.6.32 reads
 * totalram_pages (num_physpages until 4481374ce88b, merged for 2.6.32), so
 * a board of exactly 512 MB, whose mem_map alone is 1024 pages, is below
 * the 131072 threshold.
 */
export function sysctlRmemMax(b: ReceiveBuffers, pageBytes: number): number {
  const pages = totalramPages(b, pageBytes);
  if (pages <= 4096) return 32767;
  if (pages >= 131072) return 131071;
  return 256 * (b.skbStructBytes + 256);
}

/** sock_setsockopt(SO_RCVBUF): capped at sysctl_rmem_max, then doubled for struct sk_buff overhead. */
export function soRcvbuf(requested: number, rmemMax: number): number {
  return Math.max(SOCK_MIN_RCVBUF, 2 * Math.min(requested, rmemMax));
}

/** __netdev_alloc_skb(len) -> __alloc_skb(len + NET_SKB_PAD): truesize = SKB_DATA_ALIGN(size) + sizeof(struct sk_buff). */
export function rxTruesize(b: ReceiveBuffers): number {
  const size = b.rxAllocBytes + NET_SKB_PAD;
  return Math.ceil(size / b.cacheLineBytes) * b.cacheLineBytes + b.skbStructBytes;
}

/** tcp_win_from_space with the default sysctl_tcp_adv_win_scale = 2: a quarter of the space is overhead. */
export function winFromSpace(space: number): number {
  return space - (space >> 2);
}

/**
 * __tcp_select_window (net/ipv4/tcp_output.c) for a connection whose
 * rcv_ssthresh has grown to the clamp: the free space after the overhead
 * rule, 0 when it is below one MSS, never above window_clamp.
 */
export function advertisedWindow(rcvbuf: number, rmem: number, mss: number): number {
  const clamp = winFromSpace(rcvbuf); // tcp_full_space: window_clamp for a locked SO_RCVBUF
  const free = winFromSpace(rcvbuf - rmem);
  if (free < mss) return 0;
  return Math.min(free, clamp);
}
