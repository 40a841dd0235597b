/**
 * Data integrity on real bytes: which corruption each mode detects, and by
 * which check. The table is the specification; `expectedDelivery` applies
 * it to a corruption's actual damage; the tests compare it with what the
 * reference implementation (src/impl/cm-checksum/fabric.ts) does.
 *
 * The guarantees used are the textbook ones for the classes generated:
 * - CRC-32 (ICRC) detects every error of 1 or 2 bits in messages shorter
 *   than 2^32 bits, and every burst of 32 bits or fewer.
 * - A degree-16 CRC with a constant term (VCRC) detects every single-bit
 *   error and every burst of 16 bits or fewer; longer bursts it may miss,
 *   and then the ICRC at the destination catches them.
 * - The ones' complement sum (IPv4 header and TCP checksums) detects every
 *   single-bit error and every burst of 15 bits or fewer. It misses, for
 *   instance, two 16-bit words exchanged, or a word of 0x0000 becoming 0xffff.
 * A switch may legitimately change the VL and the BTH's resv8a, so the ICRC
 * leaves them out: a switch's memory error in those fields alone harms
 * nothing (the VL is rewritten on the next link, resv8a is ignored).
 */
import type { Corruption, Damage, Delivery, Detector, Fate, Point, Treatment } from '../../src/impl/cm-checksum/fabric.js';

/** The ways a packet can be treated, named after the negotiation's outcome. */
export const MODES = {
  /** No agreement: A computes the TCP checksum, B verifies it in software (CHECKSUM_NONE). */
  verified: { via: 'rc', skip: false, summed: 'none', dst: 'host' },
  /** Both ends agreed: A skips the checksum, B marks CHECKSUM_PARTIAL, which local delivery treats as verified. */
  trusted: { via: 'rc', skip: true, summed: 'partial', dst: 'host' },
  /** Datagram mode: A computes, B verifies; one IB packet. */
  ud: { via: 'ud', skip: false, summed: 'none', dst: 'host' },
  /** No agreement, and B forwards the packet out of the fabric: the Ethernet host verifies A's checksum. */
  'forwarded-verified': { via: 'rc', skip: false, summed: 'none', dst: 'ethernet' },
  /** Agreed, and B forwards: the egress path completes the CHECKSUM_PARTIAL packet over the bytes the gateway holds. */
  'forwarded-trusted': { via: 'rc', skip: true, summed: 'partial', dst: 'ethernet' },
} as const satisfies Record<string, Treatment>;

export type ModeName = keyof typeof MODES;
export const MODE_NAMES = Object.keys(MODES) as ModeName[];

/** A corruption the checks are guaranteed to see, described by where it struck. */
export type Strike =
  | 'link'
  | 'switch'
  | 'switch: VL or resv8a only'
  | 'memory: IP header'
  | 'memory: TCP header or payload'
  | 'memory: TCP check field only';
export const STRIKES: readonly Strike[] = [
  'link',
  'switch',
  'switch: VL or resv8a only',
  'memory: IP header',
  'memory: TCP header or payload',
  'memory: TCP check field only',
];

export interface Expectation {
  readonly fate: Fate;
  readonly detectedBy: Detector | null;
}

const drop = (fate: Fate, detectedBy: Detector): Expectation => ({ fate, detectedBy });
const ACCEPTED: Expectation = { fate: 'accepted-corrupt', detectedBy: null };
/** The field is overwritten or ignored, and no data was harmed (for a switch: VL is rewritten, resv8a ignored). */
const HARMLESS: Expectation = { fate: 'delivered', detectedBy: null };

/**
 * The detection table, for guaranteed-detectable damage (see the module
 * comment). Memory means A's memory after the checksum point or B's memory
 * before delivery; for the forwarded modes B's memory is the gateway's.
 */
