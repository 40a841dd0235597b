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
  pageSize: number;
  goodPacketLen: number;
  mergeBufferLen: number;
  mergeableBufferAlign: number;
  pageFragSize: number;
  smallLen: number;
  mtuLen: number;
  gsoLen: number;
  oversizeLen: number;
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
  pageSize: {
    kind: 'int',
    default: 4096,
    check: 4096,
    min: 4096,
    max: 65536,
    doc: 'PAGE_SIZE: the receive buffer of ≤3.12 (one page from get_a_page), the truesize it charges per buffer, the limit of build_skb\'s skb_size, and the largest 3.14 buffer.',
    source: 'arch/x86/include/asm/page_types.h (x86); v3.12 add_recvbuf_mergeable posts PAGE_SIZE (kernel-facts §3.3)',
  },
  goodPacketLen: {
    kind: 'int',
    default: 1518,
    check: 1518,
    min: 64,
    max: 65536,
    doc: 'MAX_PACKET_LEN (2613af0e) = GOOD_PACKET_LEN (3.13): ETH_HLEN + VLAN_HLEN + ETH_DATA_LEN; the buffer and the truesize per buffer of 2613af0e, and the lower clamp of the 3.14 EWMA.',
    source: 'drivers/net/virtio_net.c@v3.13.10 `#define GOOD_PACKET_LEN (ETH_HLEN + VLAN_HLEN + ETH_DATA_LEN)` (read); kernel-facts §3.1',
  },
  mergeBufferLen: {
    kind: 'int',
    default: 1536,
    check: 1536,
    min: 64,
    max: 65536,
    doc: 'MERGE_BUFFER_LEN (3.13, fb51879d): ALIGN(GOOD_PACKET_LEN + sizeof(virtio_net_hdr_mrg_rxbuf), L1_CACHE_BYTES) = ALIGN(1518 + 12, 64): the buffer of 3.13 and fb51879d, and the truesize 3.13 charges per buffer.',
    source: 'drivers/net/virtio_net.c@v3.13.10 (read): `#define MERGE_BUFFER_LEN (ALIGN(GOOD_PACKET_LEN + sizeof(struct virtio_net_hdr_mrg_rxbuf), L1_CACHE_BYTES))`, L1_CACHE_BYTES 64 on x86',
  },
  mergeableBufferAlign: {
    kind: 'int',
    default: 256,
    check: 256,
    min: 1,
    max: 4096,
    doc: 'MERGEABLE_BUFFER_ALIGN (3.14) = max(L1_CACHE_BYTES, 256): the 3.14 buffer length is ALIGN(12 + clamp(EWMA, GOOD_PACKET_LEN, PAGE_SIZE − 12), 256), so 1536, 1792, …, 4096.',
    source: 'drivers/net/virtio_net.c@v3.14 get_mergeable_buf_len and mergeable_buf_to_ctx (read)',
  },
  pageFragSize: {
    kind: 'int',
    default: 32768,
    check: 4096,
    min: 4096,
    max: 32768,
    doc: 'Size of the page the page-frag allocator carves buffers from.',
    source: 'net/core/sock.c skb_page_frag_refill: order-3 (32 KiB) compound page, falling back to one 4 KiB page (read in a 4.x copy; kernel-facts §3.3 marks the 32 KiB preference [I])',
    why: 'The order-0 fallback: two 1536-byte buffers and a 1024-byte tail per page (the hole fb51879d adds to the second buffer), so the hole rule and page boundaries between consecutive buffers occur within four buffers.',
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
  oversizeLen: {
    kind: 'int',
    default: 72000,
    check: 9000,
    min: 14,
    max: 1048576,
    doc: 'Frame length a faulty device (the oversized-frame variant only) writes: more than the largest GSO frame, so that it spans more pages than MAX_SKB_FRAGS.',
    source: 'no conforming device writes it: 65549 bytes plus the header span 17 pages; 72012 span 18, the last holding 2380 bytes',
    why: 'Scaled with maxSkbFrags 2 and gsoLen 4500: 9012 bytes with the header span 3 pages, one more than MAX_SKB_FRAGS, as 72012 span 18 against 17; the 820 bytes on the third page are more than a short packet (24), so the stranded buffer is parsed as a packet.',
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
