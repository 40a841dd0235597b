/**
 * Safety properties of the receive-buffer lifecycle, over the machine's
 * context (models/virtqueue-rx/context.ts). Each is named after its meaning
 * and is violated by at least one variant (see variants.ts).
 */
import type { Invariant } from '../../src/model/spec.js';
import type { Ctx } from '../../models/virtqueue-rx/context.js';
import type { VirtqueueRxParams } from '../../models/virtqueue-rx/params.js';
import { u16Distance } from '../../models/virtqueue-rx/kernel.js';
import {
  explainFragsWithin,
  explainIndicesOrdered,
  explainNumBuffers,
  explainOneOwner,
  explainTruesizeCovers,
  explainTruesizeHeld,
  explainWholePackets,
} from './explain.js';

type Inv = Invariant<Ctx, VirtqueueRxParams>;

/** Where each buffer is, by holder: ring entries, skbs, rq->pages. Returns owners per "page:offset". */
export function owners(c: Ctx): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (p: number, o: number, who: string) => {
    const k = `${p}:${o}`;
    out.set(k, [...(out.get(k) ?? []), who]);
  };
  c.ring.forEach((e, i) => add(e.p, e.o, e.len > 0 ? `used[${i}]` : `avail[${i}]`));
  c.sock.forEach((s, i) => s.bufs.forEach((b) => add(b.p, b.o, `skb[${i}]`)));
  c.pool.forEach((p) => add(p, 0, 'rq->pages'));
  return out;
}

/** Page references each holder accounts for: ring entries, skb frags that kept their reference, pool pages, the allocator. */
export function expectedRefs(c: Ctx): number[] {
  const refs = new Array<number>(c.pages.length).fill(0);
  const inc = (p: number) => (refs[p] = (refs[p] ?? 0) + 1);
  for (const e of c.ring) inc(e.p);
  for (const s of c.sock) for (const b of s.bufs) if (b.ref === 1) inc(b.p);
  for (const p of c.pool) inc(p);
  if (c.frag) inc(c.frag.p);
  return refs;
}

export const everyBufferHasOneOwner: Inv = {
  name: 'everyBufferHasOneOwner',
  doc: 'Every buffer has exactly one owner (rq->pages, the available ring, the used ring, or one skb), and every page\'s reference count equals the references its holders account for: no double owner, no double free, no leak.',
  explain: explainOneOwner,
  holds: ({ context: c }) => {
    for (const who of owners(c).values()) if (who.length !== 1) return false;
    const refs = expectedRefs(c);
    if (refs.length !== c.pages.length) return false;
    return c.pages.every((n, p) => n === refs[p]);
  },
};

export const ringIndicesOrdered: Inv = {
  name: 'ringIndicesOrdered',
  doc: 'On the 16-bit index circle last_used_idx ≤ used->idx ≤ avail->idx ≤ last_used_idx + ring size: the device never uses a buffer that was not made available, and the driver never consumes past what the device used (were it to run past avail->idx as well, avail − last_used would wrap far beyond the ring size), across the wrap.',
  explain: explainIndicesOrdered,
  holds: ({ context: c }, p) => {
    const posted = u16Distance(c.lastUsed, c.avail);
    return u16Distance(c.lastUsed, c.used) <= posted && posted <= p.ringSize;
  },
};

/**
 * The machine's own bookkeeping, not a kernel property (so not an invariant a variant could
 * fail): avail − last_used is the number of ring entries it holds, at most the ring size, and
 * exactly the entries before used->idx have been written. Checked on random walks in the tests.
 */
export function ringRepresentationConsistent(c: Ctx, p: VirtqueueRxParams): boolean {
  const consumedAhead = u16Distance(c.lastUsed, c.used);
  if (u16Distance(c.lastUsed, c.avail) !== c.ring.length || c.ring.length > p.ringSize) return false;
  return c.ring.every((e, i) => (i < consumedAhead ? e.len > 0 : e.len === 0));
}

export const packetConsumesExactlyNumBuffers: Inv = {
  name: 'packetConsumesExactlyNumBuffers',
  doc: 'The driver\'s next used entry always heads a packet: every packet consumed exactly its num_buffers used entries, on the error paths too, so no mid-packet buffer is left to be parsed as a new packet.',
  explain: explainNumBuffers,
  holds: ({ context: c }) => c.ring.length === 0 || c.ring[0].len === 0 || c.ring[0].nb > 0,
  // 3.12's finding: what the driver does next with the stranded buffers (parses them as packets)
  // is the story, so the checker explores on (deliveredSkbsAreWholePackets then fails).
  expandViolations: true,
};

export const deliveredSkbsAreWholePackets: Inv = {
  name: 'deliveredSkbsAreWholePackets',
  doc: 'Every skb the driver hands to the stack is one whole packet of the device\'s: built from a packet\'s first buffer and holding no other packet\'s first buffer, never from payload read as a header.',
  explain: explainWholePackets,
  holds: ({ context: c }) => c.sock.every((s) => !s.garbled),
  // 3.12's finding too: the driver goes on after delivering garbage, and the rest of its
  // behaviour (every used buffer consumed, no deadlock) must still be checked.
  expandViolations: true,
};

export const fragsWithinMaxSkbFrags: Inv = {
  name: 'fragsWithinMaxSkbFrags',
  doc: 'No skb (head or frag_list member) has more than MAX_SKB_FRAGS frags: beyond that they go to the frag_list.',
  explain: explainFragsWithin,
  holds: ({ context: c }, p) => c.sock.every((s) => s.frags.every((n) => n <= p.maxSkbFrags)),
};

export const truesizeCoversLength: Inv = {
  name: 'truesizeCoversLength',
  doc: 'Every delivered skb\'s truesize is at least its length: socket memory accounting (sk_rmem_alloc against rcvbuf) never charges less than the data queued.',
  explain: explainTruesizeCovers,
  holds: ({ context: c }) => c.sock.every((s) => s.truesize >= s.len),
};

export const truesizeIsMemoryHeld: Inv = {
  name: 'truesizeIsMemoryHeld',
  doc: 'Every delivered skb\'s truesize equals the memory it really pins: its skb structures plus the whole of each buffer it holds.',
  explain: explainTruesizeHeld,
  holds: ({ context: c }) => c.sock.every((s) => s.truesize === s.held),
  // A finding in fb51879d, 3.14 and build_skb (an accounting convention the versions chose), not a
  // fault that ends the run: the rest of their behaviour must still be checked.
  expandViolations: true,
};

export const invariants: readonly Inv[] = [
  everyBufferHasOneOwner,
  ringIndicesOrdered,
  packetConsumesExactlyNumBuffers,
  deliveredSkbsAreWholePackets,
  fragsWithinMaxSkbFrags,
  truesizeCoversLength,
  truesizeIsMemoryHeld,
];
