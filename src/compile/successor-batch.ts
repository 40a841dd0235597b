/**
 * A state's successors, batched in event order: fixed-width records, their
 * event numbers, and the context object when the generic path built one.
 * Interning them together lets their hash probes be prefetched as a group,
 * so the cache misses of a state's 3-4 successors overlap.
 */
import type { RecordTable } from './table.js';

export class SuccessorBatch {
  private recs = new Int32Array(64);
  private ks = new Int32Array(16);
  private contexts: unknown[] = [];
  size = 0;

  constructor(private readonly width: number) {}

  /** Appends the record rec[0..width) as the successor of event k. */
  add(k: number, rec: Int32Array, context: unknown): void {
    const W = this.width;
    const b = this.size++;
    if (this.recs.length < (b + 1) * W || this.ks.length <= b) {
      const recs = new Int32Array(2 * (b + 1) * W);
      recs.set(this.recs.subarray(0, b * W));
      this.recs = recs;
      const ks = new Int32Array(2 * (b + 1));
      ks.set(this.ks.subarray(0, b));
      this.ks = ks;
    }
    for (let i = 0; i < W; i++) this.recs[b * W + i] = rec[i];
    this.ks[b] = k;
    if (context !== undefined || this.contexts.length > b) this.contexts[b] = context;
  }

  /**
   * Touches every record's first slot, then hands each back in order:
   * copied into `out`, with its event number and context.
   */
  drain(table: RecordTable, out: Int32Array, each: (k: number, context: unknown) => void): void {
    const W = this.width;
    const n = this.size;
    this.size = 0;
    for (let b = 0; b < n; b++) table.prefetch(this.recs, b * W, W);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < W; i++) out[i] = this.recs[b * W + i];
      const context = b < this.contexts.length ? this.contexts[b] : undefined;
      if (b < this.contexts.length) this.contexts[b] = undefined;
      each(this.ks[b], context);
    }
  }
}
