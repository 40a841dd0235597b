/** The machine header's prose, shared with the spec (spec.modelled / spec.leftOut) and the generated docs. */

export const MODELLED =
  'A buffer\'s ownership from allocation to release: carved by the page-frag allocator or taken from rq->pages, posted on the available ring, written by the device (its used length), consumed by the driver (copied into the head skb and released, attached as a frag, coalesced into the previous frag, chained on a frag_list skb past MAX_SKB_FRAGS, or made the skb head by build_skb), delivered, and freed by the application\'s read, with each page\'s reference count. ' +
  'The three free-running 16-bit indices avail->idx, used->idx and last_used_idx, across their wrap. ' +
  'The driver\'s receive loop per packet: num_buffers from the head buffer\'s header, exactly that many used entries consumed, the error paths on a failed head or frag_list allocation (drained from 3.13 final on, stranded before), truesize as each version charges it beside the memory really held. ' +
  'Refill: try_fill_recv at open and at the end of each NAPI poll below the version\'s threshold, and refill_work scheduled after an allocation failure (after any number of buffers were posted), re-armed while it fails. ' +
  'The device takes available buffers in order and publishes one packet per used->idx update. The 3.14 EWMA of packet lengths that sizes new buffers.';

export const LEFT_OUT =
  'The missing-buffer path (a device that publishes fewer used entries than num_buffers): QEMU fills all of a packet\'s entries before one flush, so a conforming device cannot cause it; the reference implementation exercises it with a faulty device. ' +
  'Interrupt and kick suppression (EVENT_IDX, NO_INTERRUPT): they change when the other side looks, not what it finds; an interrupt is modelled as "NAPI is scheduled". ' +
  'The NAPI budget: a poll here always drains, which only merges polls. Small and big (non-mergeable) receive modes. ' +
  'The two allocators of 2613af0e (netdev_alloc_frag for GFP_ATOMIC, vi->alloc_frag for GFP_KERNEL): one page-frag allocator serves both. ' +
  'Checksum and GSO header fields, which the driver copies but never acts on for buffer ownership. ' +
  'The device taking buffers while try_fill_recv is still posting: a refill is one step; an allocation failure after any number of buffers gives the partly filled rings a concurrent device could see.';
