/**
 * The visited set of the compiled path: integer records in one growable
 * arena, and an open-addressing hash table (linear probing, load at most
 * 0.7) of state ids over them. Each slot also holds a key: the record itself
 * when records are one word (a probe then never leaves the slot array), or
 * the record's hash otherwise (a probe reads the arena only on a full-hash
 * match). Id and key sit side by side, so a probe is one cache line. Fixed-width records need no offset table: record i starts at
 * i × width. A state costs its record and about 11 bytes of slots.
 *
 * When the search needs no ids of states seen before (it keeps no edges) and
 * records are one word of at most MAX_BITMAP_BITS bits, the visited set is a
 * bitmap indexed by the record itself: exact (the record is the state), no
 * hashing or probing, one bit per possible state. The hash table's slots are
 * then never allocated, and a state seen before is reported as UNTRACKED.
 */
import { NOT_INTERNED, UNTRACKED } from '../explore/state-space.js';

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

function hash(r: Int32Array, pos: number, len: number): number {
  let h = 0x811c9dc5 ^ len;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ r[pos + i], 0x01000193) ^ (h >>> 15);
  return mix(h);
}

const MIN_SLOTS = 1 << 12;

/** The widest one-word record a bitmap covers: 2^30 bits, 128 MiB of address space, touched only where states lie. */
export const MAX_BITMAP_BITS = 30;

export class RecordTable {
  arena: Int32Array;
  private used = 0;
  /** Record offsets, only for variable-width records. */
  private offsets: Int32Array | null;
  /** Pairs (id + 1, key); id 0 marks an empty slot. */
  private slots = new Int32Array(2 * MIN_SLOTS);
  private mask = MIN_SLOTS - 1;
  size = 0;
  /** Whether the last intern call added its record. */
  lastWasNew = false;

  /**
   * One bit per possible one-word record, when the table is a bitmap.
   * Generated successors read it directly (it is never reallocated); only
   * intern sets bits.
   */
  readonly bitmap: Int32Array | null;

  /**
   * `width` is the fixed record width, or 0 for records of any width;
   * `bitmapBits` > 0 (one-word records of that many bits, at most
   * MAX_BITMAP_BITS) makes the visited set a bitmap that does not track ids.
   */
  constructor(
    readonly width: number,
    bitmapBits = 0,
  ) {
    this.arena = new Int32Array(Math.max(1024, width * 4096));
    this.offsets = width ? null : new Int32Array(4096);
    if (bitmapBits > 0 && (width !== 1 || bitmapBits > MAX_BITMAP_BITS)) throw new Error(`internal: a bitmap needs one-word records of at most ${MAX_BITMAP_BITS} bits`);
    this.bitmap = bitmapBits > 0 ? new Int32Array(Math.max(1, 2 ** bitmapBits / 32)) : null;
    if (this.bitmap) this.slots = new Int32Array(0);
  }


  offset(id: number): number {
    return this.width ? id * this.width : this.offsets![id];
  }

  length(id: number): number {
    if (this.width) return this.width;
    return (id + 1 < this.size ? this.offsets![id + 1] : this.used) - this.offsets![id];
  }

  private equals(id: number, r: Int32Array, len: number): boolean {
    if (this.length(id) !== len) return false;
    const o = this.offset(id);
    const a = this.arena;
    for (let i = 0; i < len; i++) if (a[o + i] !== r[i]) return false;
    return true;
  }

  /** Sink for prefetch reads, so the engine cannot drop them. */
  touched = 0;

  /**
   * Reads the first slot a record of r[pos..pos+len) would probe. Called for
   * a batch of records before interning them, so their cache misses overlap
   * instead of following one another.
   */
  prefetch(r: Int32Array, pos: number, len: number): void {
    if (this.bitmap) {
      this.touched ^= this.bitmap[r[pos] >>> 5];
      return;
    }
    const key = this.width === 1 ? r[pos] : hash(r, pos, len);
    const slot = this.width === 1 ? mix(key) & this.mask : key & this.mask;
    this.touched ^= this.slots[2 * slot];
  }

  /**
   * The id of the record r[0..len), interning it if new and the table holds
   * fewer than `limit` records (NOT_INTERNED otherwise); lastWasNew tells
   * which.
   */
  intern(r: Int32Array, len: number, limit: number): number {
    if (this.bitmap) return this.internBit(r[0], limit);
    const one = this.width === 1;
    const h = one ? mix(r[0]) : hash(r, 0, len);
    const key = one ? r[0] : h;
    const slots = this.slots;
    let slot = h & this.mask;
    for (;;) {
      const v = slots[2 * slot];
      if (v === 0) break;
      if (slots[2 * slot + 1] === key && (one || this.equals(v - 1, r, len))) {
        this.lastWasNew = false;
        return v - 1;
      }
      slot = (slot + 1) & this.mask;
    }
    this.lastWasNew = true;
    if (this.size >= limit) return NOT_INTERNED;
    const id = this.size++;
    if (this.offsets) {
      if (id >= this.offsets.length) {
        const o = new Int32Array(this.offsets.length * 2);
        o.set(this.offsets);
        this.offsets = o;
      }
      this.offsets[id] = this.used;
    }
    if (this.used + len > this.arena.length) {
      let cap = this.arena.length * 2;
      while (cap < this.used + len) cap *= 2;
      const a = new Int32Array(cap);
      a.set(this.arena.subarray(0, this.used));
      this.arena = a;
    }
    const a = this.arena;
    for (let i = 0; i < len; i++) a[this.used + i] = r[i];
    this.used += len;
    slots[2 * slot] = id + 1;
    slots[2 * slot + 1] = key;
    if (this.size * 10 > (this.mask + 1) * 7) this.grow();
    return id;
  }

  /** intern for a bitmap: the record is its own index. */
  internBit(k: number, limit: number): number {
    const w = k >>> 5;
    const bit = 1 << (k & 31);
    if (this.bitmap![w] & bit) {
      this.lastWasNew = false;
      return UNTRACKED;
    }
    this.lastWasNew = true;
    if (this.size >= limit) return NOT_INTERNED;
    this.bitmap![w] |= bit;
    if (this.used + 1 > this.arena.length) {
      const a = new Int32Array(this.arena.length * 2);
      a.set(this.arena.subarray(0, this.used));
      this.arena = a;
    }
    this.arena[this.used++] = k;
    return this.size++;
  }

  private grow(): void {
    const n = (this.mask + 1) * 2;
    const next = new Int32Array(2 * n);
    const mask = n - 1;
    const one = this.width === 1;
    const old = this.slots;
    for (let s = 0; s < old.length; s += 2) {
      const v = old[s];
      if (v === 0) continue;
      const key = old[s + 1];
      let slot = (one ? mix(key) : key) & mask;
      while (next[2 * slot] !== 0) slot = (slot + 1) & mask;
      next[2 * slot] = v;
      next[2 * slot + 1] = key;
    }
    this.slots = next;
    this.mask = mask;
  }

  get bytes(): number {
    return this.arena.byteLength + (this.offsets?.byteLength ?? 0) + this.slots.byteLength + (this.bitmap?.byteLength ?? 0);
  }
}
