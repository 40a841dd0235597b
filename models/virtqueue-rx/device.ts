/**
 * The device side (QEMU virtio_net_receive with VIRTIO_NET_F_MRG_RXBUF):
 * it takes available buffers in ring order, writes the 12-byte header and
 * the frame across as many as it needs, sets num_buffers in the first, and
 * publishes them with one used->idx update (virtqueue_fill, then
 * virtqueue_flush), so the driver never sees part of a packet.
 */
import { VNET_HDR_MRG_LEN, u16, u16Distance } from './kernel.js';
import type { Ctx } from './context.js';
import type { Draft } from './driver-ops.js';

/** Buffers a frame of `frameLen` bytes needs from the currently available ones, or 0 if they do not suffice. */
export function buffersNeeded(c: Ctx, frameLen: number): number {
  const first = u16Distance(c.lastUsed, c.used);
  let remaining = frameLen + VNET_HDR_MRG_LEN;
  let k = 0;
  while (remaining > 0) {
    const e = c.ring[first + k];
    if (!e) return 0;
    remaining -= e.sz;
    k++;
  }
  return k;
}

/** Writes one packet; the caller checked buffersNeeded > 0. */
export function deviceWrite(d: Draft, frameLen: number): void {
  const first = u16Distance(d.lastUsed, d.used);
  let remaining = frameLen + VNET_HDR_MRG_LEN;
  let k = 0;
  while (remaining > 0) {
    const e = d.ring[first + k];
    const w = Math.min(e.sz, remaining);
    d.ring[first + k] = { ...e, len: w, nb: 0 };
    remaining -= w;
    k++;
  }
  d.ring[first] = { ...d.ring[first], nb: k };
  d.used = u16(d.used + k);
  d.left--;
}
