/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of 16-bit big-endian words, an odd final byte padded with
 * zero. Sums are kept unfolded in a JS number (far from 2^53 for any
 * packet) and folded at the end, as csum_partial and csum_fold do.
 */

/** Ones' complement sum of bytes[start, end) added to `initial`, unfolded. */
export function sum16(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) s += bytes[i] << 8;
  return s;
}

/** csum_fold without the final complement: end-around carry down to 16 bits. */
export function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The checksum field value: the complement of the folded sum. */
export function checksum(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/** A buffer whose sum includes its checksum field verifies when the folded sum is all ones. */
export function verifies(sum: number): boolean {
  return fold(sum) === 0xffff;
}
