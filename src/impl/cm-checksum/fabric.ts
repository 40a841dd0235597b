/**
 * One packet's journey on real bytes: A's stack and driver, A's HCA, a link,
 * a switch, a second link, B's HCA, B's driver and stack, and (when B is the
 * gateway) an Ethernet host beyond it. A corruption may be injected at one
 * of four points; the result says what happened to the packet, which check
 * (if any) caught it, and what the corruption actually changed.
 */
import { VCRC, decapsulate, encapsulate, icrcCoverage, icrcOk, reassemble, regenerateVcrc, segment, vcrcOk } from './ib-packet.js';
import {
  buildSegment,
  checksumHelp,
  completeTcpChecksum,
  decreaseTtl,
  ipHeaderOk,
  ipLengthOk,
  payloadOf,
  regionOf,
  segmentIntact,
  tcpCheckField,
  tcpChecksumOk,
  type Region,
} from './tcp-ip.js';

export type Point = 'sender-memory' | 'link' | 'switch' | 'receiver-memory';
export type Fate = 'delivered' | 'accepted-corrupt' | 'dropped-csum' | 'dropped-vcrc' | 'dropped-icrc';
export type Detector = 'vcrc' | 'icrc' | 'ip-header-checksum' | 'ip-length-check' | 'tcp-checksum';

/**
 * skb->ip_summed as B's driver sets it: CHECKSUM_NONE (the stack verifies
 * in software), CHECKSUM_UNNECESSARY (verified, and left alone from then
 * on) or CHECKSUM_PARTIAL (skb_csum_unnecessary treats it as verified for
 * local delivery, and the egress device completes it when forwarded).
 */
export type IpSummed = 'none' | 'unnecessary' | 'partial';

/** How the ends treat this packet: the outcome of the negotiation (or of a bug). */
export interface Treatment {
  readonly via: 'rc' | 'ud';
  /** A's driver skipped the TCP checksum, leaving the pseudo-header sum of CHECKSUM_PARTIAL in the field. */
  readonly skip: boolean;
  /** What B's driver set ip_summed to. */
  readonly summed: IpSummed;
  readonly dst: 'host' | 'ethernet';
}

/**
 * Bits to flip at a point. Positions are bit offsets into a window: the IP
 * packet for memory points, the whole IB packet for a link, and the IB
 * packet up to the ICRC for a switch (a switch checks the VCRC on the way
 * in and regenerates it on the way out, so its own memory errors land in
 * everything the VCRC protected). `start` is reduced into the window so that
 * the pattern fits when it can; offsets that reach past the window wrap
 * around it, and a bit named twice is flipped once.
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
  /** Bits that differ after the corruption. */
  readonly flipped: number;
  /** From the first to the last differing bit, inclusive. */
  readonly span: number;
  /** For memory points: the parts of the IP packet touched. */
  readonly regions: readonly Region[];
  /** For wire points: some differing bit is in a field the ICRC covers (not only VL, resv8a or the VCRC). */
  readonly icrcCovered: boolean;
}

