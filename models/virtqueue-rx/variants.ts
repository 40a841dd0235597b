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

/**
 * v3.13 (read: v3.13.10): 2613af0e's page-frag buffers with 8fc3b9e9's error handling,
 * ba275241's coalescing and MERGE_BUFFER_LEN 1536: a constant truesize per buffer, no hole.
 */
export const V3_13: Behaviour = {
  buffers: 'frag',
  bufLen: 'merge-buffer-len',
  holeToLastBuffer: false,
  truesize: 'posted',
  coalesce: true,
  coalesceCharges: true,
  pastMaxFrags: 'frag-list',
  drainOnError: true,
  buildSkb: false,
  givePageAfterBuildSkb: false,
  refillThreshold: 'num-below-half-max',
  refillWorkOnOom: true,
  moreUsed: 'u16-not-equal',
  fragOffsetAdvances: true,
  numBufLoop: 'pre-decrement',
  device: 'conforming',
};

/** v3.12: one 4 KiB page per buffer from rq->pages, PAGE_SIZE truesize per frag, packets past MAX_SKB_FRAGS dropped, errors not drained. */
export const V3_12: Behaviour = {
  ...V3_13,
  buffers: 'page',
  bufLen: 'page',
  truesize: 'page-size',
  coalesce: false,
  pastMaxFrags: 'drop',
  drainOnError: false,
};

/** 2613af0e alone, before ba275241 and 8fc3b9e9 (all three in 3.13): MAX_PACKET_LEN pieces, truesize 1518 each, frag_list, no coalescing, errors not drained. */
export const DALTON_2613AF0E: Behaviour = {
  ...V3_13,
  bufLen: 'max-packet-len',
  truesize: 'max-packet-len',
  coalesce: false,
  drainOnError: false,
};

/** fb51879d (3.14-rc1): a per-queue allocator, the page's leftover hole added to the last buffer, truesize max(len, MERGE_BUFFER_LEN). */
export const FB51879D: Behaviour = {
  ...V3_13,
  holeToLastBuffer: true,
  truesize: 'max-len-posted',
};

