/**
 * The driver's buffer supply on real pages: rq->pages and get_a_page (≤3.12),
 * the page-frag allocator with the hole rule (≥2613af0e), add_recvbuf_mergeable
 * and try_fill_recv, with allocation failures injected by the caller.
 */
import type { Behaviour } from '../../../models/virtqueue-rx/behaviour.js';
import { ewmaBufferLen } from './sizes.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import type { PhysMem } from './phys-mem.js';
import type { VirtqueueDriver } from './vring.js';

/** What the driver stores as the virtqueue token (vq->data[id]): the buffer and the truesize hint 3.14 keeps in its pointer bits. */
export interface RxBuf {
  readonly page: number;
  readonly offset: number;
  /** Bytes offered to the device (hole included). */
  readonly size: number;
  /** Truesize hint: the posted length without the hole. */
  readonly ts: number;
}

export class BufferSupply {
  /** rq->pages: pages given back, most recent first. */
  readonly pool: number[] = [];
  /** rq->alloc_frag. */
  frag: { page: number; offset: number; size: number } | null = null;
  /** rq->max (≤3.13). */
  max = 0;
  /** rq->mrg_avg_pkt_len internal value (3.14). */
  ewma = 0;

  constructor(
    private readonly b: Behaviour,
    private readonly p: VirtqueueRxParams,
    private readonly mem: PhysMem,
  ) {}

  /** give_pages: a page back on rq->pages, keeping its reference. */
  givePage(page: number): void {
    this.pool.unshift(page);
  }

  private getAPage(): number {
    return this.pool.length > 0 ? this.pool.shift()! : this.mem.alloc(this.p.pageSize);
  }

  /** The length add_recvbuf_mergeable asks the allocator for (before any hole). */
  bufferLen(): number {
    switch (this.b.bufLen) {
      case 'page':
        return this.p.pageSize;
      case 'max-packet-len':
        return this.p.goodPacketLen;
      case 'merge-buffer-len':
        return this.p.mergeBufferLen;
      case 'ewma':
        return ewmaBufferLen(this.ewma, this.p);
    }
  }

  private pageFragRefill(len: number): void {
    const f = this.frag;
    if (f) {
      if (this.mem.count(f.page) === 1) {
        f.offset = 0;
        return;
      }
      if (f.offset + len <= f.size) return;
      this.mem.put(f.page);
      this.frag = null;
    }
    const size = this.p.pageFragSize;
    this.frag = { page: this.mem.alloc(size), offset: 0, size };
  }

  /** add_recvbuf_mergeable's allocation: one buffer (the caller posts it). */
  private carve(): RxBuf {
    if (this.b.buffers === 'page') {
      const page = this.getAPage();
      return { page, offset: 0, size: this.p.pageSize, ts: this.p.pageSize };
    }
    const len = this.bufferLen();
    this.pageFragRefill(len);
    const f = this.frag!;
    const offset = f.offset;
    this.mem.get(f.page);
    let size = len;
    if (this.b.fragOffsetAdvances) {
      f.offset += len;
      const hole = f.size - f.offset;
      if (this.b.holeToLastBuffer && hole < len) {
        size += hole;
        f.offset += hole;
      }
    }
    return { page: f.page, offset, size, ts: len };
  }

  /**
   * try_fill_recv: add buffers until num_free is 0; when `failAfter` is a
   * number, the allocation after that many buffers fails. Returns false on
   * -ENOMEM (the caller schedules or re-arms refill_work).
   */
  fill(vq: VirtqueueDriver<RxBuf>, failAfter: number | null = null): boolean {
    let posted = 0;
    let oom = false;
    while (vq.numFree > 0) {
      if (failAfter !== null && posted === failAfter) {
        oom = true;
        break;
      }
      const buf = this.carve();
      vq.addInbuf(this.mem.addr(buf.page, buf.offset), buf.size, buf);
      posted++;
    }
    const num = vq.ring.num - vq.numFree;
    if (num > this.max) this.max = num;
    return !oom;
  }
}
