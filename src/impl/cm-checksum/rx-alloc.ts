/**
 * The buffer for one 64 KB-MTU packet, as the two device-feature settings
 * make the kernel allocate it.
 *
 * Without NETIF_F_SG the packet lives in one linear buffer: IPOIB_CM_BUF_SIZE
 * (65520 + the 4-byte IPoIB header) plus headroom and struct skb_shared_info
 * exceeds 64 KB, so kmalloc serves it from its 128 KB cache, 32 contiguous
 * pages: order 5 (the seed: "32 4k pages (order 5), which have to be
 * contiguous"). With NETIF_F_SG it is page fragments: the 2.6 CM receive
 * ring's layout, IPOIB_CM_RX_SG = 16 order-0 pages (a 4084-byte head and 15
 * full pages, kernel-facts 1.1 and 1.4). A partial scatter/gather allocation
 * is undone, as ipoib_cm_alloc_rx_skb's partial_error path does.
 */
import type { Block, BuddyAllocator } from './buddy.js';

export const PAGE_SIZE = 4096;
export const IPOIB_CM_MTU = 0x10000 - 0x10;
export const IPOIB_CM_BUF_SIZE = IPOIB_CM_MTU + 4;
/** NET_SKB_PAD of 2.6.2x kernels and an x86-64 skb_shared_info of that era [I]; any value above 12 bytes gives the same order. */
const HEADROOM_AND_SHINFO = 16 + 344;
export const IPOIB_CM_RX_SG = Math.ceil(IPOIB_CM_BUF_SIZE / PAGE_SIZE);

/** The page order kmalloc uses for a linear buffer of `bytes` (power-of-two caches above a page). */
export function kmallocOrder(bytes: number): number {
  return Math.max(0, Math.ceil(Math.log2(Math.ceil(bytes / PAGE_SIZE))));
}

export const LINEAR_ORDER = kmallocOrder(IPOIB_CM_BUF_SIZE + HEADROOM_AND_SHINFO);

export type RxPath = 'linear' | 'sg';

/** Pages one packet's buffer needs on each path. */
export function pagesNeeded(path: RxPath): number {
  return path === 'linear' ? 1 << LINEAR_ORDER : IPOIB_CM_RX_SG;
}

/** Allocates one packet's buffer; null when the allocator cannot satisfy it. */
export function allocRxBuffer(a: BuddyAllocator, path: RxPath): Block[] | null {
  if (path === 'linear') {
    const b = a.alloc(LINEAR_ORDER);
    return b ? [b] : null;
  }
  const got: Block[] = [];
  for (let i = 0; i < IPOIB_CM_RX_SG; i++) {
    const b = a.alloc(0);
    if (!b) {
      for (const g of got) a.release(g);
      return null;
    }
    got.push(b);
  }
  return got;
}

export function freeRxBuffer(a: BuddyAllocator, blocks: readonly Block[]): void {
  for (const b of blocks) a.release(b);
}
