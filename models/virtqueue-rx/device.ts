/**
 * The device side (QEMU virtio_net_receive with VIRTIO_NET_F_MRG_RXBUF):
 * it takes available buffers in ring order, writes the 12-byte header and
 * the frame across as many as it needs, sets num_buffers in the first, and
 * publishes them with one used->idx update (virtqueue_fill, then
 * virtqueue_flush), so the driver never sees part of a packet. The seeded
 * overrun device starts a packet as soon as one buffer is available and,
 * when they run out, writes the rest through the descriptor of the slot past
 * avail->idx, which the driver has not made available.
 */
import { VNET_HDR_MRG_LEN, u16, u16Distance } from './kernel.js';
import type { Ctx } from './context.js';
import type { Draft, Env } from './driver-ops.js';

/** Available buffers beyond used->idx, and whether they hold a frame of `frameLen` bytes. */
function room(c: Ctx, frameLen: number): { available: number; fits: boolean } {
  const first = u16Distance(c.lastUsed, c.used);
  let remaining = frameLen + VNET_HDR_MRG_LEN;
  for (let k = first; k < c.ring.length && remaining > 0; k++) remaining -= c.ring[k].sz;
  return { available: Math.max(0, c.ring.length - first), fits: remaining <= 0 };
}

/** Whether the device writes a frame of `frameLen` bytes now. */
export function deviceAccepts(c: Ctx, env: Env, frameLen: number): boolean {
  const { available, fits } = room(c, frameLen);
  return env.b.device === 'overrun' ? available > 0 : fits;
}

/** Writes one packet; the caller checked deviceAccepts. */
export function deviceWrite(d: Draft, frameLen: number): void {
  const first = u16Distance(d.lastUsed, d.used);
  let remaining = frameLen + VNET_HDR_MRG_LEN;
  let k = 0;
  while (remaining > 0 && first + k < d.ring.length) {
    const e = d.ring[first + k];
    const w = Math.min(e.sz, remaining);
    d.ring[first + k] = { ...e, len: w, nb: 0 };
    remaining -= w;
    k++;
  }
  // The overrun device's last piece went into a descriptor past avail->idx, outside the ring.
  if (remaining > 0) k++;
  if (first < d.ring.length) d.ring[first] = { ...d.ring[first], nb: k };
  d.used = u16(d.used + k);
  d.left--;
}
