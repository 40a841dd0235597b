/**
 * Explanations of violations, in the driver's terms: each names the values in
 * the violating state that break the rule (computed here, never assumed from
 * the variant) and what they mean. Every function is total over the model's
 * states: on a state the property accepts it still returns a sentence.
 */
import type { ModelState } from '../../src/model/spec.js';
import type { Ctx, Skb } from '../../models/virtqueue-rx/context.js';
import type { VirtqueueRxParams } from '../../models/virtqueue-rx/params.js';
import { MIN_RX_LEN, VNET_HDR_MRG_LEN, u16Distance } from '../../models/virtqueue-rx/kernel.js';
import { expectedRefs, owners } from './invariants.js';

type S = ModelState<Ctx>;
type P = VirtqueueRxParams;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** Who holds a reference to page `p`: ring entries, skbs that kept theirs, rq->pages, the frag allocator. */
function refHolders(c: Ctx, p: number): string[] {
  const out: string[] = [];
  c.ring.forEach((e, i) => e.p === p && out.push(e.len > 0 ? `used[${i}]` : `avail[${i}]`));
  c.sock.forEach((s, i) => s.bufs.forEach((b) => b.p === p && b.ref === 1 && out.push(`skb[${i}]`)));
  c.pool.forEach((q) => q === p && out.push('rq->pages'));
  if (c.frag?.p === p) out.push('the page-frag allocator');
  return out;
}

export function explainOneOwner({ context: c }: S): string {
  for (const [key, who] of owners(c)) {
    if (who.length > 1) {
      const [page, off] = key.split(':');
      return `the buffer at page ${page} offset ${off} has ${who.length} owners (${list(who)}): each will hand it on or free it, so the device can write a packet into bytes another holder still reads`;
    }
  }
  const refs = expectedRefs(c);
  if (refs.length !== c.pages.length) {
    const ghosts = refs.map((_, p) => p).filter((p) => p >= c.pages.length);
    return `page ${ghosts.join(', ')} is still held (${list(refHolders(c, ghosts[0]))}) after its last reference was put: a use after free`;
  }
  for (let p = 0; p < c.pages.length; p++) {
    const count = c.pages[p];
    const want = refs[p];
    if (count === want) continue;
    const holders = refHolders(c, p);
    const held = holders.length === 0 ? 'nothing holds it' : `its holders (${list(holders)}) account for ${want}`;
    return count > want
      ? `page ${p} has page_count ${count} but ${held}: ${plural(count - want, 'reference')} that no one will put, so the page is leaked`
      : `page ${p} has page_count ${count} but ${held}: the holders will put ${plural(want - count, 'reference')} more than the page has, freeing it while it is in use`;
  }
  return 'every buffer has one owner and every page count matches its holders';
}

export function explainIndicesOrdered({ context: c }: S, p: P): string {
  const consumed = u16Distance(c.lastUsed, c.used);
  const posted = u16Distance(c.lastUsed, c.avail);
  const wide = c.lastUsed > 0xffff ? ` (no longer a u16: ${c.lastUsed} mod 65536 = ${c.lastUsed & 0xffff})` : '';
  const idx = `last_used_idx is ${c.lastUsed}${wide}, used->idx ${c.used}, avail->idx ${c.avail}`;
  const driverAhead = u16Distance(c.used, c.lastUsed);
  const deviceAhead = u16Distance(c.avail, c.used);
  if (driverAhead > 0 && driverAhead <= p.ringSize) {
    return `${idx}: the driver's last_used_idx is ${driverAhead} past used->idx on the 16-bit circle, so it consumed ${driverAhead === 1 ? 'a used slot' : `${driverAhead} used slots`} the device never wrote (more_used kept finding ${c.lastUsed} != ${c.used})`;
  }
  if (deviceAhead > 0 && deviceAhead <= p.ringSize) {
    return `${idx}: used->idx is ${deviceAhead} past avail->idx, so the device published ${plural(deviceAhead, 'used entry', 'used entries')} through ${deviceAhead === 1 ? 'a descriptor' : 'descriptors'} the driver never made available`;
  }
  if (posted > p.ringSize || consumed > posted) {
    return `${idx}: avail − last_used_idx is ${posted} and used − last_used_idx ${consumed} on the 16-bit circle, against a ring of ${p.ringSize}: the indices are out of order`;
  }
  return `${idx}: the indices are in order`;
}

export function explainNumBuffers({ context: c }: S): string {
  if (c.ring.length === 0 || c.ring[0].len === 0 || c.ring[0].nb > 0) return `the next used entry at last_used_idx ${c.lastUsed} heads a packet`;
  let stranded = 0;
  while (stranded < c.ring.length && c.ring[stranded].len > 0 && c.ring[stranded].nb === 0) stranded++;
  const e = c.ring[0];
  const next =
    e.len < MIN_RX_LEN
      ? `at ${e.len} bytes it is under ${MIN_RX_LEN} and will be dropped as a short packet`
      : `receive_buf will read its first 12 payload bytes as a virtio_net_hdr_mrg_rxbuf and take num_buffers from payload bytes 10–11`;
  return `the used entry at last_used_idx ${c.lastUsed} is a buffer of ${e.len} bytes from the middle of a packet (no num_buffers of its own)${stranded > 1 ? `, the first of ${stranded} such` : ''}: the receive_buf that took the packet's head left it on the used ring instead of consuming all num_buffers entries, and ${next}`;
}

