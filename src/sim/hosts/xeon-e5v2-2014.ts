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

export const xeonE5v2_2014: HostCosts = {
  name: 'xeon-e5v2-2014',
  description: '2-socket Xeon E5-2697 v2 (Ivy Bridge-EP, 2.7 GHz, 30 MB LLC), DDR3-1600, QDR IB HCA on PCIe 3.0 x8, UEK 2.6.39 (2014)',
  memcpyBytesPerNs: 2.5 * GHZ,
  copySetupNs: ns(100),
  csumBytesPerNs: 3 * GHZ,
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
      '[I] csum_partial (arch/x86/lib/csum-partial_64.c: an unrolled chain of 64-bit adc) at ~3 bytes/cycle on LLC-resident data: the adc chain (2-cycle latency on Sandy/Ivy Bridge) allows 4 bytes/cycle from L1, and the LLC stream caps it a little above the copy rate because a checksum only reads.',
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
