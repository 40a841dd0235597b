/**
 * The variants: kernel versions of the mergeable receive path, the seed's
 * build_skb alternative, and bugs (historical and seeded), each with the
 * properties it violates at the check bounds. Version variants violate
 * properties too where the kernel really did: those are findings, explained
 * in each doc.
 */
import type { Variant } from '../../src/model/spec.js';
import type { Behaviour } from './behaviour.js';
import type { VirtqueueRxParams } from './params.js';

type V = Variant<VirtqueueRxParams, Behaviour>;

/** v3.13 final (fb51879d plus the err_skb fix): 1536-byte page-frag buffers, hole rule, coalescing, frag_list, drained errors. */
export const V3_13: Behaviour = {
  buffers: 'frag',
  bufLen: 'merge-buffer-len',
  holeToLastBuffer: true,
  truesize: 'max-len-posted',
  coalesce: true,
  pastMaxFrags: 'frag-list',
  drainOnError: true,
  buildSkb: false,
  givePageAfterBuildSkb: false,
  refillThreshold: 'num-below-half-max',
  refillWorkOnOom: true,
  moreUsed: 'u16-not-equal',
};

/** v3.12: one 4 KiB page per buffer from rq->pages, PAGE_SIZE truesize per frag, packets past MAX_SKB_FRAGS dropped. */
export const V3_12: Behaviour = {
  ...V3_13,
  buffers: 'page',
  bufLen: 'page',
  holeToLastBuffer: false,
  truesize: 'page-size',
  coalesce: false,
  pastMaxFrags: 'drop',
  drainOnError: false,
};

/** 2613af0e (3.13-rc1): MAX_PACKET_LEN pieces, truesize 1518 each, frag_list, no coalescing, errors not drained. */
export const DALTON_2613AF0E: Behaviour = {
  ...V3_13,
  bufLen: 'max-packet-len',
  holeToLastBuffer: false,
  truesize: 'max-packet-len',
  coalesce: false,
  drainOnError: false,
};

