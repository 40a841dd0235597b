/**
 * The seed's host class. Seed 004 profiles `__copy_tofrom_user`, the user
 * copy of arch/powerpc/lib (copy_32.S, copyuser_64.S): x86 has no such
 * symbol (it copies with copy_user_generic), so the receiver was a PowerPC,
 * most likely an embedded SoC whose memcpy DMA engine serves NET_DMA
 * (fsldma on Freescale MPC85xx, in 2.6.32.2's drivers/dma). Modelled: an
 * e500v2 core at 1.33 GHz (MPC8548E class), DDR2-667, eTSEC GbE (gianfar)
 * with receive checksum offload, the Elo DMA controller, Linux 2.6.32.
 * Estimates from the hardware and the 2.6.32.2 sources, not fitted to the
 * seed's figures.
 */
import type { DmaEngineCosts, HostCosts, LinkCosts } from '../cost-model.js';
import type { EngineRules, HostProfile, ReceiveBuffers, RecvPathCosts } from '../tcp-dma/costs.js';
import { gigabitEthernet } from './xeon-x5550-ioat.js';

export const e500: HostCosts = {
  name: 'ppc-e500-fsldma',
  description: 'PowerPC e500v2 1.33 GHz (MPC8548E class), DDR2-667, eTSEC GbE, Freescale Elo DMA (fsldma), Linux 2.6.32 (2009)',
  memcpyBytesPerNs: 0.6,
  copySetupNs: 150,
  csumBytesPerNs: 1,
  pageAllocNs: 800,
  skbAllocNs: 1000,
  dmaMapNs: 100,
  rxPacketNs: 6000,
  txPacketNs: 5000,
  wakeupNs: 4000,
  sources: {
    memcpyBytesPerNs:
      'DDR2-667 on a 64-bit bus peaks at 5.3 GB/s, but an in-order e500 keeps ~4 misses of 32-byte lines in flight at ~120 ns: ~1 GB/s of reads; ' +
      'a copy also writes every line (dcbz spares the read-for-ownership), so ~0.6 GB/s',
    copySetupNs: 'call, access_ok and the first cold line: ~200 cycles',
    csumBytesPerNs: 'csum_partial is loads only: the same miss-bound stream, ~1 GB/s',
    pageAllocNs: 'alloc_page and free on a 1.33 GHz in-order core: ~1,000 cycles',
    skbAllocNs: 'sk_buff and data allocation: ~1,300 cycles',
    dmaMapNs: 'the e500 platform is cache-coherent: dma_map_page is an address computation, ~130 cycles',
    rxPacketNs:
      '~5,000 instructions per segment (gianfar NAPI poll and refill, IP, TCP fast path, half an ACK) at IPC ~0.9 (4.2 us) plus ~12 L2 misses on descriptors, ' +
      'headers and the skb at ~130 ns (1.6 us): ~6 us. The "1 Hz per bit/s" rule for TCP receive (Foong et al., ISPASS 2003) gives 12 us per 1448-byte ' +
      'segment at 1 GHz for protocol plus copy, the same order',
    txPacketNs: 'the ACK-free transmit path is somewhat shorter: ~5 us',
    wakeupNs: 'try_to_wake_up, schedule and a context switch with TLB and L1 refills on e500: lmbench-class ~4 us',
  },
};

export const fsldma: DmaEngineCosts = {
  name: 'fsldma',
  setupNs: 1500,
  bytesPerNs: 1,
  completionNs: 500,
  source:
    'setup (CPU, per descriptor): fsl_dma_prep_memcpy takes a link descriptor from a dma_pool, fills it and chains it; tx_submit under a spinlock; ' +
    'dma_memcpy_to_iovec\'s page walk: ~2,000 cycles. bandwidth: the Elo engine moves ~1 GB/s DRAM to DRAM. completion: from the end of a link ' +
    'to the MPIC delivering the end-of-segment interrupt to the core, ~0.5 us; the handler\'s own cost is dmaIrqNs below',
};

export const fsldmaRules: EngineRules = {
  followsAppended: true,
  pendingLevel: Infinity,
  copybreak: 4096,
  sources: {
    followsAppended:
      'fsl_dma_tx_submit only appends to ld_queue (append_ld_queue links the new descriptor into the chain); a running engine follows the ' +
      'link, an idle one starts only in fsl_chan_xfer_ld_queue, from issue_pending or the end-of-links interrupt (drivers/dma/fsldma.c @2.6.32.2)',
    pendingLevel: 'fsldma issues nothing by itself: 2.6.32.2\'s tcp_recvmsg calls issue_pending only at its exit, so every copy of a read runs then',
    copybreak: 'fsldma does not set it: NET_DMA_DEFAULT_COPYBREAK 4096 (net/core/user_dma.c)',
  },
};

