/**
 * The sender's side: a TCP byte stream whose every byte is distinct enough
 * that a misplaced, missing or duplicated byte shows, cut into segments
 * with PSH flags and the sender's checksum over the payload.
 */
import { internetChecksum } from './checksum.js';

export interface Segment {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly psh: boolean;
  /** The NIC verified the checksum (CHECKSUM_UNNECESSARY). */
  readonly csumVerified: boolean;
  /** RFC 1071 checksum of the payload as sent. */
  readonly csum: number;
}

/** Byte `offset` of the stream: a 32-bit mix of the offset, so no short period repeats. */
export function streamByte(offset: number): number {
  let x = Math.imul(offset ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) & 0xff;
}

export function streamBytes(offset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = streamByte(offset + i);
  return out;
}

/**
 * A segment as it reaches tcp_v4_rcv. `corrupt`: a bit flipped on the way,
 * after the sender computed its checksum; only a segment the NIC did not
 * verify can arrive corrupt (a NIC that verifies drops a bad frame).
 */
export function makeSegment(seq: number, len: number, psh: boolean, csumVerified: boolean, corrupt = false): Segment {
  if (corrupt && csumVerified) throw new RangeError('a segment the NIC verified cannot arrive corrupt');
  const data = streamBytes(seq, len);
  const csum = internetChecksum(data);
  if (corrupt) data[len >> 1] ^= 0x10;
  return { seq, data, psh, csumVerified, csum };
}
