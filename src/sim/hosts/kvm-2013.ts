/**
 * A 2013 KVM host: 2-socket Intel Xeon E5-2650 (Sandy Bridge-EP, 8 cores at
 * 2.0 GHz, 20 MB LLC, launched 2012), DDR3-1600, a Linux 3.1x guest on
 * virtio-net with vhost-net. The era of the seed thread (October 2013).
 * Figures marked [I] are estimates from cycle counts of the code paths, not
 * measurements on this machine; each says how it was reasoned.
 */
import type { HostCosts } from '../cost-model.js';

export const kvm2013: HostCosts = {
  name: 'kvm-2013',
  description: '2-socket Xeon E5-2650 (Sandy Bridge-EP, 2.0 GHz), DDR3-1600, KVM + vhost-net, Linux 3.1x guest (2013)',
  memcpyBytesPerNs: 5,
  copySetupNs: 40,
  csumBytesPerNs: 6,
  pageAllocNs: 150,
  skbAllocNs: 120,
  dmaMapNs: 0,
  rxPacketNs: 1500,
  txPacketNs: 2500,
  wakeupNs: 4000,
  sources: {
    memcpyBytesPerNs:
      '[I] ~2.5 bytes/cycle at 2.0 GHz for a 64 KiB copy_to_user/copy_from_user whose source is in the 20 MB LLC (written moments before by the other side): Sandy Bridge fast-string rep movs sustains 16 bytes/cycle from L1 but an LLC-to-L1 stream of ~2-3 bytes/cycle per core; single-core STREAM Copy on SNB-EP reports ~8-10 GB/s counting read and write.',
    copySetupNs: '[I] ~80 cycles per copy call: access_ok, the fault-handling setup, kmap of a frag page, rep movs start-up.',
    csumBytesPerNs: '[I] csum_partial adc loop at ~3 bytes/cycle on LLC-resident data (not used by this model: virtio passes DATA_VALID).',
    pageAllocNs:
      '[I] an order-0 alloc_page plus its later __free_page through the per-CPU lists, ~300 cycles at 2.0 GHz (page-allocator microbenchmarks of the 3.x/4.x era measured ~250-300 cycles per alloc/free pair).',
    skbAllocNs: '[I] kmem_cache_alloc from skbuff_head_cache (SLUB fast path ~40 cycles) plus __alloc_skb/build_skb initialisation of the sk_buff and shared info (~200 cycles).',
    dmaMapNs: 'virtio-net without a virtual IOMMU gives the device guest-physical addresses: no mapping.',
    rxPacketNs:
      '[I] ~3000 cycles per delivered skb for netif_receive_skb, ip_rcv, tcp_v4_rcv, tcp_rcv_established and the ACK it triggers, independent of the skb\'s size (GSO packets arrive whole, so this is per 64 KiB).',
    txPacketNs: '[I] not used by this model.',
    wakeupNs: '[I] not used by this model.',
  },
};
