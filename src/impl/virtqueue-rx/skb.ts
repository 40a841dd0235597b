/**
 * sk_buffs on real memory. A head allocated by netdev_alloc_skb or
 * alloc_skb(0) is a chunk of a slab: its linear data, then its
 * skb_shared_info (nr_frags, the frag_list link, frags[MAX_SKB_FRAGS] of
 * {page, offset, size}), chunks back to back as netdev_alloc_frag carves
 * them, so writing frags[MAX_SKB_FRAGS] lands in the next chunk as it would
 * in the kernel. A head made by build_skb is the receive page itself, with
 * its shared info at the end of the skb's data area inside that page.
 */
import { GOOD_COPY_LEN_DEFAULT } from './constants.js';
import { KernelFault } from './faults.js';
import type { PhysMem } from './phys-mem.js';

/** skb_shared_info layout: nr_frags u8 @0, frag_list skb id u32 @4, frags @8 + 12·i (page u32, offset u32, size u32). */
export function shinfoSize(maxSkbFrags: number): number {
  return 8 + 12 * maxSkbFrags;
}

export class Shinfo {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  init(): void {
    this.view.setUint8(this.base, 0);
    this.view.setUint32(this.base + 4, 0, true);
  }
  get nrFrags(): number {
    return this.view.getUint8(this.base);
  }
  set nrFrags(n: number) {
    this.view.setUint8(this.base, n);
  }
  get fragList(): number {
    return this.view.getUint32(this.base + 4, true);
  }
  set fragList(id: number) {
    this.view.setUint32(this.base + 4, id, true);
  }
  /** No bounds check, as in the kernel: frags[i] past the array overwrites whatever follows. */
  frag(i: number): { page: number; offset: number; size: number } {
    const at = this.base + 8 + 12 * i;
    if (at + 12 > this.bytes.length) throw new KernelFault('CORRUPT_SKB', `frags[${i}] beyond the allocation`);
    return {
      page: this.view.getUint32(at, true),
      offset: this.view.getUint32(at + 4, true),
      size: this.view.getUint32(at + 8, true),
    };
  }
  setFrag(i: number, page: number, offset: number, size: number): void {
    const at = this.base + 8 + 12 * i;
    if (at + 12 > this.bytes.length) throw new KernelFault('CORRUPT_SKB', `frags[${i}] beyond the slab`);
    this.view.setUint32(at, page, true);
    this.view.setUint32(at + 4, offset, true);
    this.view.setUint32(at + 8, size, true);
  }
}

/** The head slab: fixed chunks of data + shared info, lowest free chunk first. */
export class HeadSlab {
  readonly chunk: number;
  readonly dataCap: number;
  private readonly bytes: Uint8Array;
  private readonly free: boolean[];

  constructor(
    readonly maxSkbFrags: number,
    chunks = 4096,
    goodCopyLen = GOOD_COPY_LEN_DEFAULT,
  ) {
    this.dataCap = Math.max(goodCopyLen, 0) + 64;
    this.chunk = this.dataCap + shinfoSize(maxSkbFrags);
    this.bytes = new Uint8Array(this.chunk * chunks);
    this.free = new Array<boolean>(chunks).fill(true);
  }

  alloc(): number {
    const i = this.free.indexOf(true);
    if (i < 0) throw new RangeError('head slab exhausted');
    this.free[i] = false;
    return i;
  }

  release(i: number): void {
    if (this.free[i]) throw new KernelFault('REFCOUNT_UNDERFLOW', `head chunk ${i} freed twice`);
    this.free[i] = true;
  }

  data(i: number): Uint8Array {
    return this.bytes.subarray(i * this.chunk, i * this.chunk + this.dataCap);
  }

  shinfo(i: number): Shinfo {
    return new Shinfo(this.bytes, i * this.chunk + this.dataCap);
  }
}

export type SkbHead =
  | { readonly kind: 'slab'; readonly chunk: number }
  | { readonly kind: 'page'; readonly page: number; readonly offset: number };

/** A buffer the skb took over, for the abstraction (the kernel does not keep this list). */
export interface SkbBuf {
  readonly p: number;
  readonly o: number;
  readonly end: number;
  readonly ref: 0 | 1;
}

