/**
 * An IPoIB-CM host of the proposal's era: 2-socket Intel Xeon E5-2697 v2
 * (Ivy Bridge-EP, 12 cores at 2.7 GHz, 30 MB LLC, 2013), DDR3-1600, a QDR
 * InfiniBand HCA on PCIe 3.0 x8, Oracle UEK 2.6.39. This is the class of
 * machine Oracle's engineered systems of 2013-14 paired with QDR
 * InfiniBand, where the "CSUM support in connected mode" patch shipped
 * (UEK 2.6.39-400.215.8, Orabug 18692878, kernel-facts section 2); the
 * machines of the Orabug itself are not known [I].
 *
 * All figures are per core (one TCP flow is processed on one core) and are
 * estimates [I] from cycle counts of the code paths, not measurements on
 * this machine; each says how it was reasoned. "Cache-cold" here means not
 * in L1 or L2: the HCA's DMA writes land in the LLC (Intel DDIO on
 * Ivy Bridge-EP) and a sender copies data its application wrote moments
 * before, so both streams come from the LLC.
 */
import type { HostCosts } from '../cost-model.js';

const GHZ = 2.7;
const ns = (cycles: number) => Math.round(cycles / GHZ);

/**
 * A host whose checksum folded into a copy has its own rate: the one loop
 * of csum_partial_copy_generic (csum_and_copy_from_user on transmit;
 * skb_copy_and_csum_datagram_iovec on receive) loads, adds with carry and
 * stores, so it runs neither at the copy's pace nor at the checksum's.
 */
export interface HostWithFoldedCopy extends HostCosts {
  /** Copy and checksum in one loop, bytes per ns. */
  readonly csumCopyBytesPerNs: number;
}

/** Bytes per cycle of a copy streaming from the LLC (see sources). */
const COPY_BPC = 2.5;
/** Bytes per cycle of csum_partial on LLC-resident data (see sources). */
const CSUM_BPC = 3;
/**
 * The share of the checksum's carry chain that the folded loop hides under
 * its memory stream [I]: 1 would make folding free (the loop at the copy's
 * pace), 0 would add the whole checksum to the copy. Half, for want of a
 * measurement; the simulation's sensitivity table shows both ends.
 */
export const FOLDED_OVERLAP = 0.5;

/** The folded loop's rate from a copy rate, a checksum rate and the overlap, all in bytes per ns. */
export function foldedRate(copy: number, csum: number, overlap: number): number {
  return 1 / (1 / copy + (1 - overlap) / csum);
}

export const xeonE5v2_2014: HostWithFoldedCopy = {
  name: 'xeon-e5v2-2014',
  description: '2-socket Xeon E5-2697 v2 (Ivy Bridge-EP, 2.7 GHz, 30 MB LLC), DDR3-1600, QDR IB HCA on PCIe 3.0 x8, UEK 2.6.39 (2014)',
  memcpyBytesPerNs: COPY_BPC * GHZ,
  copySetupNs: ns(100),
  csumBytesPerNs: CSUM_BPC * GHZ,
  csumCopyBytesPerNs: foldedRate(COPY_BPC * GHZ, CSUM_BPC * GHZ, FOLDED_OVERLAP),
  pageAllocNs: ns(300),
  skbAllocNs: ns(250),
  dmaMapNs: ns(30),
  rxPacketNs: ns(3500),
  txPacketNs: ns(4000),
  wakeupNs: ns(10000),
  sources: {
    memcpyBytesPerNs:
      '[I] 2.5 bytes/cycle at 2.7 GHz for a 64 KiB copy_to_user/copy_from_user streaming from the LLC: Ivy Bridge\'s fast-string rep movsb moves 16 bytes/cycle within L1, but an LLC-to-core stream sustains about 2-3 bytes/cycle per core (single-core STREAM Copy on Sandy/Ivy Bridge-EP reports ~9-11 GB/s counting read and write).',
    copySetupNs: '[I] ~100 cycles per copy call: access_ok, the exception-table setup, kmap of a fragment page, rep movs start-up.',
    csumBytesPerNs:
      '[I] csum_partial (arch/x86/lib/csum-partial_64.c) sums 64 bytes per iteration in one dependent chain: an addq, ' +
      'seven adcq from memory and an adcq of zero, at 2 cycles per adc on every Intel core from Core 2 to Ivy Bridge ' +
      '(Agner Fog\'s tables): 17 cycles per 64 bytes, a ceiling of 3.8 bytes/cycle, the same loop and ceiling as on the ' +
      'siblings\' hosts. Those run below it because their data streams from DRAM: the 2008 Harpertown (xeon-5400-2008, ' +
      '2.0 GB/s, a little under its copy) and the 2009 Nehalem whose NIC DMA lands in DRAM (xeon-x5550-ioat, 1.5 ' +
      'bytes/cycle). Here the HCA\'s writes land in the LLC (DDIO on Ivy Bridge-EP) and the sender\'s data was written ' +
      'moments before, and a single core reads the LLC at well above 3.8 bytes/cycle, so the chain is the limit: 3 ' +
      'bytes/cycle with the loop\'s entry, tail and folding. The DRAM-fed rate (1.5 bytes/cycle) is the simulation\'s ' +
      'sensitivity row.',
    csumCopyBytesPerNs:
      '[I] csum_partial_copy_generic (arch/x86/lib/csum-copy_64.S) is one loop of 8-byte loads, one adc chain (16 ' +
      'cycles per 64 bytes) and 8-byte stores, without the fast-string stores of the plain copy. Its time per byte is ' +
      'put at the copy\'s plus the part of the checksum\'s the loop does not hide under its memory stream, taken as half ' +
      '(FOLDED_OVERLAP): 1 / (1/2.5 + 0.5/3) = 1.76 bytes/cycle. Hiding all of it (2.5, folding free) and none (1.36) are ' +
      'the sensitivity rows.',
    pageAllocNs: '[I] an order-0 alloc_page(GFP_ATOMIC) plus its later __free_page through the per-CPU lists, ~300 cycles.',
    skbAllocNs: '[I] dev_alloc_skb for the 4 KB receive head: a slab fast path (~50 cycles) plus sk_buff and shared-info initialisation (~200 cycles).',
    dmaMapNs: '[I] ib_dma_map_page without an IOMMU (the default on these hosts): an address computation and a few checks, ~30 cycles.',
    rxPacketNs:
      '[I] ~3500 cycles per received 64 KB IPoIB-CM message, independent of its size: the CQ poll and ipoib_cm_handle_rx_wc bookkeeping (~500), netif_receive_skb, ip_rcv, tcp_v4_rcv and tcp_rcv_established with the ACK it triggers (~3000).',
    txPacketNs:
      '[I] ~4000 cycles per transmitted message: tcp_sendmsg\'s per-skb work, tcp_transmit_skb, ip_queue_xmit, dev_queue_xmit and the qdisc, ipoib_cm_send\'s post and doorbell, and the send completion later.',
    wakeupNs: '[I] ~10000 cycles to wake a sleeping reader and switch to it (not used by this model).',
  },
};
