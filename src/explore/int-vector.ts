/**
 * A growable Int32Array: per-state and per-edge tables of the state graph
 * live in typed arrays, so a million states cost megabytes, not the hundreds
 * of megabytes that arrays of objects would.
 */
export class IntVector {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(x: number): number {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length] = x;
    return this.length++;
  }

  get(i: number): number {
    return this.data[i];
  }

  set(i: number, x: number): void {
    if (i >= this.data.length) this.grow(i + 1);
    this.data[i] = x;
    if (i >= this.length) this.length = i + 1;
  }

  /** A view of the filled part (shares memory until the next growth). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }

  get byteLength(): number {
    return this.data.byteLength;
  }

  private grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.data);
    this.data = next;
  }
}

/** A growable bitset, one bit per state. */
export class BitVector {
  private data = new Uint32Array(64);

  set(i: number): void {
    const w = i >>> 5;
    if (w >= this.data.length) {
      let cap = this.data.length * 2;
      while (cap <= w) cap *= 2;
      const next = new Uint32Array(cap);
      next.set(this.data);
      this.data = next;
    }
    this.data[w] |= 1 << (i & 31);
  }

  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.data.length && (this.data[w] & (1 << (i & 31))) !== 0;
  }
}