export const e500Path: RecvPathCosts = {
  pinPageNs: 250,
  unpinPageNs: 300,
  syscallNs: 2000,
  dmaIrqNs: 2000,
  dmaReapDescNs: 400,
  dmaLinkNs: 300,
  pageBytes: 4096,
  sources: {
    pinPageNs: 'get_user_pages per page (page-table walk in software on e500, get_page): ~330 cycles',
    unpinPageNs: 'set_page_dirty_lock and page_cache_release: ~400 cycles',
    syscallNs: 'recv() entry and exit (sc, register save), fd lookup, lock_sock/release_sock: ~2,600 cycles',
    dmaIrqNs:
      'per interrupt, whatever it reaps: fsldma sets end-of-segment interrupt enable on every appended link (append_ld_queue), but links that ' +
      'finish before the handler runs share one interrupt (the status bits are sticky; the handler reads the current descriptor). Exception ' +
      'entry and exit with the MPIC acknowledge and EOI (~0.6 us), fsl_dma_do_interrupt\'s uncached CCSR accesses: GSR, SR read and write, CDAR ' +
      'for the completed cookie (~4 x 150 ns), tasklet_schedule and the tasklet\'s run with its spinlock (~0.8 us): ~2 us',
    dmaReapDescNs:
      'per descriptor in fsl_chan_ld_cleanup: dma_async_is_complete, list_del, dma_pool_free under the pool lock, a miss on the descriptor: ~500 cycles',
    dmaLinkNs: 'the engine fetches and decodes the 32-byte link descriptor from DRAM before each transfer: ~0.3 us',
  },
};

export const e500Buffers: ReceiveBuffers = {
  physicalRamBytes: 512 * 1024 * 1024,
  structPageBytes: 32,
  bootReservedBytes: 5 * 1024 * 1024,
  skbStructBytes: 184,
  rxAllocBytes: 1536 + 64,
  cacheLineBytes: 32,
  sources: {
    physicalRamBytes:
      'an assumption: the seed does not give the board\'s RAM. 512 MB of DDR2 is a common size for an MPC85xx board of 2008-2009; ' +
      'the hang table also runs 256 MB and 1 GB. All of it is lowmem on ppc32 (CONFIG_LOWMEM_SIZE 768 MB), and highmem pages count in ' +
      'totalram_pages too, so the size alone decides',
    structPageBytes:
      'sizeof(struct page) on 32-bit PowerPC in 2.6.32: flags, _count, _mapcount, private, mapping, index, lru (two pointers): 8 words, ' +
      '32 bytes; mem_map is 1024 pages at 512 MB, which alone puts a 512 MB board below sk_init\'s 131072 pages',
    bootReservedBytes:
      'an estimate: a 2.6.32 ppc32 kernel with networking, gianfar and fsldma built in has ~3.5 MB of text and ~1 MB of data and bss ' +
      '(its init sections are freed after boot and return to totalram_pages); the bootmem bitmap (16 KB at 512 MB), early page tables ' +
      'and the flattened device tree add a few hundred KB: ~5 MB in all. The conclusion at 512 MB holds for any reserve above zero, ' +
      'and 1 GB stays above the threshold for any reserve below 512 MB',
    skbStructBytes:
      'sizeof(struct sk_buff) on 32-bit PowerPC in 2.6.32 with NET_DMA, conntrack, XFRM and NET_SCHED: 184 bytes (pointers 4, ktime_t 8, cb[48]; ' +
      'counted from include/linux/skbuff.h @2.6.32.2)',
    rxAllocBytes:
      'gianfar: gfar_new_skb asks netdev_alloc_skb for rx_buffer_size + RXBUF_ALIGNMENT = 1536 + 64 (DEFAULT_RX_BUFFER_SIZE, and gfar_change_mtu\'s ' +
      'rounding of 1500 + 14 + 8 (FCB) + 2 up to 512 gives 1536 too; drivers/net/gianfar.c @2.6.32.2)',
    cacheLineBytes: 'SMP_CACHE_BYTES = L1_CACHE_BYTES = 32 on e500 (arch/powerpc/include/asm/cache.h, CONFIG_PPC32)',
  },
};

export const e500FsldmaHost: HostProfile = {
  host: e500,
  link: gigabitEthernet as LinkCosts,
  dma: fsldma,
  engine: fsldmaRules,
  path: e500Path,
  buffers: e500Buffers,
};
