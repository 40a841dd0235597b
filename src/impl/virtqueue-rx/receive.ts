/**
 * receive_buf on real bytes: page_to_skb (copy GOOD_COPY_LEN, or the seed's
 * build_skb on the page), then receive_mergeable over the next num_buffers − 1
 * used entries, read from the header the device wrote, with each version's
 * frag limit, coalescing, truesize and error path.
 */
import type { Behaviour } from '../../../models/virtqueue-rx/behaviour.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import type { PhysMem } from './phys-mem.js';
import type { BufferSupply, RxBuf } from './refill.js';
import type { SkBuff, SkbRegistry } from './skb.js';
import type { VirtqueueDriver } from './vring.js';
import {
  FRAG_LIST_SKB_TRUESIZE,
  HDR_MRG,
  NUM_BUFFERS_AT,
  SHARED_INFO,
  SHORT_PACKET,
  buildSkbBytes,
  buildSkbCharge,
  copySkbTruesize,
  ewmaAddSample,
} from './sizes.js';

/** Allocation failures armed by the environment; each is consumed when that allocation is attempted. */
export interface ArmedFaults {
  head: boolean;
  nskb: boolean;
}

export interface RxStats {
  rxPackets: number;
  rxDropped: number;
  rxLengthErrors: number;
}

export interface RxContext {
  readonly b: Behaviour;
  readonly p: VirtqueueRxParams;
  readonly mem: PhysMem;
  readonly vq: VirtqueueDriver<RxBuf>;
  readonly supply: BufferSupply;
  readonly skbs: SkbRegistry;
  readonly stats: RxStats;
}

/** The truesize each version passes to skb_add_rx_frag for one buffer. */
function truesizeOf(x: RxContext, buf: RxBuf, len: number): number {
  switch (x.b.truesize) {
    case 'page-size':
      return x.p.pageSize;
    case 'max-packet-len':
      return x.p.goodPacketLen;
    case 'posted':
      return buf.ts;
    case 'max-len-posted':
      return Math.max(len, buf.ts);
  }
}

/** ≤3.12 gives a whole page back to rq->pages; a page frag is put. */
function release(x: RxContext, buf: RxBuf): void {
  if (x.b.buffers === 'page') x.supply.givePage(buf.page);
  else x.mem.put(buf.page);
}

/** page_to_skb: the head skb for the first buffer, or null when its allocation fails. */
function pageToSkb(x: RxContext, buf: RxBuf, len: number, fail: boolean): SkBuff | null {
  const { b, p, mem, skbs } = x;
  const page = mem.bytes(buf.page);
  const data = len - HDR_MRG;
  const skbSize = buildSkbBytes(len);
  if (b.buildSkb && data > p.goodCopyLen && skbSize <= p.pageSize) {
    if (fail) return null;
    const skb = skbs.buildOnPage(buf.page, buf.offset, skbSize - SHARED_INFO);
    skb.cb.set(page.subarray(buf.offset, buf.offset + HDR_MRG));
    skb.linearOff = buf.offset + HDR_MRG;
    skb.linearLen = data;
    skb.len = data;
    skb.truesize = buildSkbCharge(skbSize);
    // Memory pinned: the sk_buff (as build_skb charges it) and the whole buffer.
    skb.held = buildSkbCharge(0) + buf.size;
    skb.bufs.push({ p: buf.page, o: buf.offset, end: buf.offset + len, ref: 1 });
    // The seed's `if (page && !frag) give_pages(rq, page)`; the bug drops `&& !frag`.
    if (b.givePageAfterBuildSkb) x.supply.givePage(buf.page);
    return skb;
  }
  if (fail) return null;
  const skb = skbs.allocSlab();
  skb.cb.set(page.subarray(buf.offset, buf.offset + HDR_MRG));
  const copy = Math.min(data, p.goodCopyLen);
  const chunk = (skb.head as { chunk: number }).chunk;
  const from = buf.offset + HDR_MRG;
  skbs.slab.data(chunk).set(page.subarray(from, from + copy));
  skb.linearLen = copy;
  skb.len = copy;
  skb.truesize = skb.held = copySkbTruesize(p.goodCopyLen);
  const rest = data - copy;
  if (rest > 0) {
    skb.shinfo.setFrag(0, buf.page, buf.offset + HDR_MRG + copy, rest);
    skb.shinfo.nrFrags = 1;
    skb.len += rest;
    skb.truesize += truesizeOf(x, buf, len);
    skb.held += buf.size;
    skb.bufs.push({ p: buf.page, o: buf.offset, end: buf.offset + len, ref: 1 });
  } else {
    release(x, buf);
  }
  return skb;
}

