/**
 * Ethernet frames for receive-path traffic: lengths from tiny to a 64 KiB
 * GSO frame in realistic mixes, and contents that are cheap to generate yet
 * different in every frame (a seeded xorshift), so that a frame delivered in
 * the wrong place or with a wrong byte is caught by comparing bytes.
 */
import fc from 'fast-check';
import { xorshiftBytes } from './xorshift-bytes.js';

/** ETH_HLEN + the largest IPv4 datagram: the biggest frame a GSO-capable device writes. */
export const MAX_GSO_FRAME = 14 + 65535;

/** Frame lengths: tiny (ACK-sized), MTU-sized, in between, and GSO up to 64 KiB, weighted toward the common ones. */
export function frameLength(min = 18, max = MAX_GSO_FRAME): fc.Arbitrary<number> {
  const classes: { weight: number; arbitrary: fc.Arbitrary<number> }[] = [];
  const range = (weight: number, lo: number, hi: number) => {
    const a = Math.max(min, lo);
    const b = Math.min(max, hi);
    if (a <= b) classes.push({ weight, arbitrary: fc.integer({ min: a, max: b }) });
  };
  range(3, min, 128);
  const common = [60, 66, 1514].filter((n) => n >= min && n <= max);
  if (common.length > 0) classes.push({ weight: 3, arbitrary: fc.constantFrom(...common) });
  range(2, 129, 1514);
  range(2, 1515, 9014);
  range(2, 9015, max);
  classes.push({ weight: 1, arbitrary: fc.constant(max) });
  return fc.oneof(...classes);
}

/** A frame of `length` bytes filled from `seed`. */
export function frameBytes(length: number, seed: number): Uint8Array {
  return xorshiftBytes(length, seed | 0 || 0x9e3779b9);
}

export interface FrameSpec {
  readonly length: number;
  readonly seed: number;
}

export function frameSpec(min?: number, max?: number): fc.Arbitrary<FrameSpec> {
  return fc.record({ length: frameLength(min, max), seed: fc.integer() });
}
