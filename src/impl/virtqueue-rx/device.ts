/**
 * The device side, as QEMU's virtio_net_receive with mergeable buffers: it
 * checks that the available buffers can hold the packet, then pops them in
 * order, writes the 12-byte virtio_net_hdr_mrg_rxbuf and the frame across
 * them, sets num_buffers in the first, fills the used ring and publishes all
 * entries with one used->idx update (virtqueue_fill, virtqueue_flush). The
 * seeded overrun mode (the `device-overrun` variant) starts a packet as soon
 * as one buffer is available and takes the avail ring's next slot past
 * avail->idx when they run out: a stale descriptor.
 */
import type { PhysMem } from './phys-mem.js';
import { HDR_MRG, NUM_BUFFERS_AT } from './sizes.js';
import type { VringLayout } from './vring.js';

export class VirtioNetDevice {
  /** The device's last_avail_idx. */
  lastAvailIdx: number;
  /** Test instrumentation: the used indices where the device wrote a packet's header (its num_buffers is in memory). */
  readonly heads = new Set<number>();
  /** A faulty device (for the missing-buffer path): publish only this many entries of the next packet. */
  publishShort: number | null = null;

  constructor(
    private readonly ring: VringLayout,
    private readonly mem: PhysMem,
    start: number,
    private readonly mode: 'conforming' | 'overrun' | 'oversized' = 'conforming',
  ) {
    this.lastAvailIdx = start;
  }

  availableCount(): number {
    return (this.ring.availIdx - this.lastAvailIdx) & 0xffff;
  }

  /** Buffers a frame needs from those available, or 0 (QEMU virtio_net_has_buffers fails and waits). */
  buffersNeeded(frameLen: number): number {
    const r = this.ring;
    let remaining = frameLen + HDR_MRG;
    const avail = this.availableCount();
    for (let k = 0; k < avail; k++) {
      const head = r.availRing((this.lastAvailIdx + k) & (r.num - 1));
      remaining -= r.descLen(head);
      if (remaining <= 0) return k + 1;
    }
    // The overrun device goes on with the slot past avail->idx (whatever descriptor it names).
    return this.mode === 'overrun' && avail > 0 ? avail + 1 : 0;
  }

  /** Writes one frame; returns the number of buffers used (0: not enough buffers, nothing done). */
  receive(frame: Uint8Array, gso: { type: number; size: number } = { type: 0, size: 0 }): number {
    const n = this.buffersNeeded(frame.length);
    if (n === 0) return 0;
    const r = this.ring;
    const hdr = new Uint8Array(HDR_MRG);
    const hv = new DataView(hdr.buffer);
    hv.setUint8(1, gso.type);
    hv.setUint16(4, gso.size, true);
    hv.setUint16(NUM_BUFFERS_AT, n, true);
    const stream = new Uint8Array(hdr.length + frame.length);
    stream.set(hdr, 0);
    stream.set(frame, hdr.length);
    let pos = 0;
    const usedStart = r.usedIdx;
    for (let k = 0; k < n; k++) {
      const head = r.availRing(this.lastAvailIdx & (r.num - 1));
      this.lastAvailIdx = (this.lastAvailIdx + 1) & 0xffff;
      const { offset, bytes } = this.mem.resolve(r.descAddr(head));
      // The last piece of an overrun goes whole into the stale descriptor, as far as its page reaches.
      const room = k === n - 1 ? Math.max(r.descLen(head), stream.length - pos) : r.descLen(head);
      const w = Math.min(room, stream.length - pos, bytes.length - offset);
      bytes.set(stream.subarray(pos, pos + w), offset);
      pos += w;
      r.setUsed((usedStart + k) & (r.num - 1), head, w);
    }
    this.heads.add(usedStart & 0xffff);
    const publish = this.publishShort ?? n;
    this.publishShort = null;
    r.usedIdx = usedStart + publish;
    return n;
  }
}