function describeSkb(s: Skb, i: number): string {
  const pages = [...new Set(s.bufs.map((b) => `page ${b.p} offset ${b.o}`))];
  const where = pages.length === 0 ? 'all copied into the head' : `in ${list(pages)}`;
  return `skb[${i}] (len ${s.len}, ${plural(s.bufs.length, 'buffer')} ${where}, frags ${JSON.stringify(s.frags)})`;
}

export function explainWholePackets({ context: c }: S, p: P): string {
  const i = c.sock.findIndex((s) => s.garbled);
  if (i < 0) return 'every delivered skb is one whole packet';
  const s = c.sock[i];
  const frames = [p.smallLen, p.mtuLen, p.gsoLen, p.oversizeLen];
  const lead = `${describeSkb(s, i)} went up the stack but is not one whole packet of the device's`;
  // A whole frame followed by the next packet's whole first buffer (its 12-byte header counted as data).
  for (const f of frames) {
    for (const g of frames) {
      if (f + g + VNET_HDR_MRG_LEN === s.len) {
        return `${lead}: its ${s.len} bytes are a ${f}-byte frame plus the next packet's ${g}-byte frame with its ${VNET_HDR_MRG_LEN}-byte header, so receive_mergeable took one used entry beyond num_buffers and delivered the next packet's header as data`;
      }
    }
  }
  const shape = frames.includes(s.len)
    ? `its length matches a frame the device writes, yet its buffers are not one packet's`
    : `${s.len} bytes is not the length of any frame the device writes (${list(frames.map(String)).replace(' and ', ' or ')})`;
  return `${lead}: ${shape}, so receive_buf built it from a mid-packet buffer whose payload it read as a header, or gave it another packet's first buffer`;
}

export function explainFragsWithin({ context: c }: S, p: P): string {
  for (let i = 0; i < c.sock.length; i++) {
    const k = c.sock[i].frags.findIndex((n) => n > p.maxSkbFrags);
    if (k < 0) continue;
    const which = k === 0 ? 'its head skb' : `frag_list skb ${k}`;
    return `${describeSkb(c.sock[i], i)}: ${which} has nr_frags ${c.sock[i].frags[k]}, above MAX_SKB_FRAGS ${p.maxSkbFrags}, so skb_add_rx_frag wrote frags[${p.maxSkbFrags}] past the end of skb_shinfo()->frags[]`;
  }
  return `no skb has more than MAX_SKB_FRAGS ${p.maxSkbFrags} frags`;
}

export function explainTruesizeCovers({ context: c }: S): string {
  const i = c.sock.findIndex((s) => s.truesize < s.len);
  if (i < 0) return 'every skb\'s truesize covers its length';
  const s = c.sock[i];
  return `${describeSkb(s, i)} has truesize ${s.truesize}, ${s.len - s.truesize} bytes less than its len ${s.len}: sk_rmem_alloc is charged less than the data queued, so rcvbuf no longer bounds the socket's memory`;
}

export function explainTruesizeHeld({ context: c }: S): string {
  const i = c.sock.findIndex((s) => s.truesize !== s.held);
  if (i < 0) return 'every skb\'s truesize equals the memory it pins';
  const s = c.sock[i];
  const diff = s.held - s.truesize;
  return diff > 0
    ? `${describeSkb(s, i)} is charged truesize ${s.truesize} but pins ${s.held} bytes (skb structures plus the whole of each buffer it holds): ${diff} bytes held against the socket are never charged to sk_rmem_alloc`
    : `${describeSkb(s, i)} is charged truesize ${s.truesize} but pins only ${s.held} bytes: it is over-charged by ${-diff}, so the socket reaches rcvbuf early`;
}

/** State value as the kernel would say it. */
function napi(s: S): string {
  if (s.matches('closed')) return 'the device is not open';
  if (s.matches('idle')) return 'NAPI is not scheduled (virtnet_poll ran napi_complete and waits for an interrupt)';
  return 'virtnet_poll is running';
}

export function explainDryRing(s: S): string {
  const c = s.context;
  const posted = u16Distance(c.used, c.avail);
  const ring = `avail->idx is ${c.avail} and used->idx ${c.used}: ${posted === 0 ? 'no buffer is posted' : plural(posted, 'buffer') + ' posted'}`;
  if (c.refill === 'none') {
    return `${ring}, ${napi(s)}, and refill_work is not scheduled: the refill that failed scheduled nothing, and with no buffer the device can deliver no packet and raise no interrupt, so no driver activity will ever post one`;
  }
  return `${ring}, ${napi(s)}, and refill_work is scheduled (by ${c.refill === 'open' ? 'virtnet_open' : 'virtnet_poll'}), yet the ring stays dry`;
}

export function explainUsedConsumed(s: S): string {
  const c = s.context;
  const pending = u16Distance(c.lastUsed, c.used);
  const head = `the device has used ${plural(pending, 'buffer')} the driver has not consumed (last_used_idx ${c.lastUsed}, used->idx ${c.used})`;
  const where = s.matches('idle')
    ? 'virtnet_poll found no used buffer and ran napi_complete, and only another interrupt, which the device need not raise, would run it again'
    : `${napi(s)} and no driver activity that consumes them is enabled`;
  if (c.lastUsed > c.used) {
    return `${head}: used->idx has wrapped past 65535 and is now numerically below last_used_idx, so a more_used test of last_used_idx < used->idx (${c.lastUsed} < ${c.used}) is false; ${where}`;
  }
  return `${head}: ${where}`;
}