export const DETECTION_TABLE: Readonly<Record<ModeName, Readonly<Record<Strike, Expectation>>>> = {
  verified: {
    link: drop('dropped-vcrc', 'vcrc'),
    switch: drop('dropped-icrc', 'icrc'),
    'switch: VL or resv8a only': HARMLESS,
    'memory: IP header': drop('dropped-csum', 'ip-header-checksum'),
    'memory: TCP header or payload': drop('dropped-csum', 'tcp-checksum'),
    'memory: TCP check field only': drop('dropped-csum', 'tcp-checksum'),
  },
  trusted: {
    link: drop('dropped-vcrc', 'vcrc'),
    switch: drop('dropped-icrc', 'icrc'),
    'switch: VL or resv8a only': HARMLESS,
    'memory: IP header': drop('dropped-csum', 'ip-header-checksum'),
    'memory: TCP header or payload': ACCEPTED,
    'memory: TCP check field only': HARMLESS,
  },
  ud: {
    link: drop('dropped-vcrc', 'vcrc'),
    switch: drop('dropped-icrc', 'icrc'),
    'switch: VL or resv8a only': HARMLESS,
    'memory: IP header': drop('dropped-csum', 'ip-header-checksum'),
    'memory: TCP header or payload': drop('dropped-csum', 'tcp-checksum'),
    'memory: TCP check field only': drop('dropped-csum', 'tcp-checksum'),
  },
  'forwarded-verified': {
    link: drop('dropped-vcrc', 'vcrc'),
    switch: drop('dropped-icrc', 'icrc'),
    'switch: VL or resv8a only': HARMLESS,
    'memory: IP header': drop('dropped-csum', 'ip-header-checksum'),
    'memory: TCP header or payload': drop('dropped-csum', 'tcp-checksum'),
    'memory: TCP check field only': drop('dropped-csum', 'tcp-checksum'),
  },
  'forwarded-trusted': {
    link: drop('dropped-vcrc', 'vcrc'),
    switch: drop('dropped-icrc', 'icrc'),
    'switch: VL or resv8a only': HARMLESS,
    'memory: IP header': drop('dropped-csum', 'ip-header-checksum'),
    'memory: TCP header or payload': ACCEPTED,
    // skb_checksum_help sums the field as it stands: a damaged pseudo-header sum makes a wrong checksum.
    'memory: TCP check field only': drop('dropped-csum', 'tcp-checksum'),
  },
};

export function isMemory(at: Point): boolean {
  return at === 'sender-memory' || at === 'receiver-memory';
}

/**
 * Whether the damage is in a class the table guarantees: for memory, one
 * bit or a burst of at most 15 bits; on the wire, one or two bits or a
 * burst of at most 32 (a link burst of 17 to 32 bits may pass the VCRC and
 * is then caught by the ICRC: the table's link row assumes at most 16).
 */
export function guaranteed(at: Point, d: Damage): boolean {
  if (d.flipped === 0) return false;
  if (isMemory(at)) return d.flipped === 1 || d.span <= 15;
  if (at === 'link') return d.flipped === 1 || d.span <= 16;
  // Inside a switch: the bits the ICRC covers are a subset of those flipped, so the bound carries over.
  return !d.icrcCovered || d.flipped <= 2 || d.span <= 32;
}

export function strikeOf(at: Point, d: Damage): Strike {
  if (at === 'switch') return d.icrcCovered ? 'switch' : 'switch: VL or resv8a only';
  if (at === 'link') return at;
  if (d.regions.includes('ip-header')) return 'memory: IP header';
  return d.regions.every((r) => r === 'tcp-check-field') ? 'memory: TCP check field only' : 'memory: TCP header or payload';
}

/** What the table says must happen to this damage in this mode; null outside the guaranteed classes. */
export function expectedDelivery(mode: ModeName, c: Corruption, d: Damage): Expectation | null {
  return guaranteed(c.at, d) ? DETECTION_TABLE[mode][strikeOf(c.at, d)] : null;
}

/** A delivery agrees with an expectation. */
export function matches(e: Expectation, got: Delivery): boolean {
  return got.fate === e.fate && got.detectedBy === e.detectedBy;
}
