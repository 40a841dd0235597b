/**
 * Generated traffic for the stream: an application writing a bulk
 * transfer in writes of exponentially distributed size, which TCP cuts
 * into segments of at most the MSS of a 65520-byte IPoIB-CM MTU. Most
 * segments are full; each write ends in a shorter one.
 */
import { Rng } from '../rng.js';
import { IPOIB_CM_MTU } from '../../impl/cm-checksum/constants.js';
import { HEADERS } from '../../impl/cm-checksum/tcp-ip.js';

/** The MSS of a 65520-byte MTU with a 20-byte IP and a 20-byte TCP header (no options). */
export const MSS = IPOIB_CM_MTU - HEADERS;

export function bulkSegments(seed: number, totalBytes: number, meanWrite: number): number[] {
  const rng = new Rng(seed);
  const out: number[] = [];
  let sent = 0;
  while (sent < totalBytes) {
    let write = Math.max(1, Math.round(rng.exp(meanWrite)));
    sent += write;
    while (write > 0) {
      const seg = Math.min(MSS, write);
      out.push(seg);
      write -= seg;
    }
  }
  return out;
}
