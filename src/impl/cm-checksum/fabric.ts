/**
 * One packet's journey on real bytes: A's stack and driver, A's HCA, a link,
 * a switch, a second link, B's HCA, B's driver and stack, and (when B is the
 * gateway) an Ethernet host beyond it. A corruption may be injected at one
 * of four points; the result says what happened to the packet, which check
 * (if any) caught it, and what the corruption actually changed.
 */
import { LRH, VCRC, decapsulate, encapsulate, icrcOk, reassemble, regenerateVcrc, segment, vcrcOk } from './ib-packet.js';
import {
  buildSegment,
  completeTcpChecksum,
  decreaseTtl,
  ipHeaderOk,
  ipLengthOk,
  payloadOf,
  regionOf,
  segmentIntact,
  tcpChecksumOk,
  type Region,
} from './tcp-ip.js';

export type Point = 'sender-memory' | 'link' | 'switch' | 'receiver-memory';
export type Fate = 'delivered' | 'accepted-corrupt' | 'dropped-csum' | 'dropped-vcrc' | 'dropped-icrc';
export type Detector = 'vcrc' | 'icrc' | 'ip-header-checksum' | 'ip-length-check' | 'tcp-checksum';

/** How the ends treat this packet: the outcome of the negotiation (or of a bug). */
export interface Treatment {
  readonly via: 'rc' | 'ud';
  /** A's driver skipped the TCP checksum. */
  readonly skip: boolean;
  /** B's driver marked it CHECKSUM_UNNECESSARY. */
  readonly trust: boolean;
  readonly dst: 'host' | 'ethernet';
  /** B, forwarding a trusted packet out of the fabric, fills in its TCP checksum. */
  readonly regenerate: boolean;
}

/**
 * Bits to flip at a point. Positions are bit offsets into a window: the IP
 * packet for memory points, the whole IB packet for a link, and the IB
 * packet's invariant bytes from the BTH's destination QP to the ICRC for a
 * switch (the fields a switch may not change, after it checked the VCRC).
 * `start` is reduced into the window so that the pattern fits when it can.
 */
export interface Corruption {
  readonly at: Point;
  /** Which IB packet of the message, for wire points (taken modulo the count). */
  readonly packet: number;
  readonly start: number;
  /** Offsets from start, in bits. */
  readonly pattern: readonly number[];
}

export interface Damage {
  /** Bits that differ after the corruption (flipping one bit twice cancels). */
  readonly flipped: number;
  /** From the first to the last differing bit, inclusive. */
  readonly span: number;
  /** For memory points: the parts of the IP packet touched. */
  readonly regions: readonly Region[];
}

export interface Delivery {
  readonly fate: Fate;
  readonly detectedBy: Detector | null;
  /** The payload handed to the receiving socket, if any. */
  readonly received: Uint8Array | null;
  readonly damage: Damage | null;
}

function inject(buf: Uint8Array, lo: number, hi: number, c: Corruption, memory: boolean): Damage {
  const before = buf.slice();
  const width = (hi - lo) * 8;
  const reach = Math.max(0, ...c.pattern);
  const base = reach < width ? ((c.start % (width - reach)) + (width - reach)) % (width - reach) : 0;
  for (const r of c.pattern) {
    const bit = lo * 8 + ((base + r) % width);
    buf[bit >> 3] ^= 0x80 >> (bit & 7);
  }
  let first = -1;
  let lastBit = -1;
  let flipped = 0;
  const regions = new Set<Region>();
  for (let i = lo; i < hi; i++) {
    const d = before[i] ^ buf[i];
    if (d === 0) continue;
    if (memory) regions.add(regionOf(i));
    for (let k = 0; k < 8; k++) {
      if (d & (0x80 >> k)) {
        const bit = i * 8 + k;
        if (first < 0) first = bit;
        lastBit = bit;
        flipped++;
      }
    }
  }
  return { flipped, span: flipped ? lastBit - first + 1 : 0, regions: [...regions] };
}

