/**
 * The sender's skb for one full-MSS TCP segment on a 64 KB IPoIB-CM MTU, as
 * tcp_sendmsg builds it under each device-feature setting. This is the
 * order-5 allocation the seed speaks of, and the one NETIF_F_SG decides:
 * the 2.6 CM receive ring already used a 4 KB head and page fragments
 * whatever the features (ipoib_cm_alloc_rx_skb, kernel-facts 1.4), so the
 * receive side has no order-5 allocation to save.
 *
 * tcp_sendmsg asks sk_stream_alloc_skb for select_size(sk) bytes of linear
 * data (net/ipv4/tcp.c, 2.6):
 * - without NETIF_F_SG in the route's capabilities, select_size is
 *   mss_cache: the whole segment is linear, alloc_skb_fclone(mss +
 *   MAX_TCP_HEADER), whose kmalloc above 64 KB comes from the 128 KB cache:
 *   32 contiguous pages, order 5;
 * - with NETIF_F_SG and no GSO (IPoIB-CM has no TSO in connected mode),
 *   select_size is pgbreak = SKB_MAX_HEAD(MAX_TCP_HEADER), a head that fills
 *   one page with its shared info, and the rest of the segment is copied into
 *   order-0 pages (sk_sndmsg_page) attached as fragments.
 * The same linear buffer is what __skb_linearize needs when a gateway
 * forwards a fragmented 64 KB skb to a device without NETIF_F_SG.
 *
 * A partial scatter/gather allocation is undone (the pages already taken are
 * freed when the copy fails: sk_stream_wait_memory and the skb's free path);
 * `fault` seeds the bugs the allocation tests must catch.
 */
import type { Block, BuddyAllocator } from './buddy.js';
import { IPOIB_CM_MTU, PAGE_SIZE } from './constants.js';
import { HEADERS } from './tcp-ip.js';

/** mss_cache for a 65520-byte MTU with 20-byte IP and TCP headers and no options. */
export const CM_MSS = IPOIB_CM_MTU - HEADERS;
/** MAX_TCP_HEADER = 128 + MAX_HEADER, with LL_MAX_HEADER 32 and no tunnels [I]. */
export const MAX_TCP_HEADER = 128 + 32;
/** sizeof(struct skb_shared_info) on x86-64 in 2.6.2x-2.6.3x [I]; SKB_DATA_ALIGN rounds to a 64-byte cache line. */
const SHINFO = 344;
const SKB_DATA_ALIGN = (n: number) => Math.ceil(n / 64) * 64;

/** The page order kmalloc uses for `bytes` (power-of-two caches above a page). */
export function kmallocOrder(bytes: number): number {
  return Math.max(0, Math.ceil(Math.log2(Math.ceil(bytes / PAGE_SIZE))));
}

/** alloc_skb's kmalloc for `size` bytes of data: the data aligned, then the shared info. */
const skbDataBytes = (size: number) => SKB_DATA_ALIGN(size) + SHINFO;

/** Without NETIF_F_SG: one linear buffer for the whole segment. */
export const LINEAR_ORDER = kmallocOrder(skbDataBytes(CM_MSS + MAX_TCP_HEADER));
/** SKB_MAX_HEAD(MAX_TCP_HEADER): the linear data that fits one page with the header room and shared info. */
export const PGBREAK = PAGE_SIZE - MAX_TCP_HEADER - SKB_DATA_ALIGN(SHINFO);
/** With NETIF_F_SG: the head (one page: kmalloc-4096) and the fragment pages for the rest of the segment. */
export const SG_HEAD_ORDER = kmallocOrder(skbDataBytes(PGBREAK + MAX_TCP_HEADER));
export const SG_FRAG_PAGES = Math.ceil((CM_MSS - PGBREAK) / PAGE_SIZE);

export type SkbPath = 'linear' | 'sg';

/** Seeded faults of the scatter/gather path: a partial allocation not undone; fragments taken as order-1 blocks. */
export type SgFault = 'no-undo' | 'order-1-frags';

/** Pages one segment's skb needs on each path. */
export function pagesNeeded(path: SkbPath): number {
  return path === 'linear' ? 1 << LINEAR_ORDER : (1 << SG_HEAD_ORDER) + SG_FRAG_PAGES;
}

/** Allocates one segment's skb; null when the allocator cannot satisfy it. */
export function allocSegmentSkb(a: BuddyAllocator, path: SkbPath, fault?: SgFault): Block[] | null {
  if (path === 'linear') {
    const b = a.alloc(LINEAR_ORDER);
    return b ? [b] : null;
  }
  const orders = [SG_HEAD_ORDER, ...Array.from({ length: SG_FRAG_PAGES }, () => (fault === 'order-1-frags' ? 1 : 0))];
  const got: Block[] = [];
  for (const order of orders) {
    const b = a.alloc(order);
    if (!b) {
      if (fault !== 'no-undo') for (const g of got) a.release(g);
      return null;
    }
    got.push(b);
  }
  return got;
}

export function freeSegmentSkb(a: BuddyAllocator, blocks: readonly Block[]): void {
  for (const b of blocks) a.release(b);
}