export class SkBuff {
  /** Linear bytes in the head: for a slab head they start at 0 of the chunk's data; for build_skb at `linearOff` in the page. */
  linearLen = 0;
  linearOff = 0;
  len = 0;
  truesize = 0;
  /** The 12-byte header, as page_to_skb copies it into skb->cb. */
  readonly cb = new Uint8Array(12);
  /** Next skb on the head's frag_list. */
  next: SkBuff | null = null;
  /** Instrumentation for the abstraction: memory really pinned, and the buffers taken over. */
  held = 0;
  readonly bufs: SkbBuf[] = [];

  constructor(
    readonly id: number,
    readonly head: SkbHead,
    readonly shinfo: Shinfo,
  ) {}
}

/** Where skbs live, so that a frag_list link (an id in shared info) can be followed. */
export class SkbRegistry {
  private readonly skbs = new Map<number, SkBuff>();
  private nextId = 1;
  /** Operation counts, for the simulation's accounting. */
  readonly ops = { slabAllocs: 0, builds: 0 };
  constructor(
    readonly mem: PhysMem,
    readonly slab: HeadSlab,
  ) {}

  /** netdev_alloc_skb / alloc_skb(0): a slab head. */
  allocSlab(): SkBuff {
    const chunk = this.slab.alloc();
    this.ops.slabAllocs++;
    const sh = this.slab.shinfo(chunk);
    sh.init();
    return this.add(new SkBuff(this.nextId++, { kind: 'slab', chunk }, sh));
  }

  /** build_skb(page_address(page), skb_size): the head is the page; shared info at the end of the data area. */
  buildOnPage(page: number, offset: number, dataArea: number): SkBuff {
    const sh = new Shinfo(this.mem.bytes(page), offset + dataArea);
    this.ops.builds++;
    sh.init();
    return this.add(new SkBuff(this.nextId++, { kind: 'page', page, offset }, sh));
  }

  byId(id: number): SkBuff {
    const s = this.skbs.get(id);
    if (!s) throw new KernelFault('CORRUPT_SKB', `frag_list points at skb ${id}, which does not exist`);
    return s;
  }

  /** The skb and its frag_list members, in order. */
  chain(skb: SkBuff): SkBuff[] {
    const out = [skb];
    const first = skb.shinfo.fragList;
    for (let s: SkBuff | null = first ? this.byId(first) : null; s; s = s.next) {
      if (out.length > 1024) throw new KernelFault('CORRUPT_SKB', 'frag_list loops');
      out.push(s);
    }
    return out;
  }

  /** skb's bytes as the stack reads them: linear data, frags, then each frag_list skb's frags. */
  linearize(skb: SkBuff): Uint8Array {
    const parts: Uint8Array[] = [];
    for (const s of this.chain(skb)) {
      if (s.linearLen > 0) {
        const src = s.head.kind === 'slab' ? this.slab.data(s.head.chunk) : this.mem.bytes(s.head.page);
        parts.push(src.subarray(s.linearOff, s.linearOff + s.linearLen));
      }
      const n = s.shinfo.nrFrags;
      for (let i = 0; i < n; i++) {
        const f = s.shinfo.frag(i);
        const bytes = this.mem.bytes(f.page);
        if (f.offset + f.size > bytes.length) throw new KernelFault('CORRUPT_SKB', `frag ${i} runs past its page`);
        parts.push(bytes.subarray(f.offset, f.offset + f.size));
      }
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** kfree_skb: drop every frag's page reference, free the heads, then the frag_list. */
  free(skb: SkBuff): void {
    for (const s of this.chain(skb)) {
      const n = s.shinfo.nrFrags;
      for (let i = 0; i < n; i++) this.mem.put(s.shinfo.frag(i).page);
      if (s.head.kind === 'slab') this.slab.release(s.head.chunk);
      else this.mem.put(s.head.page);
      this.skbs.delete(s.id);
    }
  }

  private add(s: SkBuff): SkBuff {
    this.skbs.set(s.id, s);
    return s;
  }
}
