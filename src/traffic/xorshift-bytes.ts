/**
 * Deterministic pseudo-random payload bytes: Marsaglia's xorshift32, one
 * byte per step. Shared by every generator of payloads that must be
 * reproducible from a seed (frames, messages, corrupted segments).
 */

/** `length` bytes of xorshift32 from `state` (must be non-zero: zero is xorshift's fixed point). */
export function xorshiftBytes(length: number, state: number): Uint8Array {
  if ((state | 0) === 0) throw new RangeError('xorshiftBytes: the state must be non-zero');
  const out = new Uint8Array(length);
  let x = state | 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
