/**
 * Parameters of the virtqueue-rx model: the kernel's values with their
 * sources, and the small bounds the exhaustive check uses, each with the
 * reason it keeps the properties meaningful.
 */
import type { ParamDecls } from '../../src/model/params.js';

export type VirtqueueRxParams = {
  ringSize: number;
  maxSkbFrags: number;
  goodCopyLen: number;
  pageFragSize: number;
  smallLen: number;
  mtuLen: number;
  gsoLen: number;
  packets: number;
  oomBudget: number;
  startIndex: number;
};

export const params: ParamDecls<VirtqueueRxParams> = {
  ringSize: {
    kind: 'int',
    default: 256,
    check: 4,
    min: 2,
    max: 32768,
    doc: 'Entries of the receive virtqueue (a power of two); one mergeable buffer per descriptor.',
    source: 'QEMU VIRTIO_NET_RX_QUEUE_DEFAULT_SIZE 256 (kernel-facts §3.1); vring num is a power of 2 (§3.5)',
    why: 'Four entries hold one packet of up to three buffers plus one more, so a packet can arrive while another waits and the ring can run dry; the 16-bit wrap depends on the indices, not on the ring size, and is reached by starting them at startIndex.',
  },
  maxSkbFrags: {
    kind: 'int',
    default: 17,
    check: 2,
    min: 1,
    max: 64,
    doc: 'MAX_SKB_FRAGS: frags one skb can hold.',
    source: 'include/linux/skbuff.h: 65536/PAGE_SIZE + 1 = 17 on 4 KiB pages (kernel-facts §3.1)',
    why: 'Stand-in 2 with gsoLen 4500: the kernel sizes MAX_SKB_FRAGS so that the largest packet fits in whole-page frags (64 KiB spans 17 pages); here the largest packet spans 2 pages, so v3.12 never drops an honest packet, while 1518-byte pieces need 3 buffers and so the frag_list, exactly the relation the seed debates.',
  },
  goodCopyLen: {
    kind: 'int',
    default: 128,
    check: 128,
    min: 0,
    max: 4096,
    doc: 'GOOD_COPY_LEN: bytes page_to_skb copies into the head skb.',
    source: 'drivers/net/virtio_net.c (all versions read); kernel-facts §3.1',
  },
  pageFragSize: {
    kind: 'int',
    default: 32768,
    check: 4096,
    min: 4096,
    max: 32768,
    doc: 'Size of the page the page-frag allocator carves buffers from.',
    source: 'net/core/sock.c skb_page_frag_refill: order-3 (32 KiB) compound page, falling back to one 4 KiB page (read in a 4.x copy; kernel-facts §3.3 marks the 32 KiB preference [I])',
    why: 'The order-0 fallback: two 1536-byte buffers and a 1024-byte hole per page, so the hole rule of 3.13 and page boundaries between consecutive buffers occur within four buffers.',
  },
  smallLen: {
    kind: 'int',
    default: 60,
    check: 60,
    min: 14,
    max: 65549,
    doc: 'Frame length of the small packet class (at most GOOD_COPY_LEN: the copy path).',
    source: 'minimum Ethernet frame without FCS (ETH_ZLEN)',
  },
  mtuLen: {
    kind: 'int',
    default: 1514,
    check: 1514,
    min: 14,
    max: 65549,
    doc: 'Frame length of the MTU-sized class: ETH_HLEN + ETH_DATA_LEN.',
    source: 'include/uapi/linux/if_ether.h',
  },
  gsoLen: {
    kind: 'int',
    default: 65549,
    check: 4500,
    min: 14,
    max: 65549,
    doc: 'Frame length of the largest (GSO) packet the device writes.',
    source: '64 KiB IP datagram (65535) + ETH_HLEN; 17 buffers of 4 KiB, 43 of 1536 B, 44 of 1518 B (kernel-facts §3.5)',
    why: 'Scaled with maxSkbFrags: 4512 bytes with the header span 2 pages (v3.12: 2 frags, as 64 KiB spans 17), 3 pieces of 1518 or 1536 bytes, and 2 buffers of 4096 once the 3.14 EWMA has grown.',
  },
  packets: {
    kind: 'int',
    default: 1000000,
    check: 3,
    min: 1,
    max: 1000000,
    doc: 'Packets the device may write in one run (the traffic bound that keeps the state space finite).',
    source: 'modelling bound',
    why: 'Three packets fill and empty a four-entry ring, cross the 16-bit wrap from startIndex, move the 3.14 EWMA, and strand a packet\'s remaining buffers after a failed allocation; every counterexample and witness needs at most three.',
  },
  oomBudget: {
    kind: 'int',
    default: 1000000,
    check: 1,
    min: 0,
    max: 1000000,
    doc: 'Allocation failures the environment may inject (head skb, frag_list skb, or buffers in a refill).',
    source: 'modelling bound',
    why: 'One failure reaches every error path and the deferred refill; a second would only repeat refill_work re-arming (HZ/2), which weak fairness already covers.',
  },
  startIndex: {
    kind: 'int',
    default: 0,
    check: 65534,
    min: 0,
    max: 65535,
    doc: 'Initial value of avail->idx, used->idx and last_used_idx.',
    source: 'vring_new_virtqueue starts at 0; the indices are free-running u16 (kernel-facts §3.5)',
    why: 'Two below the wrap, so every run posts, uses and consumes across 65535 → 0 within the traffic bound.',
  },
};