export const variants: readonly V[] = [
  {
    name: 'v3.13',
    kind: 'baseline',
    doc: 'Linux 3.13 (fb51879d with the err_skb drain): MERGE_BUFFER_LEN 1536-byte buffers from a per-queue page-frag allocator, the leftover hole added to the last buffer of a page, contiguous pieces coalesced, frag_list past MAX_SKB_FRAGS, every error drains the packet. Finding: truesize is max(len, 1536), so a buffer that received the 1024-byte hole of a 4 KiB page and less than 1536 bytes of data is under-charged, as the 3.14 source comment says ("This extra space is not included in the truesize"). Coalescing merges contiguous pieces of a page, but receive_mergeable checks nr_frags == MAX_SKB_FRAGS before it tries to coalesce, so a packet that starts on a hole buffer still reaches the frag_list (as a 64 KiB packet does at full scale when its last page holds two of its buffers).',
    behaviour: V3_13,
    catches: ['truesizeIsMemoryHeld', 'buildSkbPacket'],
  },
  {
    name: 'v3.12',
    kind: 'version',
    doc: 'Linux 3.12 (and 3.8 on): one 4 KiB page per buffer (get_a_page / give_pages), truesize += PAGE_SIZE per frag, a packet past MAX_SKB_FRAGS dropped. Finding: when page_to_skb cannot allocate the head skb, receive_buf gives the page back and returns before reading num_buffers, so the packet\'s other buffers stay on the used ring to be parsed as new packets (the error handling rewritten in 3.13, kernel-facts §3.4 item 4).',
    behaviour: V3_12,
    catches: ['packetConsumesExactlyNumBuffers', 'fragListPacket', 'buildSkbPacket'],
  },
  {
    name: 'v3.14-ewma',
    kind: 'version',
    doc: 'Linux 3.14: buffer length from the EWMA of received lengths (weight 64), ALIGN(12 + clamp(avg, 1518, 4084), 256) from 1536 to 4096, the truesize hint carried in the buffer pointer\'s low bits, refill when num_free exceeds half the ring. Finding: as in 3.13, the hole is not charged.',
    behaviour: { ...V3_13, bufLen: 'ewma', refillThreshold: 'num-free-above-half' },
    catches: ['truesizeIsMemoryHeld', 'buildSkbPacket'],
  },
  {
    name: 'build-skb',
    kind: 'version',
    doc: 'The alternative in the seed\'s reply (Jason Wang, 29 Oct 2013, on 3.12): build_skb on the receive page for packets longer than GOOD_COPY_LEN whose skb_size fits in the page, copy for small ones, with `if (page && !frag)` keeping the page out of rq->pages. Findings: its truesize is skb_size + sizeof(sk_buff) while the whole 4 KiB page stays pinned, so the truesize it "reduces" is under-charged memory; and it inherits 3.12\'s undrained head-allocation error path.',
    behaviour: { ...V3_12, buildSkb: true },
    catches: ['truesizeIsMemoryHeld', 'packetConsumesExactlyNumBuffers', 'fragListPacket'],
  },
  {
    name: 'page-returned-after-build-skb',
    kind: 'bug',
    doc: 'The seed\'s patch with `if (page)` instead of `if (page && !frag)`: the page build_skb made the skb head is also given back to rq->pages, so it has two owners and is reposted while the stack still reads it.',
    behaviour: { ...V3_12, buildSkb: true, givePageAfterBuildSkb: true },
    catches: ['everyBufferHasOneOwner'],
  },
  {
    name: 'error-path-not-drained',
    kind: 'bug',
    doc: 'Dalton\'s 2613af0e as merged for 3.13-rc1: 1518-byte pieces, frag_list, but a failed head or frag_list allocation returns without consuming the packet\'s remaining buffers (and loses the reference of the buffer just fetched), which later receive_buf calls parse as packets (kernel-facts §3.4 item 4).',
    behaviour: DALTON_2613AF0E,
    catches: ['packetConsumesExactlyNumBuffers', 'everyBufferHasOneOwner'],
  },
  {
    name: 'frag-past-max',
    kind: 'bug',
    doc: 'Seeded: 1518-byte pieces without the frag_list branch: skb_add_rx_frag is called with nr_frags = MAX_SKB_FRAGS, writing past skb_shinfo()->frags[].',
    behaviour: { ...DALTON_2613AF0E, drainOnError: true, pastMaxFrags: 'append' },
    catches: ['fragsWithinMaxSkbFrags'],
  },
  {
    name: 'used-index-no-wrap',
    kind: 'bug',
    doc: 'Seeded: more_used written as last_used_idx < used->idx. After used->idx wraps to a small value the driver sees no used entry, the packet sits on the used ring forever and, once the device has no buffers left, nothing can move.',
    behaviour: { ...V3_13, moreUsed: 'less-than' },
    catches: ['everyUsedBufferConsumed', 'deadlockFree'],
  },
  {
    name: 'used-index-wide-shadow',
    kind: 'bug',
    doc: 'Seeded: last_used_idx kept in a wider integer and compared with != against the u16 used->idx. After the wrap it never matches again, so the driver reads a used slot the device has not written and consumes past used->idx.',
    behaviour: { ...V3_13, moreUsed: 'wide-shadow' },
    catches: ['ringIndicesOrdered'],
  },
  {
    name: 'no-refill-work',
    kind: 'bug',
    doc: 'Before commit 3161e453 ("virtio: net refill on out-of-memory", 2.6.35): an allocation failure in the NAPI refill schedules nothing, so a ring that runs dry gets no interrupt and is never refilled.',
    behaviour: { ...V3_13, refillWorkOnOom: false },
    catches: ['dryRingIsRefilled', 'deadlockFree'],
  },
];
