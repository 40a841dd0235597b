/**
 * Per-operation CPU costs of IPoIB connected mode on the 2008 hosts, each a
 * sum of named parts from the host and HCA profiles, so the report can show
 * where the time goes. The two receive paths are the seed's subject:
 * copybreak copies len bytes into a small skb and reposts the same buffer;
 * the replacement path allocates a new 4 KB head (and pages for a large
 * packet), maps it, and moves the unused page descriptors (skb_put_frags).
 */
import { checksumNs, copyNs, type HostCosts } from '../cost-model.js';
import type { HcaCosts } from '../hosts/connectx-ddr-2008.js';
import type { Xeon5400Kernel } from '../hosts/xeon-5400-2008.js';

export type KernelCosts = Xeon5400Kernel;

export interface Breakdown {
  readonly total: number;
  readonly parts: readonly (readonly [string, number])[];
}

function sum(parts: [string, number][]): Breakdown {
  return { total: parts.reduce((n, [, v]) => n + v, 0), parts };
}

export interface Costs {
  readonly host: HostCosts;
  readonly kernel: KernelCosts;
  readonly hca: HcaCosts;
}

/** SKB_DATA_ALIGN: SMP_CACHE_BYTES, 64 on these Core 2 cores. */
const align = (n: number) => Math.ceil(n / 64) * 64;
/** sizeof(struct sk_buff) on 2.6.26 x86_64, about 232 bytes. */
const SK_BUFF = 232;
/** NET_SKB_PAD, which dev_alloc_skb adds in front of the data. */
const NET_SKB_PAD = 16;

/** truesize of a received skb from dev_alloc_skb(dataBytes): 2.6.26 counts SKB_DATA_ALIGN(size) + sizeof(struct sk_buff), not the shared info. */
export function truesize(dataBytes: number): number {
  return align(dataBytes + NET_SKB_PAD) + SK_BUFF;
}

const UDP_IP_HEADERS = 28;
const IPOIB_HEADER = 4;
/** LL_RESERVED_SPACE of the 2008 IPoIB device: hard_header_len 24 (IPOIB_ENCAP_LEN + INFINIBAND_ALEN) rounded to 16, plus 16. */
const IPOIB_LL_RESERVED = 32;

/**
 * truesize of the skb netperf's sendto charges to its socket (sk_wmem_alloc)
 * until the send completion frees it: ip_append_data asks
 * sock_alloc_send_skb for the UDP and IP headers, the payload,
 * LL_RESERVED_SPACE and 15 bytes of slack. 128-byte messages: 488 bytes.
 */
export function sendTruesize(payload: number): number {
  return align(payload + UDP_IP_HEADERS + IPOIB_LL_RESERVED + 15) + SK_BUFF;
}
const PAGE = 4096;
const HEAD = 4084;

/** byte_len of a UDP message of `payload` bytes on IPoIB. */
export function byteLen(payload: number): number {
  return payload + UDP_IP_HEADERS + IPOIB_HEADER;
}

/** netperf's sendto up to ipoib_start_xmit: UDP/IP with the user copy and a software checksum (CM has no offload). */
export function sendPath(c: Costs, payload: number): Breakdown {
  return sum([
    ['sendto, UDP, IP, qdisc', c.host.txPacketNs],
    ['skb alloc and free', c.host.skbAllocNs],
    ['copy from user', copyNs(c.host, payload)],
    ['UDP checksum', checksumNs(c.host, payload + 8)],
  ]);
}

/** ipoib_cm_send: map and post one WR. */
export function postPath(c: Costs): Breakdown {
  return sum([
    ['dma map and unmap', c.host.dmaMapNs],
    ['ib_post_send', c.hca.postSendNs],
  ]);
}

/** ipoib_cm_handle_tx_wc for one completion (the skb free is in the send path's pair). */
export function txCompletion(c: Costs): Breakdown {
  return sum([['poll CQE, tx_tail, tx_outstanding', c.hca.cqeNs]]);
}

/** ipoib_cm_handle_rx_wc, copybreak path: a small skb, len bytes copied from the head, the same buffer reposted. */
export function rxCopybreak(c: Costs, len: number): Breakdown {
  return sum([
    ['poll CQE', c.hca.cqeNs],
    ['sk_buff alloc', c.kernel.skbHeadAllocNs],
    ['small data area alloc', c.kernel.smallDataAllocNs],
    ['skb init', c.kernel.skbInitNs],
    ['copy from the linear head', copyNs(c.host, len)],
    ['IP, UDP, socket enqueue', c.host.rxPacketNs],
    ['repost (ib_post_srq_recv)', c.hca.postSrqRecvNs],
  ]);
}

/** ipoib_cm_handle_rx_wc, replacement path: new head (and pages), map, unmap, skb_put_frags, repost. */
export function rxReplacement(c: Costs, len: number): Breakdown {
  const frags = Math.ceil(Math.max(0, len - HEAD) / PAGE);
  return sum([
    ['poll CQE', c.hca.cqeNs],
    ['sk_buff alloc', c.kernel.skbHeadAllocNs],
    [c.kernel.headDataAllocPart, c.kernel.headDataAllocNs],
    ['skb init', c.kernel.skbInitNs],
    ['replacement pages', frags * c.host.pageAllocNs],
    ['dma map new, unmap old', c.host.dmaMapNs * (1 + frags)],
    ['skb_put_frags over 15 page descriptors', 15 * c.kernel.fragMoveNs],
    ['first touch of the received header', c.kernel.cacheMissNs],
    ['IP, UDP, socket enqueue', c.host.rxPacketNs],
    ['repost (ib_post_srq_recv)', c.hca.postSrqRecvNs],
  ]);
}

/** netserver's recvmsg of one datagram: the syscall path, the copy to user with the checksum check. */
export function recvPath(c: Costs, payload: number): Breakdown {
  return sum([
    ['recvmsg', c.kernel.recvmsgNs],
    ['copy to user', copyNs(c.host, payload)],
    ['UDP checksum check', checksumNs(c.host, payload + 8)],
  ]);
}

export { IPOIB_HEADER, UDP_IP_HEADERS };
