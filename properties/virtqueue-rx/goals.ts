/** Cover goals: the paths the seed debates must be reachable where the variant has them. */
import type { Goal } from '../../src/model/spec.js';
import type { Ctx } from '../../models/virtqueue-rx/context.js';
import type { VirtqueueRxParams } from '../../models/virtqueue-rx/params.js';

type G = Goal<Ctx, VirtqueueRxParams>;

export const fragListPacket: G = {
  name: 'fragListPacket',
  doc: 'A delivered packet spans a frag_list: its head skb filled MAX_SKB_FRAGS frags and receive_mergeable chained another skb.',
  reached: ({ context: c }) => c.sock.some((s) => s.frags.length > 1),
};

export const buildSkbPacket: G = {
  name: 'buildSkbPacket',
  doc: 'A delivered packet\'s head is the receive page itself (build_skb), not a copy.',
  reached: ({ context: c }) => c.sock.some((s) => s.frags[0] === 0 && s.bufs.length > 0),
};

export const copiedPacket: G = {
  name: 'copiedPacket',
  doc: 'A small packet was copied whole into the head skb and its buffer released at once.',
  reached: ({ context: c }) => c.sock.some((s) => s.bufs.length === 0),
};

export const deferredRefill: G = {
  name: 'deferredRefill',
  doc: 'refill_work (process context, GFP_KERNEL) has just refilled a ring that virtnet_poll\'s failed GFP_ATOMIC refill left empty: the refill deferred by 3161e453.',
  reached: ({ context: c }) => c.deferred,
};

export const goals: readonly G[] = [fragListPacket, buildSkbPacket, copiedPacket, deferredRefill];
