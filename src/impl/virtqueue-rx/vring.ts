/**
 * A split virtqueue in one real ArrayBuffer, with the legacy layout of
 * include/uapi/linux/virtio_ring.h: desc[num] (addr u64, len u32, flags u16,
 * next u16), then avail (flags, idx, ring[num], used_event), then at the
 * next 4096 boundary used (flags, idx, {id u32, len u32}[num], avail_event).
 * All fields little-endian. `VirtqueueDriver` is the guest side of
 * drivers/virtio/virtio_ring.c for one-descriptor buffers.
 */
import { KernelFault } from './faults.js';

export const VRING_DESC_F_WRITE = 2;
const VRING_ALIGN = 4096;

export class VringLayout {
  readonly buffer: ArrayBuffer;
  readonly view: DataView;
  readonly availOff: number;
  readonly usedOff: number;

  constructor(readonly num: number) {
    if (num <= 0 || (num & (num - 1)) !== 0) throw new RangeError(`vring size ${num} is not a power of two`);
    this.availOff = 16 * num;
    const availEnd = this.availOff + 2 * (3 + num);
    this.usedOff = Math.ceil(availEnd / VRING_ALIGN) * VRING_ALIGN;
    this.buffer = new ArrayBuffer(this.usedOff + 2 * 3 + 8 * num);
    this.view = new DataView(this.buffer);
  }

  descAddr(i: number): number {
    return Number(this.view.getBigUint64(16 * i, true));
  }
  descLen(i: number): number {
    return this.view.getUint32(16 * i + 8, true);
  }
  descFlags(i: number): number {
    return this.view.getUint16(16 * i + 12, true);
  }
  descNext(i: number): number {
    return this.view.getUint16(16 * i + 14, true);
  }
  setDesc(i: number, addr: number, len: number, flags: number, next: number): void {
    this.view.setBigUint64(16 * i, BigInt(addr), true);
    this.view.setUint32(16 * i + 8, len, true);
    this.view.setUint16(16 * i + 12, flags, true);
    this.view.setUint16(16 * i + 14, next, true);
  }
  setDescNext(i: number, next: number): void {
    this.view.setUint16(16 * i + 14, next, true);
  }

  get availIdx(): number {
    return this.view.getUint16(this.availOff + 2, true);
  }
  set availIdx(v: number) {
    this.view.setUint16(this.availOff + 2, v & 0xffff, true);
  }
  availRing(slot: number): number {
    return this.view.getUint16(this.availOff + 4 + 2 * slot, true);
  }
  setAvailRing(slot: number, head: number): void {
    this.view.setUint16(this.availOff + 4 + 2 * slot, head, true);
  }

  get usedIdx(): number {
    return this.view.getUint16(this.usedOff + 2, true);
  }
  set usedIdx(v: number) {
    this.view.setUint16(this.usedOff + 2, v & 0xffff, true);
  }
  usedId(slot: number): number {
    return this.view.getUint32(this.usedOff + 4 + 8 * slot, true);
  }
  usedLen(slot: number): number {
    return this.view.getUint32(this.usedOff + 4 + 8 * slot + 4, true);
  }
  setUsed(slot: number, id: number, len: number): void {
    this.view.setUint32(this.usedOff + 4 + 8 * slot, id, true);
    this.view.setUint32(this.usedOff + 4 + 8 * slot + 4, len, true);
  }
}

/** How the driver tests for a used entry (the kernel's, and two seeded bugs). */
export type MoreUsed = 'u16-not-equal' | 'less-than' | 'wide-shadow';

/** The guest side: descriptor free list (LIFO, as detach_buf pushes the freed head), tokens, last_used_idx. */
export class VirtqueueDriver<T> {
  private readonly data: (T | null)[];
  private freeHead = 0;
  numFree: number;
  /** u16 in the kernel; a wider integer in the wide-shadow bug. */
  lastUsedIdx: number;
  /** Operation counts, for the simulation's accounting. */
  readonly ops = { adds: 0, gets: 0 };

  constructor(
    readonly ring: VringLayout,
    private readonly moreUsedMode: MoreUsed,
    start: number,
  ) {
    const num = ring.num;
    this.data = new Array<T | null>(num).fill(null);
    this.numFree = num;
    for (let i = 0; i < num; i++) ring.setDesc(i, 0, 0, 0, i + 1);
    ring.availIdx = start;
    ring.usedIdx = start;
    this.lastUsedIdx = start;
  }

  /** virtqueue_add_inbuf with one device-writable descriptor. */
  addInbuf(addr: number, len: number, token: T): boolean {
    if (this.numFree === 0) return false;
    const head = this.freeHead;
    this.freeHead = this.ring.descNext(head);
    this.ring.setDesc(head, addr, len, VRING_DESC_F_WRITE, 0);
    this.numFree--;
    this.data[head] = token;
    this.ops.adds++;
    const r = this.ring;
    r.setAvailRing(r.availIdx & (r.num - 1), head);
    r.availIdx = r.availIdx + 1;
    return true;
  }

  moreUsed(): boolean {
    const used = this.ring.usedIdx;
    if (this.moreUsedMode === 'less-than') return this.lastUsedIdx < used;
    return this.lastUsedIdx !== used;
  }

  /** virtqueue_get_buf: the next used entry's token and written length, or null. */
  getBuf(): { token: T; len: number; id: number } | null {
    if (!this.moreUsed()) return null;
    const r = this.ring;
    const slot = this.lastUsedIdx & (r.num - 1);
    const id = r.usedId(slot);
    const len = r.usedLen(slot);
    if (id >= r.num) throw new KernelFault('BAD_RING', `id ${id} out of range`);
    const token = this.data[id];
    if (token === null) throw new KernelFault('BAD_RING', `id ${id} is not a head!`);
    this.data[id] = null;
    this.ops.gets++;
    r.setDescNext(id, this.freeHead);
    this.freeHead = id;
    this.numFree++;
    this.lastUsedIdx = this.moreUsedMode === 'wide-shadow' ? this.lastUsedIdx + 1 : (this.lastUsedIdx + 1) & 0xffff;
    return { token, len, id };
  }

  /** The token posted under a descriptor (for the abstraction). */
  tokenOf(id: number): T | null {
    return this.data[id];
  }
}
