/**
 * A DMA_MEMCPY channel (Intel I/OAT, ioat2): descriptors are submitted with
 * a cookie, handed to the hardware by issue_pending (or by the driver once
 * more than ioat_pending_level wait), and completed in cookie order; the
 * bytes move when the engine runs a descriptor, not when it is submitted.
 * Completion is tested as include/linux/dmaengine.h does, wrap-safe.
 */
import type { PhysicalMemory } from './user-memory.js';

/** Bytes to move into one frame. The engine reads `src` when it runs (the skb must still exist). */
export interface Piece {
  readonly src: Uint8Array;
  readonly frame: number;
  readonly frameOffset: number;
}

export interface Descriptor {
  readonly cookie: number;
  readonly pieces: readonly Piece[];
}

/** dma_async_is_complete(cookie, last_complete, last_used). */
export function dmaAsyncIsComplete(cookie: number, lastComplete: number, lastUsed: number): boolean {
  if (lastComplete <= lastUsed) return cookie <= lastComplete || cookie > lastUsed;
  return cookie <= lastComplete && cookie > lastUsed;
}

export class DmaChannel {
  private pending: Descriptor[] = [];
  private issued: Descriptor[] = [];
  lastUsed = 0;
  lastComplete = 0;
  /** Descriptors run so far. */
  completedCount = 0;

  constructor(
    private readonly mem: PhysicalMemory,
    readonly pendingLevel: number,
  ) {}

  /** tx_submit: a new cookie; ioat2_update_pending issues past the threshold. */
  submit(pieces: readonly Piece[]): number {
    const cookie = ++this.lastUsed;
    this.pending.push({ cookie, pieces });
    if (this.pending.length > this.pendingLevel) this.issuePending();
    return cookie;
  }

  issuePending(): void {
    this.issued.push(...this.pending);
    this.pending = [];
  }

  get outstanding(): number {
    return this.pending.length + this.issued.length;
  }

  /** Whether the hardware has a descriptor to run. */
  get canComplete(): boolean {
    return this.issued.length > 0;
  }

  /** The engine runs the oldest issued descriptor. */
  completeOne(): void {
    const d = this.issued.shift();
    if (!d) throw new Error('no issued descriptor to complete');
    for (const p of d.pieces) this.mem.frames[p.frame].set(p.src, p.frameOffset);
    this.lastComplete = d.cookie;
    this.completedCount++;
  }

  isComplete(cookie: number): boolean {
    return dmaAsyncIsComplete(cookie, this.lastComplete, this.lastUsed);
  }
}
