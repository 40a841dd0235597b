/**
 * What the receive copy path costs beyond the shared HostCosts: pinning the
 * user buffer, the recv system call, and reaping a DMA descriptor. A host
 * profile bundles these with its HostCosts, its link and its copy engine.
 */
import type { DmaEngineCosts, HostCosts, LinkCosts } from '../cost-model.js';

export interface RecvPathCosts {
  /** get_user_pages for one page (dma_pin_iovec_pages), ns. */
  readonly pinPageNs: number;
  /** set_page_dirty_lock plus page_cache_release for one page (dma_unpin_iovec_pages), ns. */
  readonly unpinPageNs: number;
  /** One recv() system call: entry, fd lookup, lock_sock/release_sock, exit, ns. */
  readonly syscallNs: number;
  /** CPU time to reap one completed descriptor (cleanup, dma_unmap, cookie bookkeeping), ns. */
  readonly dmaReapNs: number;
  readonly pageBytes: number;
  readonly sources: Readonly<Record<string, string>>;
}

export interface HostProfile {
  readonly host: HostCosts;
  readonly link: LinkCosts;
  readonly dma?: DmaEngineCosts;
  readonly path: RecvPathCosts;
}