export const variants: readonly V[] = [
  {
    name: 'v3.13',
    kind: 'baseline',
    doc: 'Linux 3.13 (drivers/net/virtio_net.c read at v3.13.10): Dalton\'s page-frag buffers (2613af0e) of MERGE_BUFFER_LEN = ALIGN(1518 + 12, 64) = 1536 bytes, GFP_KERNEL refills carved from vi->alloc_frag and GFP_ATOMIC ones from netdev_alloc_frag, truesize MERGE_BUFFER_LEN per buffer, contiguous pieces coalesced (ba275241), frag_list past MAX_SKB_FRAGS, and 8fc3b9e9\'s err_skb that drains the packet on every error. It keeps every invariant: no buffer has a hole, so truesize is exactly the memory held. Coalescing merges contiguous pieces of a page, but receive_mergeable checks nr_frags == MAX_SKB_FRAGS before it tries to coalesce, so a packet that starts on a page\'s second buffer still reaches the frag_list.',
    behaviour: V3_13,
    catches: ['buildSkbPacket'],
  },
  {
    name: 'v3.12',
    kind: 'version',
    doc: 'Linux 3.12 (and 3.8 on): one 4 KiB page per buffer (get_a_page / give_pages), truesize += PAGE_SIZE per frag, a packet past MAX_SKB_FRAGS dropped. Finding: when page_to_skb cannot allocate the head skb, receive_buf gives the page back and returns before reading num_buffers, so the packet\'s other buffers stay on the used ring; the next receive_buf reads a buffer of payload as a header, takes num_buffers from two payload bytes, and delivers garbage or swallows the buffers of the packets behind it (rewritten by 8fc3b9e9 for 3.13, kernel-facts §3.4 item 4).',
    behaviour: V3_12,
    catches: ['packetConsumesExactlyNumBuffers', 'deliveredSkbsAreWholePackets', 'fragListPacket', 'buildSkbPacket'],
  },
  {
    name: 'fb51879d',
    kind: 'version',
    doc: 'Dalton\'s fb51879d ("virtio-net: use per-receive queue page frag alloc for mergeable bufs", 16 Jan 2014, merged for 3.14-rc1, after v3.13 was tagged): one per-queue page-frag allocator, the leftover tail of a page too small for another buffer added to the last buffer ("This extra space is not included in the truesize"), truesize max(len, MERGE_BUFFER_LEN). Finding: a buffer that received the 1024-byte hole of a 4 KiB page and at most 1536 bytes of data is charged 1536 for 2560 bytes held. No release shipped it alone: 3.14 has it with the EWMA (ab7db917, the same day).',
    behaviour: FB51879D,
    catches: ['truesizeIsMemoryHeld', 'buildSkbPacket'],
  },
  {
    name: 'v3.14-ewma',
    kind: 'version',
    doc: 'Linux 3.14 (read): fb51879d plus ab7db917: buffer length from the EWMA of received lengths (weight 64), ALIGN(12 + clamp(avg, 1518, 4084), 256) from 1536 to 4096, the truesize hint carried in the buffer pointer\'s low bits, refill when num_free exceeds half the ring. Finding: as in fb51879d, the hole is not charged.',
    behaviour: { ...FB51879D, bufLen: 'ewma', refillThreshold: 'num-free-above-half' },
    catches: ['truesizeIsMemoryHeld', 'buildSkbPacket'],
  },
  {
    name: 'build-skb',
    kind: 'version',
    doc: 'The alternative in the seed\'s reply (Jason Wang, 29 Oct 2013, on 3.12): build_skb on the receive page for packets longer than GOOD_COPY_LEN whose skb_size fits in the page, copy for small ones, with `if (page && !frag)` keeping the page out of rq->pages. Findings: its truesize is skb_size + sizeof(sk_buff) while the whole 4 KiB page stays pinned, so the truesize it "reduces" is under-charged memory; and it inherits 3.12\'s undrained head-allocation error path and its misparse.',
    behaviour: { ...V3_12, buildSkb: true },
    catches: ['truesizeIsMemoryHeld', 'packetConsumesExactlyNumBuffers', 'deliveredSkbsAreWholePackets', 'fragListPacket'],
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
    doc: 'Dalton\'s 2613af0e alone (author date 28 Oct 2013), before Jason Wang\'s ba275241 coalescing (1 Nov 2013) and Michael S. Tsirkin\'s 8fc3b9e9 err_skb (28 Nov 2013, the fix), both also in v3.13: the commit, not a release (3.13-rc1 probably had ba275241 with it): 1518-byte pieces, frag_list, but a failed head or frag_list allocation returns without consuming the packet\'s remaining buffers (and loses the reference of the buffer just fetched), which later receive_buf calls parse as packets: a remainder shorter than 24 bytes goes down the short-packet path, a longer one is read as a header (kernel-facts §3.4 item 4).',
    behaviour: DALTON_2613AF0E,
    catches: ['packetConsumesExactlyNumBuffers', 'everyBufferHasOneOwner', 'deliveredSkbsAreWholePackets'],
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
    catches: ['dryRingIsRefilled', 'deadlockFree', 'deferredRefill'],
  },
  {
    name: 'device-overrun',
    kind: 'bug',
    doc: 'Seeded device bug (QEMU side): virtio_net_has_buffers asks for one buffer instead of enough for the packet, so when the available buffers run out the device writes the rest through the descriptor of the slot past avail->idx, one the driver never made available, and publishes used->idx beyond avail->idx.',
    behaviour: { ...V3_13, device: 'overrun' },
    catches: ['ringIndicesOrdered'],
  },
  {
    name: 'frag-offset-not-advanced',
    kind: 'bug',
    doc: 'Seeded: add_recvbuf_mergeable takes get_page on vi->alloc_frag\'s page but never advances alloc_frag.offset, so the same piece is posted again with its own reference: the page counts balance, yet two ring entries own one buffer and the device writes two packets into the same bytes.',
    behaviour: { ...V3_13, fragOffsetAdvances: false },
    catches: ['everyBufferHasOneOwner'],
  },
  {
    name: 'num-buffers-off-by-one',
    kind: 'bug',
    doc: 'Seeded: receive_mergeable loops `while (num_buf--)` instead of `while (--num_buf)` and takes one used entry more than num_buffers: the next packet\'s first buffer, or, when there is none yet, a missing buffer that drops the packet (the shape of 850e088d, 2018, where err_skb\'s drain ran with num_buf already 0).',
    behaviour: { ...V3_13, numBufLoop: 'post-decrement' },
    catches: ['deliveredSkbsAreWholePackets'],
  },
  {
    name: 'coalesce-not-charged',
    kind: 'bug',
    doc: 'Seeded on 3.13: coalescing a buffer into the previous frag grows the frag but adds no truesize (skb_frag_size_add where skb_coalesce_rx_frag belongs), so a packet whose buffers share pages is charged less than the data it carries: 64 KiB in three frags of 32 KiB pages would be charged three buffers.',
    behaviour: { ...V3_13, coalesceCharges: false },
    catches: ['truesizeCoversLength'],
  },
  {
    name: 'oversized-frame',
    kind: 'bug',
    doc: 'A faulty device on 3.12: it writes a frame longer than any GSO packet, spanning more pages than MAX_SKB_FRAGS, so receive_mergeable takes its "packet too long" branch: rx_length_errors, the skb freed, and (before 3.13) the packet\'s remaining buffers left on the used ring to be misparsed.',
    behaviour: { ...V3_12, device: 'oversized' },
    // No allocation failures: the only way to strand buffers here is the "packet too long" drop.
    params: { oomBudget: 0 },
    catches: ['packetConsumesExactlyNumBuffers'],
  },
];
