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
import type { xeon5400_2008Kernel } from '../hosts/xeon-5400-2008.js';

export type KernelCosts = typeof xeon5400_2008Kernel;

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

/** skb data area sizes and truesize as 2.6.26 computes them (SKB_DATA_ALIGN to 64, sk_buff ~232 bytes). */
export function truesize(dataBytes: number): number {
  return Math.ceil((dataBytes + 16) / 64) * 64 + 232;
}

const UDP_IP_HEADERS = 28;
const IPOIB_HEADER = 4;
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
    ['4 KB head: order-1 page alloc', c.kernel.order1PageAllocNs],
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
