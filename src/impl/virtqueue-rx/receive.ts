/**
 * receive_buf on real bytes: page_to_skb (copy GOOD_COPY_LEN, or the seed's
 * build_skb on the page), then receive_mergeable over the next num_buffers − 1
 * used entries, read from the header the device wrote, with each version's
 * frag limit, coalescing, truesize and error path.
 */
import {
  GOOD_PACKET_LEN,
  MIN_RX_LEN,
  NSKB_TRUESIZE,
  NUM_BUFFERS_OFFSET,
  PAGE_SIZE,
  SKB_SHINFO_SIZE,
  SKB_STRUCT_SIZE,
  VNET_HDR_MRG_LEN,
  buildSkbSize,
  buildSkbTruesize,
  ewmaAdd,
  headSkbTruesize,
} from '../../../models/virtqueue-rx/kernel.js';
import type { Behaviour } from '../../../models/virtqueue-rx/behaviour.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import type { PhysMem } from './phys-mem.js';
import type { BufferSupply, RxBuf } from './refill.js';
import type { SkBuff, SkbRegistry } from './skb.js';
import type { VirtqueueDriver } from './vring.js';

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

function truesizeOf(b: Behaviour, buf: RxBuf, len: number): number {
  if (b.truesize === 'page-size') return PAGE_SIZE;
  if (b.truesize === 'max-packet-len') return GOOD_PACKET_LEN;
  return Math.max(len, buf.ts);
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
  const data = len - VNET_HDR_MRG_LEN;
  const skbSize = buildSkbSize(len);
  if (b.buildSkb && data > p.goodCopyLen && skbSize <= PAGE_SIZE) {
    if (fail) return null;
    const skb = skbs.buildOnPage(buf.page, buf.offset, skbSize - SKB_SHINFO_SIZE);
    skb.cb.set(page.subarray(buf.offset, buf.offset + VNET_HDR_MRG_LEN));
    skb.linearOff = buf.offset + VNET_HDR_MRG_LEN;
    skb.linearLen = data;
    skb.len = data;
    skb.truesize = buildSkbTruesize(skbSize);
    skb.held = SKB_STRUCT_SIZE + buf.size;
    skb.bufs.push({ p: buf.page, o: buf.offset, end: buf.offset + len, ref: 1 });
    // The seed's `if (page && !frag) give_pages(rq, page)`; the bug drops `&& !frag`.
    if (b.givePageAfterBuildSkb) x.supply.givePage(buf.page);
    return skb;
  }
  if (fail) return null;
  const skb = skbs.allocSlab();
  skb.cb.set(page.subarray(buf.offset, buf.offset + VNET_HDR_MRG_LEN));
  const copy = Math.min(data, p.goodCopyLen);
  const chunk = (skb.head as { chunk: number }).chunk;
  const from = buf.offset + VNET_HDR_MRG_LEN;
  skbs.slab.data(chunk).set(page.subarray(from, from + copy));
  skb.linearLen = copy;
  skb.len = copy;
  skb.truesize = skb.held = headSkbTruesize(p.goodCopyLen);
  const rest = data - copy;
  if (rest > 0) {
    skb.shinfo.setFrag(0, buf.page, buf.offset + VNET_HDR_MRG_LEN + copy, rest);
    skb.shinfo.nrFrags = 1;
    skb.len += rest;
    skb.truesize += truesizeOf(b, buf, len);
    skb.held += buf.size;
    skb.bufs.push({ p: buf.page, o: buf.offset, end: buf.offset + len, ref: 1 });
  } else {
    release(x, buf);
  }
  return skb;
}

/** receive_buf for the next used entry. Returns the delivered skb, or null when the packet was dropped. */
export function receiveBuf(x: RxContext, faults: ArmedFaults): SkBuff | null {
  const { b, p, mem, vq, skbs, stats } = x;
  const first = vq.getBuf();
  if (!first) return null;
  const { token: head, len } = first;
  if (len < MIN_RX_LEN) {
    stats.rxLengthErrors++;
    release(x, head);
    return null;
  }
  // The kernel reads num_buffers as an int and loops `while (--num_buf)`.
  let numBuf = new DataView(mem.bytes(head.page).buffer).getUint16(head.offset + NUM_BUFFERS_OFFSET, true);
  const drain = () => {
    while (--numBuf !== 0) {
      const r = vq.getBuf();
      if (!r) {
        stats.rxLengthErrors++;
        break;
      }
      mem.put(r.token.page);
    }
  };
  const failHead = faults.head;
  faults.head = false;
  const skb = pageToSkb(x, head, len, failHead);
  if (!skb) {
    stats.rxDropped++;
    if (b.drainOnError) {
      mem.put(head.page);
      drain();
    } else {
      release(x, head);
    }
    return null;
  }

  let curr = skb;
  const dropSkb = () => skbs.free(skb);
  while (--numBuf !== 0) {
    const nr = curr.shinfo.nrFrags;
    if (b.pastMaxFrags === 'drop' && nr >= p.maxSkbFrags) {
      stats.rxLengthErrors++;
      dropSkb();
      if (b.drainOnError) drain();
      return null;
    }
    const r = vq.getBuf();
    if (!r) {
      stats.rxLengthErrors++;
      dropSkb();
      return null;
    }
    const buf = r.token;
    let slot = curr.shinfo.nrFrags;
    if (b.pastMaxFrags === 'frag-list' && slot === p.maxSkbFrags) {
      if (faults.nskb) {
        faults.nskb = false;
        stats.rxDropped++;
        if (b.drainOnError) {
          mem.put(buf.page);
          drain();
        }
        dropSkb();
        return null;
      }
      const nskb = skbs.allocSlab();
      if (curr === skb) skb.shinfo.fragList = nskb.id;
      else curr.next = nskb;
      curr = nskb;
      skb.truesize += NSKB_TRUESIZE;
      skb.held += NSKB_TRUESIZE;
      slot = 0;
    }
    const ts = truesizeOf(b, buf, r.len);
    skb.len += r.len;
    skb.truesize += ts;
    skb.held += buf.size;
    const prev = slot > 0 ? curr.shinfo.frag(slot - 1) : null;
    if (b.coalesce && prev && prev.page === buf.page && prev.offset + prev.size === buf.offset) {
      mem.put(buf.page);
      curr.shinfo.setFrag(slot - 1, prev.page, prev.offset, prev.size + r.len);
      skb.bufs.push({ p: buf.page, o: buf.offset, end: buf.offset + r.len, ref: 0 });
    } else {
      curr.shinfo.setFrag(slot, buf.page, buf.offset, r.len);
      curr.shinfo.nrFrags = slot + 1;
      skb.bufs.push({ p: buf.page, o: buf.offset, end: buf.offset + r.len, ref: 1 });
    }
  }
  if (b.bufLen === 'ewma') x.supply.ewma = ewmaAdd(x.supply.ewma, skb.len);
  stats.rxPackets++;
  return skb;
}
