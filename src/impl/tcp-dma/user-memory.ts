/**
 * Physical frames and the application's user buffer mapped onto them.
 *
 * The CPU writes through the mapping (copy_to_user); a write to a page that
 * a fork made copy-on-write faults, and do_wp_page gives the writer a fresh
 * frame holding a copy of the old one (the other process keeps the old
 * frame). get_user_pages(write=1) breaks copy-on-write before pinning, so
 * pinned frames are the application's at pin time; DMA writes those frames
 * directly and never faults. The application reads through its mapping.
 */
export class PhysicalMemory {
  readonly frames: Uint8Array[] = [];

  constructor(readonly pageBytes: number) {}

  alloc(from?: Uint8Array): number {
    const f = new Uint8Array(this.pageBytes);
    if (from) f.set(from);
    this.frames.push(f);
    return this.frames.length - 1;
  }
}

export class UserBuffer {
  /** Virtual page -> frame. */
  readonly pageTable: number[] = [];
  /** Virtual page shared copy-on-write with a forked child. */
  private readonly cow: boolean[] = [];
  /** Copy-on-write faults taken (the mapping moved). */
  remaps = 0;

  constructor(
    readonly mem: PhysicalMemory,
    readonly length: number,
  ) {
    for (let p = 0; p * mem.pageBytes < Math.max(length, 1); p++) {
      this.pageTable.push(mem.alloc());
      this.cow.push(false);
    }
  }

  get pages(): number {
    return this.pageTable.length;
  }

  /** Another thread forks: every page of the buffer becomes copy-on-write. */
  fork(): void {
    this.cow.fill(true);
  }

  private breakCow(page: number): void {
    if (!this.cow[page]) return;
    this.pageTable[page] = this.mem.alloc(this.mem.frames[this.pageTable[page]]);
    this.cow[page] = false;
    this.remaps++;
  }

  /** copy_to_user: through the mapping, faulting on copy-on-write pages. Bytes past the buffer are refused. */
  cpuWrite(offset: number, bytes: Uint8Array): void {
    if (offset + bytes.length > this.length) throw new RangeError(`copy_to_user past the buffer: ${offset}+${bytes.length} > ${this.length}`);
    const pb = this.mem.pageBytes;
    for (let i = 0; i < bytes.length; ) {
      const at = offset + i;
      const page = Math.floor(at / pb);
      const n = Math.min(pb - (at % pb), bytes.length - i);
      this.breakCow(page);
      this.mem.frames[this.pageTable[page]].set(bytes.subarray(i, i + n), at % pb);
      i += n;
    }
  }

  /** get_user_pages(write=1) over the whole buffer: the frames DMA will write. */
  pin(): number[] {
    for (let p = 0; p < this.pages; p++) this.breakCow(p);
    return [...this.pageTable];
  }

  /** What the application sees. */
  read(offset: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    const pb = this.mem.pageBytes;
    for (let i = 0; i < n; i++) {
      const at = offset + i;
      out[i] = this.mem.frames[this.pageTable[Math.floor(at / pb)]][at % pb];
    }
    return out;
  }
}
