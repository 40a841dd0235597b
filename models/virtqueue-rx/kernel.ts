/**
 * Structure sizes and size arithmetic of drivers/net/virtio_net.c (v3.12 to
 * v3.14) and of the skb layer they call, for the machine and the simulation
 * (the reference implementation has its own, src/impl/virtqueue-rx/sizes.ts,
 * so that lockstep compares two independent readings). Buffer sizes are
 * parameters (params.ts). Sources: ../shared/reference/kernel-facts.md §3.1
 * and the driver code cited beside each figure; [I] marks arithmetic on
 * x86-64 structure sizes that was not re-read in the 3.1x source.
 */
import type { VirtqueueRxParams } from './params.js';

/** sizeof(struct virtio_net_hdr_mrg_rxbuf): 10-byte virtio_net_hdr + u16 num_buffers (kernel-facts §3.1). */
export const VNET_HDR_MRG_LEN = 12;
/** Offset of num_buffers inside the mergeable header. */
export const NUM_BUFFERS_OFFSET = 10;
/** sizeof(struct virtio_net_hdr) + ETH_HLEN: receive_buf drops anything shorter as rx_length_errors. */
export const MIN_RX_LEN = 10 + 14;
/** RECEIVE_AVG_WEIGHT (3.14): ewma_init(&rq->mrg_avg_pkt_len, 1, 64). */
export const RECEIVE_AVG_WEIGHT = 64;
/** SMP_CACHE_BYTES: SKB_DATA_ALIGN rounds to it. */
export const SMP_CACHE_BYTES = 64;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) with 17 frags on x86-64 [I: 48 bytes of fields + 17 × 16-byte frags]. */
export const SKB_SHINFO_SIZE = 320;
/** SKB_DATA_ALIGN(sizeof(struct sk_buff)) on x86-64 3.1x [I: about 232 bytes, aligned to 256]. */
export const SKB_STRUCT_SIZE = 256;
/** NET_SKB_PAD = max(32, L1_CACHE_BYTES). */
export const NET_SKB_PAD = 64;

export function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function skbDataAlign(n: number): number {
  return align(n, SMP_CACHE_BYTES);
}

/** SKB_TRUESIZE(X) = X + SKB_DATA_ALIGN(sizeof(sk_buff)) + SKB_DATA_ALIGN(sizeof(skb_shared_info)). */
export function skbTruesize(dataSize: number): number {
  return dataSize + SKB_STRUCT_SIZE + SKB_SHINFO_SIZE;
}

/**
 * truesize of netdev_alloc_skb_ip_align(dev, GOOD_COPY_LEN), the head skb of
 * page_to_skb's copy path: __netdev_alloc_skb pads by NET_SKB_PAD and builds
 * the skb on a netdev_alloc_frag piece, so truesize = SKB_TRUESIZE(align(128 + 64)).
 * The memory it pins is exactly what it reports: it is a kernel allocation, not a ring buffer.
 */
export function headSkbTruesize(goodCopyLen: number): number {
  return skbTruesize(skbDataAlign(goodCopyLen + NET_SKB_PAD));
}

/** truesize of alloc_skb(0, GFP_ATOMIC), the frag_list skb of receive_mergeable (≥ 2613af0e). */
export const NSKB_TRUESIZE = skbTruesize(0);

/**
 * The seed's build_skb test: skb_size = SKB_DATA_ALIGN(len) + SKB_DATA_ALIGN(sizeof(skb_shared_info)),
 * where len is the used length of the head buffer (header included).
 */
export function buildSkbSize(usedLen: number): number {
  return skbDataAlign(usedLen) + SKB_SHINFO_SIZE;
}

/**
 * truesize of build_skb(data, frag_size): build_skb subtracts the shared info
 * and charges SKB_TRUESIZE(size), so truesize = frag_size + SKB_DATA_ALIGN(sizeof(sk_buff)).
 */
export function buildSkbTruesize(skbSize: number): number {
  return skbTruesize(skbSize - SKB_SHINFO_SIZE);
}

/**
 * lib/average.c (3.x) ewma_add with factor 1 and weight 64: the first sample
 * sets the average; later ones move it by 1/64 (integer shifts as in the kernel).
 */
export function ewmaAdd(internal: number, val: number): number {
  if (internal === 0) return val;
  return Math.floor((internal * RECEIVE_AVG_WEIGHT - internal + val) / RECEIVE_AVG_WEIGHT);
}

/** get_mergeable_buf_len (3.14): ALIGN(hdr + clamp(ewma, GOOD_PACKET_LEN, PAGE_SIZE - hdr), MERGEABLE_BUFFER_ALIGN). */
export function mergeableBufLen(p: VirtqueueRxParams, ewma: number): number {
  const clamped = Math.min(Math.max(ewma, p.goodPacketLen), p.pageSize - VNET_HDR_MRG_LEN);
  return align(VNET_HDR_MRG_LEN + clamped, p.mergeableBufferAlign);
}

/** Free-running 16-bit ring indices: virtio_ring's u16 arithmetic. */
export function u16(n: number): number {
  return n & 0xffff;
}

/** Distance from `from` to `to` on the 16-bit index circle. */
export function u16Distance(from: number, to: number): number {
  return (to - from) & 0xffff;
}
