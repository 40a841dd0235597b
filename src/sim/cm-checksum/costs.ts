/**
 * What one IPoIB-CM message costs each resource, priced with the shared
 * cost model (src/sim/cost-model.ts) for the treatment the machine decided.
 *
 * Transmit (A): the per-packet path, the copy from the user, and the TCP
 * checksum: none when skipped; a separate pass (skb_checksum_help) when A's
 * device claims NETIF_F_IP_CSUM but the peer did not agree; folded into the
 * copy (csum_and_copy_from_user) when the device has no checksum feature,
 * as upstream connected mode does.
 * Receive (B): the per-packet path, the refill of the receive buffer (a 4 KB
 * head skb and one page per further 4 KB, each DMA-mapped:
 * ipoib_cm_alloc_rx_skb), the TCP checksum unless trusted, and the copy to
 * the user. 2.6 verifies either in a separate pass in softirq
 * (tcp_checksum_complete_user) or folded into the copy when the reader is
 * waiting (skb_copy_and_csum_datagram_iovec).
 * A folded loop has its own rate (the host's csumCopyBytesPerNs): the
 * checksum's share of it is what the loop costs beyond a plain copy of the
 * payload, plus the headers summed on their own.
 */
import { checksumNs, copyNs, wireNs, type LinkCosts } from '../cost-model.js';
import type { HostWithFoldedCopy } from '../hosts/xeon-e5v2-2014.js';
import { HEADERS } from '../../impl/cm-checksum/tcp-ip.js';
import { IB_MTU, IPOIB_ENCAP_LEN } from '../../impl/cm-checksum/ib-packet.js';
import { IPOIB_CM_HEAD_SIZE, PAGE_SIZE } from '../../impl/cm-checksum/constants.js';
import type { Negotiated } from './negotiate.js';

export type RxVerify = 'separate-pass' | 'folded-into-copy';

export interface MessageCost {
  /** Sender CPU, ns by category. */
  readonly tx: Readonly<Record<string, number>>;
  readonly wireNs: number;
  /** Receiver CPU, ns by category. */
  readonly rx: Readonly<Record<string, number>>;
  /** B's stack accepts it (it was not dropped for a checksum it could not verify). */
  readonly delivered: boolean;
}

/** What checksumming the segment inside the payload's copy adds to that copy, ns. */
export function foldedChecksumNs(h: HostWithFoldedCopy, payload: number): number {
  return payload / h.csumCopyBytesPerNs - payload / h.memcpyBytesPerNs + checksumNs(h, HEADERS);
}

export function messageCost(h: HostWithFoldedCopy, link: LinkCosts, t: Negotiated, payload: number, verify: RxVerify): MessageCost {
  const segment = payload + HEADERS;
  const message = segment + IPOIB_ENCAP_LEN;
  const txChecksum = t.skip ? 0 : t.features.ipCsum ? checksumNs(h, segment) : foldedChecksumNs(h, payload);
  const tx = { 'per-packet': h.txPacketNs, copy: copyNs(h, payload), checksum: txChecksum };

  let wire = 0;
  for (let left = message; left > 0; left -= IB_MTU) wire += wireNs(link, Math.min(IB_MTU, left));

  const delivered = t.trust || !t.skip;
  const frags = Math.ceil(Math.max(0, message - IPOIB_CM_HEAD_SIZE) / PAGE_SIZE);
  const rxChecksum = t.trust ? 0 : verify === 'separate-pass' || !delivered ? checksumNs(h, segment) : foldedChecksumNs(h, payload);
  const rx = {
    'per-packet': h.rxPacketNs,
    refill: h.skbAllocNs + h.dmaMapNs + frags * (h.pageAllocNs + h.dmaMapNs),
    checksum: rxChecksum,
    copy: delivered ? copyNs(h, payload) : 0,
  };
  return { tx, wireNs: wire, rx, delivered };
}

export const total = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);
