/**
 * A connected-mode receive buffer: the linear head (IPOIB_CM_HEAD_SIZE
 * bytes) and IPOIB_CM_RX_SG - 1 pages, DMA-mapped for the HCA, which
 * scatters an incoming packet across them in order (ipoib_cm_alloc_rx_skb,
 * ipoib_cm_init_rx_wr). Memory is real: a Uint8Array per segment, so a
 * buffer handed back to the HCA too early really is overwritten.
 */
import { IPOIB_CM_HEAD_SIZE, IPOIB_CM_RX_SG, PAGE_SIZE } from './constants.js';

export class RxBuffer {
  private constructor(
    readonly head: Uint8Array,
    readonly pages: Uint8Array[],
  ) {}

  /** A fresh buffer: new head and a full set of new pages (ipoib_cm_alloc_rx_skb at init). */
  static fresh(): RxBuffer {
    return new RxBuffer(new Uint8Array(IPOIB_CM_HEAD_SIZE), Array.from({ length: IPOIB_CM_RX_SG - 1 }, () => new Uint8Array(PAGE_SIZE)));
  }

  /** Pages a packet of byte_len fills beyond the head: PAGE_ALIGN(byte_len - min(byte_len, HEAD_SIZE)) / PAGE_SIZE. */
  static fragsFor(byteLen: number): number {
    return Math.ceil((byteLen - Math.min(byteLen, IPOIB_CM_HEAD_SIZE)) / PAGE_SIZE);
  }

  /**
   * The replacement for a buffer whose first `frags` pages carry a packet up
   * the stack: a new head and `frags` new pages; the unused pages stay
   * (skb_put_frags moves them to the new skb).
   */
  replacement(frags: number): RxBuffer {
    const fresh = Array.from({ length: frags }, () => new Uint8Array(PAGE_SIZE));
    return new RxBuffer(new Uint8Array(IPOIB_CM_HEAD_SIZE), [...fresh, ...this.pages.slice(frags)]);
  }

  /** The HCA writes a packet: the head first, then page after page. */
  scatter(frame: Uint8Array): void {
    if (frame.length > IPOIB_CM_HEAD_SIZE + this.pages.length * PAGE_SIZE) throw new RangeError(`packet of ${frame.length} bytes does not fit a receive buffer`);
    this.head.set(frame.subarray(0, IPOIB_CM_HEAD_SIZE));
    for (let off = IPOIB_CM_HEAD_SIZE, i = 0; off < frame.length; off += PAGE_SIZE, i++) {
      this.pages[i].set(frame.subarray(off, Math.min(off + PAGE_SIZE, frame.length)));
    }
  }

  /** skb_copy_from_linear_data: the copybreak copy, from the linear head only. */
  copyFromHead(byteLen: number): Uint8Array {
    if (byteLen > IPOIB_CM_HEAD_SIZE) throw new RangeError('copybreak copies from the linear head only (BUILD_BUG_ON(IPOIB_CM_COPYBREAK > IPOIB_CM_HEAD_SIZE))');
    return this.head.slice(0, byteLen);
  }

  /**
   * The packet as the skb that goes up the stack holds it, without copying:
   * views of the head and of the used pages (skb_put_frags).
   */
  segments(byteLen: number): Uint8Array[] {
    const out = [this.head.subarray(0, Math.min(byteLen, IPOIB_CM_HEAD_SIZE))];
    for (let off = IPOIB_CM_HEAD_SIZE, i = 0; off < byteLen; off += PAGE_SIZE, i++) {
      out.push(this.pages[i].subarray(0, Math.min(PAGE_SIZE, byteLen - off)));
    }
    return out;
  }
}

/** Concatenates segments (what recvmsg does when it copies an skb to the user). */
export function linearize(segments: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(segments.reduce((n, s) => n + s.length, 0));
  let off = 0;
  for (const s of segments) {
    out.set(s, off);
    off += s.length;
  }
  return out;
}
