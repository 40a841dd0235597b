/**
 * Guest physical memory as real ArrayBuffers: pages (4 KiB, or 32 KiB
 * compound pages for the page-frag allocator) with reference counts, freed
 * when the count reaches zero. A guest-physical address is page id × 2^16 +
 * offset, which is what a descriptor carries.
 */
import { KernelFault } from './faults.js';

interface Page {
  readonly bytes: Uint8Array;
  count: number;
}

export const ADDR_PAGE_SHIFT = 65536;

export class PhysMem {
  private readonly pages = new Map<number, Page>();
  private nextId = 1;
  /** Operation counts, for the simulation's accounting. */
  readonly ops = { allocs: 0, allocBytes: 0, compoundAllocs: 0, frees: 0, gets: 0, puts: 0 };

  /** alloc_pages: a fresh zeroed page with one reference. */
  alloc(size: number): number {
    const id = this.nextId++;
    this.pages.set(id, { bytes: new Uint8Array(size), count: 1 });
    this.ops.allocs++;
    this.ops.allocBytes += size;
    if (size > 4096) this.ops.compoundAllocs++;
    return id;
  }

  get(id: number): void {
    this.page(id).count++;
    this.ops.gets++;
  }

  /** put_page: the page goes back to the buddy allocator at zero. */
  put(id: number): void {
    const p = this.page(id);
    if (p.count <= 0) throw new KernelFault('REFCOUNT_UNDERFLOW', `page ${id} put with count ${p.count}`);
    p.count--;
    this.ops.puts++;
    if (p.count === 0) {
      this.pages.delete(id);
      this.ops.frees++;
    }
  }

  count(id: number): number {
    return this.pages.get(id)?.count ?? 0;
  }

  isLive(id: number): boolean {
    return this.pages.has(id);
  }

  bytes(id: number): Uint8Array {
    return this.page(id).bytes;
  }

  size(id: number): number {
    return this.page(id).bytes.length;
  }

  /** Live pages and their counts, by id. */
  live(): [number, number][] {
    return [...this.pages].map(([id, p]) => [id, p.count]);
  }

  addr(id: number, offset: number): number {
    return id * ADDR_PAGE_SHIFT + offset;
  }

  /** Resolves a guest-physical address (as the device does when it maps a descriptor). */
  resolve(addr: number): { id: number; offset: number; bytes: Uint8Array } {
    const id = Math.floor(addr / ADDR_PAGE_SHIFT);
    return { id, offset: addr % ADDR_PAGE_SHIFT, bytes: this.page(id).bytes };
  }

  private page(id: number): Page {
    const p = this.pages.get(id);
    if (!p) throw new KernelFault('USE_AFTER_FREE', `page ${id} is not allocated`);
    return p;
  }
}