/** A final receiver's stack: ip_rcv always checks the header; TCP verifies unless trusted. */
function finalReceive(ip: Uint8Array, trusted: boolean, sent: Uint8Array, damage: Damage | null): Delivery {
  const drop = (detectedBy: Detector): Delivery => ({ fate: 'dropped-csum', detectedBy, received: null, damage });
  if (!ipHeaderOk(ip)) return drop('ip-header-checksum');
  if (!ipLengthOk(ip)) return drop('ip-length-check');
  if (!trusted && !tcpChecksumOk(ip)) return drop('tcp-checksum');
  return { fate: segmentIntact(ip, sent) ? 'delivered' : 'accepted-corrupt', detectedBy: null, received: payloadOf(ip), damage };
}

/**
 * The fabric's own checks. `icrc: false` is a seeded fault, a receiving HCA
 * that trusts the link CRCs alone: it shows what the end-to-end ICRC is for.
 */
export interface FabricChecks {
  readonly icrc: boolean;
}

export function carry(payload: Uint8Array, t: Treatment, corruption?: Corruption, checks: FabricChecks = { icrc: true }): Delivery {
  let damage: Damage | null = null;
  const at = corruption?.at;

  // A: the stack builds CHECKSUM_PARTIAL; the checksum point is here.
  const ip = buildSegment(payload);
  const sent = ip.slice();
  if (!t.skip) completeTcpChecksum(ip);
  if (at === 'sender-memory') damage = inject(ip, 0, ip.length, corruption!, true);

  // A's HCA reads the buffer (DMA) and computes each packet's ICRC and VCRC over what it reads.
  const pkts = segment(encapsulate(ip), t.via);
  const k = corruption ? corruption.packet % pkts.length : 0;
  if (at === 'link') damage = inject(pkts[k], 0, pkts[k].length, corruption!, false);

  // The switch checks each packet's VCRC, may rewrite the VL (a variant field), and regenerates the VCRC.
  for (const p of pkts) {
    if (!vcrcOk(p)) return { fate: 'dropped-vcrc', detectedBy: 'vcrc', received: null, damage };
  }
  if (at === 'switch') damage = inject(pkts[k], LRH + 5, pkts[k].length - VCRC, corruption!, false);
  for (const p of pkts) {
    p[0] = (p[0] & 0x0f) | (1 << 4); // VL 1 on the next link
    regenerateVcrc(p);
  }

  // B's HCA: VCRC for the last link, ICRC end to end.
  for (const p of pkts) {
    if (!vcrcOk(p)) return { fate: 'dropped-vcrc', detectedBy: 'vcrc', received: null, damage };
    if (checks.icrc && !icrcOk(p)) return { fate: 'dropped-icrc', detectedBy: 'icrc', received: null, damage };
  }
  const rx = decapsulate(reassemble(pkts, t.via));
  if (at === 'receiver-memory') damage = inject(rx, 0, rx.length, corruption!, true);

  if (t.dst === 'host') return finalReceive(rx, t.trust, sent, damage);

  // B as gateway (ip_forward): it checks the IP header and lowers the TTL; it does not verify TCP.
  if (!ipHeaderOk(rx)) return { fate: 'dropped-csum', detectedBy: 'ip-header-checksum', received: null, damage };
  if (!ipLengthOk(rx)) return { fate: 'dropped-csum', detectedBy: 'ip-length-check', received: null, damage };
  decreaseTtl(rx);
  if (t.trust && t.regenerate) completeTcpChecksum(rx);
  return finalReceive(rx, false, sent, damage);
}

/**
 * The ICRC check alone, on a corrupted copy of one packet of the message:
 * whether the corruption touched a field the ICRC covers, and whether the
 * end-to-end check then fails. (A link corruption of only the VL or the
 * VCRC is the link's business: the VCRC catches it, the ICRC must not.)
 */
export function icrcVerdict(payload: Uint8Array, via: 'rc' | 'ud', c: Corruption): { invariantTouched: boolean; icrcFails: boolean } {
  const pkts = segment(encapsulate(buildSegment(payload)), via);
  const p = pkts[c.packet % pkts.length];
  const before = p.slice();
  const lo = c.at === 'switch' ? LRH + 5 : 0;
  const hi = c.at === 'switch' ? p.length - VCRC : p.length;
  inject(p, lo, hi, c, false);
  let invariantTouched = false;
  for (let i = 0; i < p.length - VCRC; i++) {
    const d = before[i] ^ p[i];
    if (d === 0) continue;
    if (i === 0 ? (d & 0x0f) !== 0 : i !== LRH + 4) invariantTouched = true;
  }
  return { invariantTouched, icrcFails: !icrcOk(p) };
}
