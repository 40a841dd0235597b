/**
 * The seed's host class. Seed 004 profiles `__copy_tofrom_user`, the user
 * copy of arch/powerpc/lib (copy_32.S, copyuser_64.S): x86 has no such
 * symbol (it copies with copy_user_generic), so the receiver was a PowerPC,
 * most likely an embedded SoC whose memcpy DMA engine serves NET_DMA
 * (fsldma on Freescale MPC85xx, in 2.6.32.2's drivers/dma). Modelled: an
 * e500v2 core at 1.33 GHz (MPC8548E class), DDR2-667, eTSEC GbE with receive
 * checksum offload, the Elo DMA controller, Linux 2.6.32. Estimates from the
 * hardware, not fitted to the seed's figures.
 */
import type { DmaEngineCosts, HostCosts, LinkCosts } from '../cost-model.js';
import type { HostProfile, RecvPathCosts } from '../tcp-dma/costs.js';
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
  completionNs: 5000,
  source:
    'setup: fsl_dma_prep_memcpy takes a link descriptor from a dma_pool, fills it and chains it; tx_submit under a spinlock; dma_memcpy_to_iovec\'s ' +
    'page walk: ~2,000 cycles. bandwidth: the Elo engine moves ~1 GB/s DRAM to DRAM. completion: end-of-segment interrupt, then the cleanup tasklet ' +
    'makes the cookie visible: ~5 us',
};

export const e500Path: RecvPathCosts = {
  pinPageNs: 250,
  unpinPageNs: 300,
  syscallNs: 2000,
  dmaReapNs: 3500,
  pageBytes: 4096,
  sources: {
    pinPageNs: 'get_user_pages per page (page-table walk in software on e500, get_page): ~330 cycles',
    unpinPageNs: 'set_page_dirty_lock and page_cache_release: ~400 cycles',
    syscallNs: 'recv() entry and exit (sc, register save), fd lookup, lock_sock/release_sock: ~2,600 cycles',
    dmaReapNs:
      'fsldma (drivers/dma/fsldma.c @2.6.32.2) sets End-of-segment interrupt enable on every appended link (append_ld_queue), so each descriptor ' +
      'raises an interrupt: exception entry and exit (~1 us), get_sr/set_sr/get_cdar uncached CCSR accesses (~0.6 us), tasklet_schedule, then ' +
      'dma_do_tasklet walks ld_queue and dma_pool_free (~1.5 us): ~3.5 us per descriptor',
  },
};

export const e500FsldmaHost: HostProfile = { host: e500, link: gigabitEthernet as LinkCosts, dma: fsldma, path: e500Path };