/**
 * receive_buf for the next used entry, as the kernel writes it: num_buffers
 * is whatever the buffer's bytes 10–11 hold (payload, for a buffer stranded
 * in the middle of a packet) and is an int, so 0 makes `while (--num_buf)`
 * run until the used entries run out. Returns the delivered skb, or null
 * when nothing was delivered.
 */
export function receiveBuf(x: RxContext, faults: ArmedFaults): SkBuff | null {
  const { b, p, mem, vq, skbs, stats } = x;
  const first = vq.getBuf();
  if (!first) return null;
  const { token: head, len } = first;
  if (len < SHORT_PACKET) {
    stats.rxLengthErrors++;
    release(x, head);
    return null;
  }
  let numBuf = new DataView(mem.bytes(head.page).buffer).getUint16(head.offset + NUM_BUFFERS_AT, true);
  const more = () => (b.numBufLoop === 'pre-decrement' ? --numBuf !== 0 : numBuf-- !== 0);
  // err_skb's drain, always `while (--num_buf)`; err_buf counts rx_dropped.
  const errSkb = () => {
    while (--numBuf !== 0) {
      const r = vq.getBuf();
      if (!r) {
        stats.rxLengthErrors++;
        break;
      }
      mem.put(r.token.page);
    }
    stats.rxDropped++;
  };
  const failHead = faults.head;
  faults.head = false;
  const skb = pageToSkb(x, head, len, failHead);
  if (!skb) {
    if (b.drainOnError) {
      mem.put(head.page);
      errSkb();
    } else {
      stats.rxDropped++;
      release(x, head);
    }
    return null;
  }

  let curr = skb;
  const dropSkb = () => skbs.free(skb);
  while (more()) {
    const nr = curr.shinfo.nrFrags;
    if (b.pastMaxFrags === 'drop' && nr >= p.maxSkbFrags) {
      // ≤3.12 "packet too long": receive_mergeable returns -EINVAL, receive_buf frees the skb.
      stats.rxLengthErrors++;
      dropSkb();
      if (b.drainOnError) errSkb();
      return null;
    }
    const r = vq.getBuf();
    if (!r) {
      // "rx error: %d buffers out of %d missing": rx_length_errors; from 3.13 err_buf also counts rx_dropped.
      stats.rxLengthErrors++;
      if (b.drainOnError) stats.rxDropped++;
      dropSkb();
      return null;
    }
    const buf = r.token;
    let slot = curr.shinfo.nrFrags;
    if (b.pastMaxFrags === 'frag-list' && slot === p.maxSkbFrags) {
      if (faults.nskb) {
        faults.nskb = false;
        if (b.drainOnError) {
          mem.put(buf.page);
          errSkb();
        } else {
          // 2613af0e: -ENOMEM with rx_dropped; the buffer just fetched is neither attached nor put.
          stats.rxDropped++;
        }
        dropSkb();
        return null;
      }
      const nskb = skbs.allocSlab();
      if (curr === skb) skb.shinfo.fragList = nskb.id;
      else curr.next = nskb;
      curr = nskb;
      skb.truesize += FRAG_LIST_SKB_TRUESIZE;
      skb.held += FRAG_LIST_SKB_TRUESIZE;
      slot = 0;
    }
    const ts = truesizeOf(x, buf, r.len);
    skb.len += r.len;
    skb.held += buf.size;
    const prev = slot > 0 ? curr.shinfo.frag(slot - 1) : null;
    if (b.coalesce && prev && prev.page === buf.page && prev.offset + prev.size === buf.offset) {
      // skb_coalesce_rx_frag; the seeded bug grows the frag without the truesize.
      if (b.coalesceCharges) skb.truesize += ts;
      mem.put(buf.page);
      curr.shinfo.setFrag(slot - 1, prev.page, prev.offset, prev.size + r.len);
      skb.bufs.push({ p: buf.page, o: buf.offset, end: buf.offset + r.len, ref: 0 });
    } else {
      skb.truesize += ts;
      curr.shinfo.setFrag(slot, buf.page, buf.offset, r.len);
      curr.shinfo.nrFrags = slot + 1;
      skb.bufs.push({ p: buf.page, o: buf.offset, end: buf.offset + r.len, ref: 1 });
    }
  }
  if (b.bufLen === 'ewma') x.supply.ewma = ewmaAddSample(x.supply.ewma, skb.len);
  stats.rxPackets++;
  return skb;
}
