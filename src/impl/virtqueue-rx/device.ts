/**
 * The device side, as QEMU's virtio_net_receive with mergeable buffers: it
 * checks that the available buffers can hold the packet, then pops them in
 * order, writes the 12-byte virtio_net_hdr_mrg_rxbuf and the frame across
 * them, sets num_buffers in the first, fills the used ring and publishes all
 * entries with one used->idx update (virtqueue_fill, virtqueue_flush).
 */
import { NUM_BUFFERS_OFFSET, VNET_HDR_MRG_LEN } from '../../../models/virtqueue-rx/kernel.js';
import type { PhysMem } from './phys-mem.js';
import type { VringLayout } from './vring.js';

export class VirtioNetDevice {
  /** The device's last_avail_idx. */
  lastAvailIdx: number;
  /** Test instrumentation: used index of each packet's first entry → num_buffers. */
  readonly heads = new Map<number, number>();
  /** A faulty device (for the missing-buffer path): publish only this many entries of the next packet. */
  publishShort: number | null = null;

  constructor(
    private readonly ring: VringLayout,
    private readonly mem: PhysMem,
    start: number,
  ) {
    this.lastAvailIdx = start;
  }

  availableCount(): number {
    return (this.ring.availIdx - this.lastAvailIdx) & 0xffff;
  }

  /** Buffers a frame needs from those available, or 0 (QEMU virtio_net_has_buffers fails and waits). */
  buffersNeeded(frameLen: number): number {
    const r = this.ring;
    let remaining = frameLen + VNET_HDR_MRG_LEN;
    const avail = this.availableCount();
    for (let k = 0; k < avail; k++) {
      const head = r.availRing((this.lastAvailIdx + k) & (r.num - 1));
      remaining -= r.descLen(head);
      if (remaining <= 0) return k + 1;
    }
    return 0;
  }

  /** Writes one frame; returns the number of buffers used (0: not enough buffers, nothing done). */
  receive(frame: Uint8Array, gso: { type: number; size: number } = { type: 0, size: 0 }): number {
    const n = this.buffersNeeded(frame.length);
    if (n === 0) return 0;
    const r = this.ring;
    const hdr = new Uint8Array(VNET_HDR_MRG_LEN);
    const hv = new DataView(hdr.buffer);
    hv.setUint8(1, gso.type);
    hv.setUint16(4, gso.size, true);
    hv.setUint16(NUM_BUFFERS_OFFSET, n, true);
    const stream = new Uint8Array(hdr.length + frame.length);
    stream.set(hdr, 0);
    stream.set(frame, hdr.length);
    let pos = 0;
    const usedStart = r.usedIdx;
    for (let k = 0; k < n; k++) {
      const head = r.availRing(this.lastAvailIdx & (r.num - 1));
      this.lastAvailIdx = (this.lastAvailIdx + 1) & 0xffff;
      const { offset, bytes } = this.mem.resolve(r.descAddr(head));
      const w = Math.min(r.descLen(head), stream.length - pos);
      bytes.set(stream.subarray(pos, pos + w), offset);
      pos += w;
      r.setUsed((usedStart + k) & (r.num - 1), head, w);
    }
    this.heads.set(usedStart, n);
    const publish = this.publishShort ?? n;
    this.publishShort = null;
    r.usedIdx = usedStart + publish;
    return n;
  }
}
