/**
 * InfiniBand packets on real bytes: an IPoIB message (the 4-byte IPoIB
 * encapsulation header and the IP packet) cut into packets of the path MTU,
 * each with its Local Route Header, Base Transport Header (and for UD a
 * Datagram Extended Transport Header), an ICRC over its invariant fields and
 * a VCRC over the whole packet.
 *
 * The ICRC is restarted per packet and covers every field that no switch
 * may change: the LRH's VL (and, with a GRH, traffic class, flow label and
 * hop limit) and the BTH's reserved byte are replaced by ones for the
 * computation. The VCRC covers everything, ICRC included, and is checked and
 * regenerated on every link.
 */
import { crc16, crc32 } from './crc.js';

export const LRH = 8;
export const BTH = 12;
export const DETH = 8;
export const ICRC = 4;
export const VCRC = 2;
export const IPOIB_ENCAP_LEN = 4;
/** Path MTU: 2048 bytes, the usual IB MTU of the InfiniHost III era (a parameter of segment()). */
export const IB_MTU = 2048;

/** BTH opcodes: RC SEND First/Middle/Last/Only, UD SEND Only. */
const RC_SEND_FIRST = 0x00;
const RC_SEND_MIDDLE = 0x01;
const RC_SEND_LAST = 0x02;
const RC_SEND_ONLY = 0x04;
const UD_SEND_ONLY = 0x64;

export interface Route {
  readonly slid: number;
  readonly dlid: number;
  readonly destQp: number;
  readonly psn: number;
  readonly vl: number;
}

export const DEFAULT_ROUTE: Route = { slid: 0x11, dlid: 0x22, destQp: 0x48, psn: 0, vl: 0 };

/** The IPoIB message: { __be16 proto = ETH_P_IP; u16 reserved } then the IP packet. */
export function encapsulate(ip: Uint8Array): Uint8Array {
  const msg = new Uint8Array(IPOIB_ENCAP_LEN + ip.length);
  msg[0] = 0x08;
  msg[1] = 0x00;
  msg.set(ip, IPOIB_ENCAP_LEN);
  return msg;
}

export function decapsulate(msg: Uint8Array): Uint8Array {
  return msg.slice(IPOIB_ENCAP_LEN);
}

function headerLength(via: 'rc' | 'ud'): number {
  return LRH + BTH + (via === 'ud' ? DETH : 0);
}

/** The ICRC of a packet: its invariant fields with the variant ones replaced by ones, up to the ICRC. */
export function icrcOf(pkt: Uint8Array): number {
  const masked = pkt.slice(0, pkt.length - ICRC - VCRC);
  masked[0] |= 0xf0; // LRH VL
  masked[LRH + 4] = 0xff; // BTH resv8a
  return crc32(masked);
}

function writeCrcs(pkt: Uint8Array): void {
  const at = pkt.length - ICRC - VCRC;
  const icrc = icrcOf(pkt);
  for (let k = 0; k < 4; k++) pkt[at + k] = (icrc >>> (8 * k)) & 0xff; // little-endian, as rxe stores it
  regenerateVcrc(pkt);
}

export function regenerateVcrc(pkt: Uint8Array): void {
  const v = crc16(pkt, 0, pkt.length - VCRC);
  pkt[pkt.length - 2] = (v >>> 8) & 0xff;
  pkt[pkt.length - 1] = v & 0xff;
}

export function vcrcOk(pkt: Uint8Array): boolean {
  return crc16(pkt, 0, pkt.length - VCRC) === ((pkt[pkt.length - 2] << 8) | pkt[pkt.length - 1]);
}

export function icrcOk(pkt: Uint8Array): boolean {
  const at = pkt.length - ICRC - VCRC;
  const stored = (pkt[at] | (pkt[at + 1] << 8) | (pkt[at + 2] << 16) | (pkt[at + 3] << 24)) >>> 0;
  return stored === icrcOf(pkt);
}

function packet(via: 'rc' | 'ud', opcode: number, route: Route, psn: number, chunk: Uint8Array): Uint8Array {
  const pad = (4 - (chunk.length % 4)) % 4;
  const hdr = headerLength(via);
  const pkt = new Uint8Array(hdr + chunk.length + pad + ICRC + VCRC);
  const words = (pkt.length - VCRC) / 4;
  pkt[0] = ((route.vl & 0xf) << 4) | 0x0; // VL, LVer 0
  pkt[1] = 0x02; // SL 0, LNH = IBA local (BTH follows)
  pkt[2] = route.dlid >>> 8;
  pkt[3] = route.dlid & 0xff;
  pkt[4] = (words >>> 8) & 0x07;
  pkt[5] = words & 0xff;
  pkt[6] = route.slid >>> 8;
  pkt[7] = route.slid & 0xff;
  const b = LRH;
  pkt[b] = opcode;
  pkt[b + 1] = pad << 4; // SE 0, M 0, PadCnt, TVer 0
  pkt[b + 2] = 0xff; // default P_Key
  pkt[b + 3] = 0xff;
  pkt[b + 4] = 0; // resv8a
  pkt[b + 5] = (route.destQp >>> 16) & 0xff;
  pkt[b + 6] = (route.destQp >>> 8) & 0xff;
  pkt[b + 7] = route.destQp & 0xff;
  pkt[b + 8] = 0; // AckReq, resv7
  pkt[b + 9] = (psn >>> 16) & 0xff;
  pkt[b + 10] = (psn >>> 8) & 0xff;
  pkt[b + 11] = psn & 0xff;
  if (via === 'ud') pkt.set([0x0b, 0x1b, 0x00, 0x00, 0, 0, 0, 0x48], LRH + BTH); // IPoIB Q_Key, source QP
  pkt.set(chunk, hdr);
  writeCrcs(pkt);
  return pkt;
}

/** The HCA's send: cut the message into path-MTU packets (UD messages fit one). */
export function segment(msg: Uint8Array, via: 'rc' | 'ud', route: Route = DEFAULT_ROUTE, mtu = IB_MTU): Uint8Array[] {
  if (via === 'ud') {
    if (msg.length > mtu) throw new RangeError(`a UD message is at most one packet (${mtu} bytes), not ${msg.length}`);
    return [packet('ud', UD_SEND_ONLY, route, route.psn, msg)];
  }
  const n = Math.max(1, Math.ceil(msg.length / mtu));
  const out: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const opcode = n === 1 ? RC_SEND_ONLY : k === 0 ? RC_SEND_FIRST : k === n - 1 ? RC_SEND_LAST : RC_SEND_MIDDLE;
    out.push(packet('rc', opcode, route, (route.psn + k) & 0xffffff, msg.subarray(k * mtu, Math.min(msg.length, (k + 1) * mtu))));
  }
  return out;
}

/** The receiving HCA's reassembly of packets it has already accepted: payloads without padding, in order. */
export function reassemble(pkts: readonly Uint8Array[], via: 'rc' | 'ud'): Uint8Array {
  const hdr = headerLength(via);
  const parts = pkts.map((p) => p.subarray(hdr, p.length - ICRC - VCRC - ((p[LRH + 1] >>> 4) & 0x3)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The bits of byte `offset` that the ICRC covers, as a mask: all of them
 * except the LRH's VL nibble, the BTH's resv8a byte (fields a switch may
 * change) and the VCRC. `changed & icrcCoverage(...)` says whether a
 * change to that byte is the ICRC's business.
 */
export function icrcCoverage(pktLength: number, offset: number): number {
  if (offset === 0) return 0x0f; // VL is the high nibble, LVer the low one
  if (offset === LRH + 4 || offset >= pktLength - VCRC) return 0;
  return 0xff;
}
