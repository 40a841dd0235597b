/**
 * The 2008 host of the IPoIB copybreak measurement: a two-socket Intel
 * Xeon 5400 server (Harpertown, 3.0 GHz, 6 MB L2 per core pair, 1333 MHz
 * FSB, DDR2-667 FB-DIMM) running Linux 2.6.26: the copybreak commit
 * f89271da the model is about was released in 2.6.26 or 2.6.27 (inferred,
 * kernel-facts §1), and the profile prices the first of the two. The seed does not
 * name its machines or its slab allocator; Mellanox's 2008 test beds were
 * of this class. The allocator matters (see xeon5400_2008Kernel): mainline
 * defaulted to SLUB from 2.6.23, while RHEL 5 and the OFED stacks built on
 * it used SLAB; SLUB is the default profile, SLAB the alternative.
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
/** A line held in the core's own L2: ~15 cycles at 3.0 GHz. */
const L2_HIT_NS = 5;
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

/** The slab allocator the kernel was built with. */
export type SlabAllocator = 'SLUB' | 'SLAB';

/**
 * The 4.4 KB data area of dev_alloc_skb(IPOIB_CM_HEAD_SIZE + 12), which
 * the replacement path allocates for every packet, under each allocator.
 * The allocation runs in the receive softirq and the matching free in
 * netserver's recvmsg on another core, so the allocator's own lines are
 * found last written remotely.
 */
const HEAD_DATA_ALLOC: Record<SlabAllocator, (line: number) => { ns: number; part: string; why: string }> = {
  // SLUB_MAX_SIZE was PAGE_SIZE until 2009: kmalloc above it is kmalloc_large.
  SLUB: (line) => ({
    ns: path(500, 0) + 3 * line,
    part: '4.4 KB data area: SLUB kmalloc_large, an order-1 page',
    why: 'SLUB in 2.6.26 hands kmalloc above PAGE_SIZE to the page allocator as an order-1 compound page (kmalloc_large); order > 0 has no per-cpu list, so it takes zone->lock, walks free_area[1] and writes the struct pages: ~500 instructions and three lines the previous free left behind',
  }),
  // enable_cpucache: buffer_size > PAGE_SIZE gives limit 8, batchcount 4 and no shared array.
  SLAB: (line) => ({
    ns: path(150, 0) + Math.round((path(300, 0) + 3 * line) / 4),
    part: '4.4 KB data area: SLAB size-8192 cache',
    why: 'SLAB serves the size-8192 cache from a per-cpu array of 8 objects (~150 instructions, local); every 4th allocation (batchcount 4, no shared array above PAGE_SIZE) cache_alloc_refill takes l3->list_lock and moves 4 objects off a slab that netserver\'s frees last wrote: ~300 instructions and three such lines, a quarter of it per allocation',
  }),
};

/** Where the receive skbs are freed: netserver's recvmsg on another core (lines come back remote) or on the interrupt's own core. */
export type RxFreedOn = 'another core' | 'the same core';

/**
 * Kernel costs of this host that HostCosts does not name, with the same
 * reasoning, for the kernel built with `allocator`. Receive skbs are
 * allocated by the softirq on the interrupt's core and freed by netserver's
 * recvmsg. On another core (irqbalance spreads them, often to the other
 * socket), an allocation finds the allocator's lines last written remotely
 * (REMOTE_LINE_NS each); on the same core they are still in its L2.
 */
export function xeon5400_2008Kernel(allocator: SlabAllocator = 'SLUB', rxFreedOn: RxFreedOn = 'another core') {
  const line = rxFreedOn === 'another core' ? REMOTE_LINE_NS : L2_HIT_NS;
  const head = HEAD_DATA_ALLOC[allocator](line);
  return {
    allocator,
    rxFreedOn,
    cacheMissNs: MISS_NS,
    /** kmem_cache_alloc(skbuff_head_cache) of an sk_buff netserver freed: the slab freelist line comes back. */
    skbHeadAllocNs: path(300, 0) + line,
    /** kmalloc of a small data area (up to kmalloc-1024) netserver freed. */
    smallDataAllocNs: path(200, 0) + line,
    /** The replacement path's 4.4 KB head data area under this allocator (HEAD_DATA_ALLOC). */
    headDataAllocNs: head.ns,
    headDataAllocPart: head.part,
    headDataAllocWhy: head.why,
    /** sk_buff and skb_shared_info initialisation: a memset of the head and one write-allocate miss on shinfo. */
    skbInitNs: path(300, 1),
    /** skb_put_frags: moving one unused page descriptor to the new skb (~40 instructions, L2-resident). */
    fragMoveNs: path(40, 0) + 5,
    /** recvmsg for a UDP datagram, without the copy: syscall, skb_recv_datagram, sock_rfree, kfree_skb. */
    recvmsgNs: path(2400, 1),
    /**
     * net_tx_action for one skb that waited in the qdisc: pfifo_fast dequeue,
     * HARD_TX_LOCK, dev_hard_start_xmit and ipoib_start_xmit's neighbour
     * lookup (~900 instructions, warm). A send that finds the queue running
     * pays this inside txPacketNs instead.
     */
    qdiscRestartNs: path(900, 0),
    /**
     * Each job's cost varies uniformly by this fraction around its figure:
     * cache state and lock hold times differ from call to call. Symmetric, so
     * the means stay the profile's.
     */
    costVariation: 0.2,
  };
}

export type Xeon5400Kernel = ReturnType<typeof xeon5400_2008Kernel>;