export interface Delivery {
  readonly fate: Fate;
  readonly detectedBy: Detector | null;
  /** The payload handed to the receiving socket, if any. */
  readonly received: Uint8Array | null;
  readonly damage: Damage | null;
  /** The TCP check field of the segment A's HCA read (a pseudo-header sum when A skipped). */
  readonly checkFieldSent: number;
  /** B's HCA found every packet's ICRC good (null when the packet never reached it). */
  readonly icrcGoodAtReceiver: boolean | null;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

function inject(buf: Uint8Array, lo: number, hi: number, c: Corruption, memory: boolean): Damage {
  const before = buf.slice();
  const width = (hi - lo) * 8;
  const reach = Math.max(0, ...c.pattern);
  const base = reach < width ? mod(c.start, width - reach) : 0;
  for (const bit of new Set(c.pattern.map((r) => lo * 8 + mod(base + r, width)))) buf[bit >> 3] ^= 0x80 >> (bit & 7);
  let first = -1;
  let lastBit = -1;
  let flipped = 0;
  let icrcCovered = false;
  const regions = new Set<Region>();
  for (let i = lo; i < hi; i++) {
    const d = before[i] ^ buf[i];
    if (d === 0) continue;
    if (memory) regions.add(regionOf(i));
    else if (d & icrcCoverage(buf.length, i)) icrcCovered = true;
    for (let k = 0; k < 8; k++) {
      if (d & (0x80 >> k)) {
        const bit = i * 8 + k;
        if (first < 0) first = bit;
        lastBit = bit;
        flipped++;
      }
    }
  }
  return { flipped, span: flipped ? lastBit - first + 1 : 0, regions: [...regions], icrcCovered };
}

interface Seen {
  readonly sent: Uint8Array;
  readonly checkFieldSent: number;
  readonly damage: Damage | null;
  readonly icrcGoodAtReceiver: boolean | null;
}

const dropped = (fate: Fate, detectedBy: Detector, s: Seen): Delivery => ({ fate, detectedBy, received: null, ...s });

/** A final receiver's stack: ip_rcv always checks the header; TCP verifies unless skb_csum_unnecessary. */
function finalReceive(ip: Uint8Array, summed: IpSummed, s: Seen): Delivery {
  if (!ipHeaderOk(ip)) return dropped('dropped-csum', 'ip-header-checksum', s);
  if (!ipLengthOk(ip)) return dropped('dropped-csum', 'ip-length-check', s);
  if (summed === 'none' && !tcpChecksumOk(ip)) return dropped('dropped-csum', 'tcp-checksum', s);
  return { fate: segmentIntact(ip, s.sent) ? 'delivered' : 'accepted-corrupt', detectedBy: null, received: payloadOf(ip), ...s };
}

/**
 * The fabric's own checks. `icrc: false` is a seeded fault, a receiving HCA
 * that trusts the link CRCs alone: it shows what the end-to-end ICRC is for.
 * `gatewayCompletesPartial: false` is a seeded fault in the gateway's
 * egress path: a CHECKSUM_PARTIAL packet leaves as it is.
 */
export interface FabricChecks {
  readonly icrc: boolean;
  readonly gatewayCompletesPartial?: boolean;
}

/** The switch window: the IB packet up to the ICRC, VCRC excluded. */
export const switchWindow = (pkt: Uint8Array): readonly [number, number] => [0, pkt.length - VCRC];

export function carry(payload: Uint8Array, t: Treatment, corruption?: Corruption, checks: FabricChecks = { icrc: true }): Delivery {
  let damage: Damage | null = null;
  const at = corruption?.at;

  // A: the stack builds CHECKSUM_PARTIAL; the checksum point is here.
  const ip = buildSegment(payload);
  const sent = ip.slice();
  if (!t.skip) completeTcpChecksum(ip);
  if (at === 'sender-memory') damage = inject(ip, 0, ip.length, corruption!, true);
  const checkFieldSent = tcpCheckField(ip);
  const seen = (icrcGoodAtReceiver: boolean | null): Seen => ({ sent, checkFieldSent, damage, icrcGoodAtReceiver });

  // A's HCA reads the buffer (DMA) and computes each packet's ICRC and VCRC over what it reads.
  const pkts = segment(encapsulate(ip), t.via);
  const k = corruption ? corruption.packet % pkts.length : 0;
  if (at === 'link') damage = inject(pkts[k], 0, pkts[k].length, corruption!, false);

  // The switch checks each packet's VCRC, may rewrite the VL (a variant field), and regenerates the VCRC.
  for (const p of pkts) {
    if (!vcrcOk(p)) return dropped('dropped-vcrc', 'vcrc', seen(null));
  }
  if (at === 'switch') damage = inject(pkts[k], ...switchWindow(pkts[k]), corruption!, false);
  for (const p of pkts) {
    p[0] = (p[0] & 0x0f) | (1 << 4); // VL 1 on the next link
    regenerateVcrc(p);
  }

  // B's HCA: VCRC for the last link, ICRC end to end.
  const icrcGood = pkts.every(icrcOk);
  for (const p of pkts) {
    if (!vcrcOk(p)) return dropped('dropped-vcrc', 'vcrc', seen(null));
    if (checks.icrc && !icrcOk(p)) return dropped('dropped-icrc', 'icrc', seen(icrcGood));
  }
  const rx = decapsulate(reassemble(pkts, t.via));
  if (at === 'receiver-memory') damage = inject(rx, 0, rx.length, corruption!, true);

  if (t.dst === 'host') return finalReceive(rx, t.summed, seen(icrcGood));

  // B as gateway (ip_forward): it checks the IP header and lowers the TTL; it never touches the TCP checksum.
  // Only a CHECKSUM_PARTIAL packet is completed, by the egress device or skb_checksum_help.
  if (!ipHeaderOk(rx)) return dropped('dropped-csum', 'ip-header-checksum', seen(icrcGood));
  if (!ipLengthOk(rx)) return dropped('dropped-csum', 'ip-length-check', seen(icrcGood));
  decreaseTtl(rx);
  if (t.summed === 'partial' && checks.gatewayCompletesPartial !== false) checksumHelp(rx);
  return finalReceive(rx, 'none', seen(icrcGood));
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
  const [lo, hi] = c.at === 'switch' ? switchWindow(p) : [0, p.length];
  const d = inject(p, lo, hi, c, false);
  return { invariantTouched: d.icrcCovered, icrcFails: !icrcOk(p) };
}
