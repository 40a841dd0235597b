/**
 * The implementation's own reading of the sizes and arithmetic of
 * drivers/net/virtio_net.c (v3.13.10 and v3.14 read) and the skb layer,
 * written from the kernel's expressions independently of the model's
 * (models/virtqueue-rx/kernel.ts), so that an arithmetic slip in either shows
 * up as a lockstep divergence. Buffer sizes come in as parameters.
 */

/** sizeof(struct virtio_net_hdr_mrg_rxbuf): struct virtio_net_hdr (flags u8, gso_type u8, hdr_len, gso_size, csum_start, csum_offset u16) + num_buffers u16. */
export const HDR_MRG = 1 + 1 + 2 + 2 + 2 + 2 + 2;
/** offsetof(struct virtio_net_hdr_mrg_rxbuf, num_buffers). */
export const NUM_BUFFERS_AT = HDR_MRG - 2;
/** receive_buf: `len < sizeof(struct virtio_net_hdr) + ETH_HLEN` is a short packet. */
export const SHORT_PACKET = HDR_MRG - 2 + 14;
/** L1_CACHE_BYTES = SMP_CACHE_BYTES on x86-64. */
const CACHE_LINE = 64;
/** NET_SKB_PAD = max(32, L1_CACHE_BYTES). */
const NET_SKB_PAD = Math.max(32, CACHE_LINE);
/** SKB_DATA_ALIGN(sizeof(struct sk_buff)) on x86-64 3.1x (≈232 bytes) [I]. */
const SK_BUFF = 256;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) with 17 frags on x86-64 [I]. */
export const SHARED_INFO = 320;
/** RECEIVE_AVG_WEIGHT. */
const AVG_WEIGHT = 64;

/** The kernel's ALIGN(x, a) for a power of two a. */
export function alignUp(x: number, a: number): number {
  return (x + a - 1) & ~(a - 1);
}

/** SKB_TRUESIZE(X). */
function skbTruesize(x: number): number {
  return x + SK_BUFF + SHARED_INFO;
}

/** netdev_alloc_skb_ip_align(dev, GOOD_COPY_LEN): __netdev_alloc_skb asks for len + NET_SKB_PAD, SKB_DATA_ALIGNed. */
export function copySkbTruesize(goodCopyLen: number): number {
  return skbTruesize(alignUp(goodCopyLen + NET_SKB_PAD, CACHE_LINE));
}

/** alloc_skb(0, GFP_ATOMIC): the frag_list skb. */
export const FRAG_LIST_SKB_TRUESIZE = skbTruesize(0);

/** The seed's build_skb: skb_size = SKB_DATA_ALIGN(len) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)). */
export function buildSkbBytes(usedLen: number): number {
  return alignUp(usedLen, CACHE_LINE) + SHARED_INFO;
}

/** build_skb(data, skb_size): truesize = SKB_TRUESIZE(skb_size − shared info) = skb_size + sk_buff. */
export function buildSkbCharge(skbSize: number): number {
  return skbSize + SK_BUFF;
}

/** lib/average.c ewma_add(avg, val) with factor 1: internal = internal ? (internal·(w−1) + val) / w : val, by shifts (w = 64). */
export function ewmaAddSample(internal: number, val: number): number {
  const log2w = Math.log2(AVG_WEIGHT);
  return internal ? Math.floor((((internal << log2w) - internal) + val) / AVG_WEIGHT) : val;
}

/** get_mergeable_buf_len (3.14). */
export function ewmaBufferLen(avg: number, o: { goodPacketLen: number; pageSize: number; mergeableBufferAlign: number }): number {
  const clamped = avg < o.goodPacketLen ? o.goodPacketLen : avg > o.pageSize - HDR_MRG ? o.pageSize - HDR_MRG : avg;
  return alignUp(HDR_MRG + clamped, o.mergeableBufferAlign);
}
