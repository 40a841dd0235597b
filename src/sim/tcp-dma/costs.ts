/**
 * What the receive copy path costs beyond the shared HostCosts, and the
 * host facts the kernel's buffer rules read. A host profile bundles these
 * with its HostCosts, its link and its copy engine.
 */
import type { DmaEngineCosts, HostCosts, LinkCosts } from '../cost-model.js';

export interface RecvPathCosts {
  /** get_user_pages for one page (dma_pin_iovec_pages), ns. */
  readonly pinPageNs: number;
  /** set_page_dirty_lock plus page_cache_release for one page (dma_unpin_iovec_pages), ns. */
  readonly unpinPageNs: number;
  /** One recv() system call: entry, fd lookup, lock_sock/release_sock, exit, ns. */
  readonly syscallNs: number;
  /** One completion interrupt and its tasklet run, whatever it reaps (0: the engine is polled, no interrupt), ns. */
  readonly dmaIrqNs: number;
  /** Reaping one completed descriptor: list walk, descriptor free, cookie bookkeeping, ns. */
  readonly dmaReapDescNs: number;
  /** The engine's own time per descriptor beyond the bytes: fetching and decoding the link descriptor, ns. */
  readonly dmaLinkNs: number;
  readonly pageBytes: number;
  readonly sources: Readonly<Record<string, string>>;
}

/** The facts net/core/sock.c and the NIC driver turn into sk_rcvbuf and skb->truesize. */
export interface ReceiveBuffers {
  /** Physical RAM on the board. An assumption where the seed does not say it (see sources). */
  readonly physicalRamBytes: number;
  /**
   * sizeof(struct page): mem_map, one per physical page, is taken from
   * bootmem and never reaches the page allocator, so totalram_pages lacks it.
   */
  readonly structPageBytes: number;
  /**
   * Other pages reserved at boot and never freed: the kernel image's text,
   * data and bss (its init sections are freed later and counted), the
   * bootmem bitmap, early page tables, the device tree.
   */
  readonly bootReservedBytes: number;
  /** sizeof(struct sk_buff) for the host's word size and kernel configuration. */
  readonly skbStructBytes: number;
  /** The length the driver asks netdev_alloc_skb for, per receive buffer. */
  readonly rxAllocBytes: number;
  /** SMP_CACHE_BYTES: SKB_DATA_ALIGN rounds to it. */
  readonly cacheLineBytes: number;
  readonly sources: Readonly<Record<string, string>>;
}

/** How the DMA driver starts the engine and reports completions (drivers/dma/*.c @2.6.32.2). */
export interface EngineRules {
  /** The running engine follows descriptors appended to its chain (fsldma's link list); ioat runs only what was issued. */
  readonly followsAppended: boolean;
  /** tx_submit issues by itself once more than this many wait (ioat2_update_pending); Infinity: only issue_pending starts it. */
  readonly pendingLevel: number;
  /** sysctl_tcp_dma_copybreak as the driver leaves it. */
  readonly copybreak: number;
  readonly sources: Readonly<Record<string, string>>;
}

export interface HostProfile {
  readonly host: HostCosts;
  readonly link: LinkCosts;
  readonly dma?: DmaEngineCosts;
  readonly engine?: EngineRules;
  readonly path: RecvPathCosts;
  readonly buffers?: ReceiveBuffers;
}
