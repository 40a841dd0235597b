/**
 * A 2009 server of the NET_DMA era: Xeon X5550 (Nehalem-EP, 2.66 GHz),
 * Intel 5520 IOH with I/OAT v3 (Crystal Beach 3), an 82576 GbE port with
 * receive checksum offload, DDR3-1066, Linux 2.6.32. The seed's answer
 * speaks of such servers ("Modern servers can push 5GB/sec with memcpy").
 * Every figure is an estimate from the hardware, not fitted to a result.
 */
import type { DmaEngineCosts, HostCosts, LinkCosts } from '../cost-model.js';
import type { EngineRules, HostProfile, ReceiveBuffers, RecvPathCosts } from '../tcp-dma/costs.js';

export const xeonX5550: HostCosts = {
  name: 'xeon-x5550-ioat',
  description: 'Xeon X5550 2.66 GHz (Nehalem-EP), 5520 IOH with I/OAT v3, 82576 GbE, DDR3-1066, Linux 2.6.32 (2009)',
  memcpyBytesPerNs: 5,
  copySetupNs: 200,
  csumBytesPerNs: 4,
  pageAllocNs: 250,
  skbAllocNs: 300,
  dmaMapNs: 50,
  rxPacketNs: 1500,
  txPacketNs: 1500,
  wakeupNs: 2000,
  sources: {
    memcpyBytesPerNs: 'seed 004 answer: "Modern servers can push 5GB/sec with memcpy" (one Nehalem core, streaming)',
    copySetupNs:
      'a 1448-byte copy_to_user starts on cold lines of the skb and the user page: one DRAM latency (~65-100 ns on Nehalem) plus a TLB walk and access_ok',
    csumBytesPerNs: 'csum_partial: about 1.5 bytes per cycle at 2.66 GHz when the data streams',
    pageAllocNs: 'alloc_page from the per-cpu list plus its free: a few hundred cycles',
    skbAllocNs: 'kmem_cache_alloc of struct sk_buff and a kmalloc head: ~800 cycles',
    dmaMapNs: 'dma_map_page without an IOMMU is an address computation: ~130 cycles with the call',
    rxPacketNs:
      '~4,000 instructions per segment (NAPI poll, igb refill, netif_receive_skb, ip_rcv, tcp_v4_rcv, the fast path, half an ACK) at IPC ~1.2, plus a few cache misses: ~1.5 us',
    txPacketNs: 'the transmit path is about as long as the receive path: ~1.5 us',
    wakeupNs: 'try_to_wake_up, an IPI when the reader sleeps on another core, and the context switch: ~2 us',
  },
};

export const gigabitEthernet: LinkCosts = {
  name: 'gige',
  bitsPerSecond: 1e9,
  overheadBytes: 90,
  source:
    'IEEE 802.3: 8 preamble + 14 header + 4 FCS + 12 inter-frame gap, plus IPv4 20 + TCP 20 + timestamps 12 = 90 bytes beyond a 1448-byte payload',
};

export const ioatV3: DmaEngineCosts = {
  name: 'ioat3',
  setupNs: 600,
  bytesPerNs: 2,
  completionNs: 1000,
  source:
    'setup: dma_map_page of source and destination, ioat2_alloc_and_lock (spinlock, ring slot), filling a 64-byte descriptor, tx_submit (~1,600 cycles). ' +
    'bandwidth: one channel copies DRAM to DRAM through the IOH, about 2 GB/s. completion: the completion write-back crosses the IOH and is seen by ' +
    'the next poll (~1 us); the descriptor fetch is dmaLinkNs in the host\'s path costs',
};

export const ioatRules: EngineRules = {
  followsAppended: false,
  pendingLevel: 4,
  copybreak: 262144,
  sources: {
    followsAppended: 'the ioat2/3 engine runs descriptors up to the count written by __ioat2_issue_pending (drivers/dma/ioat/dma_v2.c @2.6.32.2)',
    pendingLevel: 'ioat2_update_pending issues once more than ioat_pending_level = 4 descriptors wait (drivers/dma/ioat/dma.c, dma_v2.c @2.6.32.2)',
    copybreak: 'ioat3 probe: ioat_set_tcp_copy_break(262144) (drivers/dma/ioat/dma_v3.c @2.6.32.2)',
  },
};

export const xeonPath: RecvPathCosts = {
  pinPageNs: 80,
  unpinPageNs: 100,
  syscallNs: 400,
  dmaIrqNs: 0,
  dmaReapDescNs: 250,
  dmaLinkNs: 100,
  pageBytes: 4096,
  sources: {
    pinPageNs: 'get_user_pages on a resident anonymous page: follow_page plus an atomic get_page, ~200 cycles',
    unpinPageNs: 'set_page_dirty_lock (lock_page, set_page_dirty, unlock_page) plus page_cache_release, ~250 cycles',
    syscallNs: 'recv() entry and exit, sockfd_lookup, lock_sock/release_sock: ~1,000 cycles',
    dmaIrqNs:
      'none: NET_DMA prepares its copies with DMA_CTRL_ACK only (no DMA_PREP_INTERRUPT, net/core/user_dma.c, drivers/dma/iovlock.c), and the ' +
      'ioat driver finds completions by polling the completion write-back',
    dmaReapDescNs: 'ioat2_cleanup: read the completion write-back (a miss), dma_unmap_page twice, advance the ring: ~650 cycles per descriptor',
    dmaLinkNs: 'the engine fetches the 64-byte descriptor over the IOH before each transfer: ~0.1 us when it streams',
  },
};

export const xeonBuffers: ReceiveBuffers = {
  physicalRamBytes: 12 * 1024 * 1024 * 1024,
  structPageBytes: 56,
  bootReservedBytes: 16 * 1024 * 1024,
  skbStructBytes: 232,
  rxAllocBytes: 1522,
  cacheLineBytes: 64,
  sources: {
    physicalRamBytes:
      'an assumption: a 2009 two-socket X5550 server with 12 GB (six 2 GB DDR3 DIMMs, one per channel); any size from 1 GB up gives the same ' +
      'sysctl_rmem_max = 131071 (sk_init: totalram_pages at least 131072)',
    structPageBytes: 'sizeof(struct page) on x86_64 in 2.6.32: seven 8-byte words, 56 bytes',
    bootReservedBytes: 'an estimate: kernel text, data and bss of a distribution kernel (~10 MB), the bootmem bitmap, early page tables, ACPI tables: ~16 MB',
    skbStructBytes: 'sizeof(struct sk_buff) on x86_64 in 2.6.32 with NET_DMA and conntrack: ~232 bytes (8-byte pointers)',
    rxAllocBytes:
      'igb: rx_buffer_len = MAXIMUM_ETHERNET_VLAN_SIZE = 1522 at a 1500 MTU, no packet split below jumbo MTUs; netdev_alloc_skb(bufsz + NET_IP_ALIGN), ' +
      'NET_IP_ALIGN 0 on x86 (drivers/net/igb/igb_main.c @2.6.32.2)',
    cacheLineBytes: 'SMP_CACHE_BYTES = 64 on x86_64 (CONFIG_X86_L1_CACHE_SHIFT 6)',
  },
};

export const xeonIoatHost: HostProfile = { host: xeonX5550, link: gigabitEthernet, dma: ioatV3, engine: ioatRules, path: xeonPath, buffers: xeonBuffers };
