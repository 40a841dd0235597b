/**
 * IPv4 and TCP headers on real bytes, and the checksum operations the
 * stack performs on them: the IPv4 header checksum (always computed and
 * verified in software: ip_send_check, ip_rcv), and the TCP checksum over
 * the pseudo-header and segment, which NETIF_F_IP_CSUM offloads. A packet
 * handed to a device with NETIF_F_IP_CSUM is CHECKSUM_PARTIAL: its TCP
 * check field holds only the folded pseudo-header sum, and whoever
 * completes it (the HCA, skb_checksum_help, or nobody when the sender
 * skips) sums the segment on top.
 */
import { checksum, fold, sum16, verifies } from './ones-complement.js';

export const IP_HEADER = 20;
export const TCP_HEADER = 20;
export const HEADERS = IP_HEADER + TCP_HEADER;
const IP_CHECK = 10;
const TCP_CHECK = IP_HEADER + 16;

export interface Flow {
  readonly src: number;
  readonly dst: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
}

export const DEFAULT_FLOW: Flow = { src: 0x0a000001, dst: 0x0a000002, srcPort: 40000, dstPort: 5001, seq: 1 };

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  put16(b, at, v >>> 16);
  put16(b, at + 2, v & 0xffff);
}

function get16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

export function totalLength(ip: Uint8Array): number {
  return get16(ip, 2);
}

/** Pseudo-header: source, destination, zero, protocol, TCP length. */
function pseudoSum(ip: Uint8Array): number {
  const tcpLen = totalLength(ip) - IP_HEADER;
  return sum16(ip, 12, 20) + 6 + tcpLen;
}

/** A TCP/IPv4 packet as the stack hands it to a NETIF_F_IP_CSUM device: CHECKSUM_PARTIAL. */
export function buildSegment(payload: Uint8Array, flow: Flow = DEFAULT_FLOW): Uint8Array {
  const ip = new Uint8Array(HEADERS + payload.length);
  ip[0] = 0x45;
  put16(ip, 2, ip.length);
  put16(ip, 4, flow.seq & 0xffff); // IP id
  put16(ip, 6, 0x4000); // DF
  ip[8] = 64; // TTL
  ip[9] = 6; // TCP
  put32(ip, 12, flow.src);
  put32(ip, 16, flow.dst);
  put16(ip, IP_CHECK, checksum(sum16(ip, 0, IP_HEADER)));
  put16(ip, IP_HEADER, flow.srcPort);
  put16(ip, IP_HEADER + 2, flow.dstPort);
  put32(ip, IP_HEADER + 4, flow.seq);
  put32(ip, IP_HEADER + 8, 1);
  ip[IP_HEADER + 12] = 5 << 4;
  ip[IP_HEADER + 13] = 0x18; // ACK, PSH
  put16(ip, IP_HEADER + 14, 0xffff);
  ip.set(payload, HEADERS);
  // tcp_v4_send_check for CHECKSUM_PARTIAL: th->check = ~tcp_v4_check(len, saddr, daddr, 0).
  put16(ip, TCP_CHECK, fold(pseudoSum(ip)));
  return ip;
}

/** skb_checksum_help (or the stack checksumming itself): fill in the TCP checksum over the current bytes. */
export function completeTcpChecksum(ip: Uint8Array): void {
  put16(ip, TCP_CHECK, 0);
  put16(ip, TCP_CHECK, checksum(pseudoSum(ip) + sum16(ip, IP_HEADER, totalLength(ip))));
}

/**
 * skb_checksum_help on a CHECKSUM_PARTIAL packet (dev_hard_start_xmit calls
 * it when the egress device cannot checksum; a device with NETIF_F_IP_CSUM
 * does the same sum in hardware): sum from csum_start, the TCP header, to
 * the end, taking the check field as it stands, and store the folded
 * complement at csum_offset. The field must hold the pseudo-header sum that
 * tcp_v4_send_check left there; a packet whose field already holds a full
 * checksum comes out wrong.
 */
export function checksumHelp(ip: Uint8Array): void {
  put16(ip, TCP_CHECK, checksum(sum16(ip, IP_HEADER, totalLength(ip))));
}

/** The TCP check field as it stands. */
export function tcpCheckField(ip: Uint8Array): number {
  return get16(ip, TCP_CHECK);
}

/** ip_rcv's ip_fast_csum check. */
export function ipHeaderOk(ip: Uint8Array): boolean {
  return verifies(sum16(ip, 0, IP_HEADER));
}

/** ip_rcv's length checks: a header of 20 bytes (this stack sends no options) and tot_len within the buffer. */
export function ipLengthOk(ip: Uint8Array): boolean {
  const len = totalLength(ip);
  return ip[0] === 0x45 && len >= HEADERS && len <= ip.length;
}

/** tcp_v4_checksum_init / __skb_checksum_complete on a CHECKSUM_NONE packet. */
export function tcpChecksumOk(ip: Uint8Array): boolean {
  return verifies(pseudoSum(ip) + sum16(ip, IP_HEADER, totalLength(ip)));
}

/** ip_decrease_ttl: a router's legitimate change, with the incremental header checksum update. */
export function decreaseTtl(ip: Uint8Array): void {
  let check = get16(ip, IP_CHECK) + 0x0100;
  check = check + (check >= 0xffff ? 1 : 0);
  put16(ip, IP_CHECK, check & 0xffff);
  ip[8] -= 1;
}

export function payloadOf(ip: Uint8Array): Uint8Array {
  return ip.slice(HEADERS, totalLength(ip));
}

/** Which part of the IP packet a byte offset falls in. */
export type Region = 'ip-header' | 'tcp-header' | 'tcp-check-field' | 'payload';
export function regionOf(offset: number): Region {
  if (offset < IP_HEADER) return 'ip-header';
  if (offset === TCP_CHECK || offset === TCP_CHECK + 1) return 'tcp-check-field';
  return offset < HEADERS ? 'tcp-header' : 'payload';
}

/**
 * What the receiving application gets is intact: every field the receiver
 * acts on equals what the sender built. The TTL and the header checksum
 * (which a router changes) and the TCP check field (which carries no data)
 * are not compared.
 */
export function segmentIntact(received: Uint8Array, sent: Uint8Array): boolean {
  if (received.length < totalLength(received) || totalLength(received) !== totalLength(sent)) return false;
  for (let i = 0; i < totalLength(sent); i++) {
    if (i === 8 || i === IP_CHECK || i === IP_CHECK + 1 || i === TCP_CHECK || i === TCP_CHECK + 1) continue;
    if (received[i] !== sent[i]) return false;
  }
  return true;
}
