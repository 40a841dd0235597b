/**
 * Measured detection: for each way a packet can be treated and each point
 * where it can be corrupted, generated corruptions (the patterns of
 * arbitraries.ts, which the integrity tests hold to the detection table)
 * carried on real bytes, counted by what caught them. Unlike the tests'
 * arbitraries, which favour small offsets to find edge cases, the payload
 * size and the place of the damage are drawn uniformly here, so the counts
 * say how often each check is the one that matters. The simulation report
 * prints them; the integrity tests say why they come out as they do.
 */
import fc from 'fast-check';
import { carry, type Corruption, type Detector, type Point } from '../../src/impl/cm-checksum/fabric.js';
import { memoryPattern, wirePattern } from './arbitraries.js';
import { MODE_NAMES, MODES, type ModeName } from './integrity.js';
import { xorshiftBytes } from '../../src/traffic/xorshift-bytes.js';

export const POINTS: readonly Point[] = ['sender-memory', 'link', 'switch', 'receiver-memory'];

export type Catch = Detector | 'accepted-corrupt' | 'harmless';
export const CATCHES: readonly Catch[] = ['vcrc', 'icrc', 'ip-header-checksum', 'ip-length-check', 'tcp-checksum', 'accepted-corrupt', 'harmless'];

export interface DetectionRow {
  readonly mode: ModeName;
  readonly at: Point;
  readonly corruptions: number;
  readonly caught: Readonly<Record<Catch, number>>;
}

/** `length` bytes from a 32-bit xorshift seeded with `seed`. */
function filled(length: number, seed: number): Uint8Array {
  return xorshiftBytes(length, seed | 1);
}

const isMemory = (at: Point) => at === 'sender-memory' || at === 'receiver-memory';

function corruptionAt(at: Point): fc.Arbitrary<Corruption> {
  const pattern = isMemory(at) ? memoryPattern : wirePattern;
  return fc.record({ at: fc.constant(at), packet: fc.noBias(fc.nat({ max: 63 })), start: fc.noBias(fc.nat({ max: 2 ** 30 })), pattern });
}

/** `perCell` generated corruptions for every mode and point, from one seed. */
export function detectionRates(seed: number, perCell: number): DetectionRow[] {
  const rows: DetectionRow[] = [];
  MODE_NAMES.forEach((mode, i) => {
    const max = MODES[mode].via === 'ud' ? 2004 : 9000;
    POINTS.forEach((at, j) => {
      const caught = Object.fromEntries(CATCHES.map((c) => [c, 0])) as Record<Catch, number>;
      // The payload's length is drawn; its bytes come from a cheap generator (their values do not matter to the checks).
      const bytes = fc.record({ length: fc.noBias(fc.integer({ min: 1, max })), fill: fc.nat() });
      const cases = fc.sample(fc.tuple(bytes, corruptionAt(at)), { seed: seed + 7 * i + j, numRuns: perCell });
      for (const [{ length, fill }, c] of cases) {
        const d = carry(filled(length, fill), MODES[mode], c);
        const key: Catch = d.detectedBy ?? (d.fate === 'accepted-corrupt' ? 'accepted-corrupt' : 'harmless');
        caught[key]++;
      }
      rows.push({ mode, at, corruptions: cases.length, caught });
    });
  });
  return rows;
}
