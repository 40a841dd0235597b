/**
 * The 2008 host of the IPoIB copybreak measurement: a two-socket Intel
 * Xeon 5400 server (Harpertown, 3.0 GHz, 6 MB L2 per core pair, 1333 MHz
 * FSB, DDR2-667 FB-DIMM) running a 2.6.26-era kernel with SLUB. The seed
 * does not name its machines; Mellanox's 2008 test beds were of this class.
 *
 * Figures are estimates from the platform's physical numbers, never fitted
 * to the seed: a load that misses the caches costs about 100 ns (FB-DIMM
 * adds latency to the FSB's ~75 ns), and kernel networking code runs at
 * roughly one instruction per cycle, so a path of N instructions with M
 * misses costs about N/3 + 100*M ns.
 */
import type { HostCosts } from '../cost-model.js';

/** One load from DRAM that the caches did not hold, ns. */
const MISS_NS = 100;
/**
 * One cache line last written by a core on the other socket: a snoop and
 * cache-to-cache transfer through the chipset (two independent FSBs on the
 * 5000-series chipsets), about 2.5 times a local DRAM miss.
 */
const REMOTE_LINE_NS = 250;
/** Instructions per ns: 3.0 GHz at about one instruction per cycle. */
const INSN_PER_NS = 3;
const path = (insns: number, misses: number) => Math.round(insns / INSN_PER_NS + misses * MISS_NS);

export const xeon5400_2008: HostCosts = {
  name: 'xeon-5400-2008',
  description: '2-socket Intel Xeon E5450 (Harpertown, 3.0 GHz), 1333 MHz FSB, DDR2-667 FB-DIMM, Linux 2.6.26 with SLUB (2008)',
  memcpyBytesPerNs: 2.5,
  copySetupNs: 60,
  csumBytesPerNs: 2.0,
  pageAllocNs: path(300, 1) + path(300, 0),
  skbAllocNs: path(600, 1) + path(300, 0),
  dmaMapNs: path(120, 0) * 2,
  rxPacketNs: path(3300, 2),
  txPacketNs: path(4200, 2),
  wakeupNs: 2000,
  sources: {
    memcpyBytesPerNs: 'one core copying cache-cold data on a 1333 MHz FSB with FB-DIMM: 10.7 GB/s peak shared by four cores, latency-bound near a quarter of it, ~2.5 GB/s',
    copySetupNs: 'call and alignment prologue plus the partly exposed first miss',
    csumBytesPerNs: 'csum_partial over cold data is memory-bound like a copy, a little slower for its carry chain',
    pageAllocNs: 'order-0 alloc_page through the per-cpu free list (~300 instructions, a struct page miss) and the matching __free_page',
    skbAllocNs: 'kmem_cache_alloc from skbuff_head_cache, kmalloc of a small data area, sk_buff and skb_shared_info initialisation (~600 instructions, one cold line), and kfree_skb later',
    dmaMapNs: 'dma_map_single and dma_unmap_single on x86_64 without an IOMMU (nommu or swiotlb without bouncing): ~120 instructions each',
    rxPacketNs: 'netif_receive_skb, ip_rcv, udp_rcv, the socket lookup, sock_queue_rcv_skb and sk_data_ready: ~3300 instructions and two misses (socket, dst)',
    txPacketNs: 'sendto entry and exit, udp_sendmsg, ip_append_data, ip_push_pending_frames, ip_output, dev_queue_xmit with pfifo_fast, qdisc_restart and ipoib_start_xmit\'s neighbour lookup: ~4200 instructions and two misses',
    wakeupNs: 'try_to_wake_up of a sleeping reader, the IPI and the context switch on a 2008 kernel',
  },
};

/**
 * Kernel costs of this host that HostCosts does not name, with the same
 * reasoning. Receive skbs are allocated by the softirq on the interrupt's
 * core and freed by netserver on another (irqbalance spreads them, often on
 * the other socket), so an allocation finds the allocator's lines last
 * written remotely: those are counted as remote lines.
 */
export const xeon5400_2008Kernel = {
  cacheMissNs: MISS_NS,
  remoteLineNs: REMOTE_LINE_NS,
  /** kmem_cache_alloc(skbuff_head_cache) of an sk_buff freed on another core: the slab freelist line comes back. */
  skbHeadAllocNs: path(300, 0) + REMOTE_LINE_NS,
  /** kmalloc of a small data area (up to kmalloc-1024) freed on another core. */
  smallDataAllocNs: path(200, 0) + REMOTE_LINE_NS,
  /**
   * The 4.4 KB data area of dev_alloc_skb(IPOIB_CM_HEAD_SIZE + 12): SLUB in
   * 2.6.26 hands kmalloc above PAGE_SIZE to the page allocator as an order-1
   * compound page (kmalloc_large). Order > 0 has no per-cpu list, so it takes
   * zone->lock, walks free_area[1] and writes the struct pages: three lines
   * that the previous free, on netserver's core, left remote.
   */
  order1PageAllocNs: path(500, 0) + 3 * REMOTE_LINE_NS,
  /** sk_buff and skb_shared_info initialisation: a memset of the head and one write-allocate miss on shinfo. */
  skbInitNs: path(300, 1),
  /** skb_put_frags: moving one unused page descriptor to the new skb (~40 instructions, L2-resident). */
  fragMoveNs: path(40, 0) + 5,
  /** recvmsg for a UDP datagram, without the copy: syscall, skb_recv_datagram, sock_rfree, kfree_skb. */
  recvmsgNs: path(2400, 1),
};
