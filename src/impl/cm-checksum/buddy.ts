/**
 * A binary buddy allocator over a fixed number of 4 KB pages, as
 * mm/page_alloc.c keeps free memory: one free list per order, a block of
 * order k is 2^k pages aligned to its size, an allocation splits the
 * smallest free block that fits, and a freed block merges with its buddy
 * whenever the buddy is free. Free lists are searched lowest address first
 * so runs are deterministic (the kernel takes the list head).
 */
export interface Block {
  readonly start: number;
  readonly order: number;
}

export class BuddyAllocator {
  readonly maxOrder: number;
  private readonly freeLists: Set<number>[];
  private readonly used = new Map<number, number>();
  private free = 0;

  /** `merge: false` is a seeded fault (freed blocks never coalesce), for tests that must catch it. */
  constructor(
    readonly pages: number,
    private readonly merge = true,
  ) {
    if (!Number.isInteger(Math.log2(pages)) || pages < 1) throw new RangeError(`pages must be a power of two, not ${pages}`);
    this.maxOrder = Math.log2(pages);
    this.freeLists = Array.from({ length: this.maxOrder + 1 }, () => new Set<number>());
    this.freeLists[this.maxOrder].add(0);
    this.free = pages;
  }

  get freePages(): number {
    return this.free;
  }

  /** The largest order with a free block, or -1 when memory is exhausted. */
  get largestFreeOrder(): number {
    for (let o = this.maxOrder; o >= 0; o--) if (this.freeLists[o].size > 0) return o;
    return -1;
  }

  /** Free blocks per order (for reports and tests). */
  freeBlocks(): number[] {
    return this.freeLists.map((l) => l.size);
  }

  alloc(order: number): Block | null {
    if (order < 0 || order > this.maxOrder) return null;
    let o = order;
    while (o <= this.maxOrder && this.freeLists[o].size === 0) o++;
    if (o > this.maxOrder) return null;
    let start = Infinity;
    for (const s of this.freeLists[o]) if (s < start) start = s;
    this.freeLists[o].delete(start);
    // Split down to the requested order, keeping the lower half, freeing the upper buddy.
    while (o > order) {
      o--;
      this.freeLists[o].add(start + (1 << o));
    }
    this.used.set(start, order);
    this.free -= 1 << order;
    return { start, order };
  }

  release(block: Block): void {
    if (this.used.get(block.start) !== block.order) {
      throw new Error(`freeing a block that is not allocated: page ${block.start}, order ${block.order}`);
    }
    this.used.delete(block.start);
    this.free += 1 << block.order;
    let start = block.start;
    let o = block.order;
    while (this.merge && o < this.maxOrder) {
      const buddy = start ^ (1 << o);
      if (!this.freeLists[o].delete(buddy)) break;
      start = Math.min(start, buddy);
      o++;
    }
    this.freeLists[o].add(start);
  }

  /** Consistency: free and used blocks tile the pages exactly once, and no two free buddies are left unmerged. */
  check(): void {
    const owner = new Uint8Array(this.pages);
    const mark = (start: number, order: number) => {
      if (start % (1 << order) !== 0) throw new Error(`block at ${start} is not aligned to order ${order}`);
      for (let p = start; p < start + (1 << order); p++) {
        if (owner[p]) throw new Error(`page ${p} belongs to two blocks`);
        owner[p] = 1;
      }
    };
    let free = 0;
    this.freeLists.forEach((list, o) => {
      for (const s of list) {
        mark(s, o);
        free += 1 << o;
        if (o < this.maxOrder && list.has(s ^ (1 << o))) throw new Error(`free buddies ${s} and ${s ^ (1 << o)} of order ${o} not merged`);
      }
    });
    for (const [s, o] of this.used) mark(s, o);
    if (owner.some((x) => x === 0)) throw new Error('a page belongs to no block');
    if (free !== this.free) throw new Error(`free count ${this.free} but ${free} pages are on the free lists`);
  }
}
