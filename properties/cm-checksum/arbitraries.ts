/**
 * fast-check arbitraries for cm-checksum: payloads, corruptions in the
 * classes the integrity table speaks about, and memory fragmentation with
 * a sender's traffic for the allocation experiment.
 */
import fc from 'fast-check';
import type { Corruption } from '../../src/impl/cm-checksum/fabric.js';

/** Payloads up to `max` bytes (a 64 KB MTU allows 65468; UD allows 2004). */
export const payload = (max: number) => fc.uint8Array({ minLength: 1, maxLength: max, size: 'max' });

/** A burst of exactly `span` bits: first and last flipped, any interior bits. */
const burst = (minSpan: number, maxSpan: number) =>
  fc
    .integer({ min: minSpan, max: maxSpan })
    .chain((span) =>
      fc.subarray(Array.from({ length: Math.max(0, span - 2) }, (_, i) => i + 1)).map((inner) => (span === 1 ? [0] : [0, ...inner, span - 1])),
    );

/** One bit, or a burst of 2 to 15 bits: every one of them the ones' complement sum detects. */
export const memoryPattern = fc.oneof(fc.constant([0]), burst(2, 15));

/** One bit, two bits anywhere in the packet, or a burst of up to 32 bits: every one of them CRC-32 detects. */
export const wirePattern = fc.oneof(fc.constant([0]), fc.integer({ min: 1, max: 20_000 }).map((d) => [0, d]), burst(2, 32));

export const memoryCorruption: fc.Arbitrary<Corruption> = fc.record({
  at: fc.constantFrom('sender-memory' as const, 'receiver-memory' as const),
  packet: fc.constant(0),
  start: fc.nat(),
  pattern: memoryPattern,
});

export const wireCorruption: fc.Arbitrary<Corruption> = fc.record({
  at: fc.constantFrom('link' as const, 'switch' as const),
  packet: fc.nat({ max: 64 }),
  start: fc.nat(),
  pattern: wirePattern,
});

/**
 * What other kernel users and the sending socket do to memory: tcp_sendmsg
 * builds an skb for a full segment (send), and the skb is freed when the
 * segment is acknowledged (ack: it waited on the retransmit queue until then).
 */
export type AllocOp =
  | { readonly kind: 'alloc'; readonly order: number }
  | { readonly kind: 'free'; readonly pick: number }
  | { readonly kind: 'send' }
  | { readonly kind: 'ack'; readonly pick: number };

/** Block orders other users ask for: mostly single pages, some larger (page tables, slabs, skb heads). */
const otherOrder = fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.constant(2) }, { weight: 1, arbitrary: fc.constant(3) });

/**
 * Memory pressure: a fill phase of mixed-order allocations (until memory
 * runs out, failures ignored), a release phase freeing some of them in a
 * generated order (this is what fragments memory: the freed pages are
 * scattered), then traffic: full 64 KB-MTU segments sent and acknowledged,
 * interleaved with more allocations and frees.
 */
export interface Pressure {
  readonly fill: readonly number[];
  readonly release: readonly number[];
  readonly traffic: readonly AllocOp[];
}

export const pressure = (pages: number): fc.Arbitrary<Pressure> =>
  fc
    .record({
      // Under pressure: enough allocations to use up most or all of memory (the average request is about two pages).
      fill: fc.array(otherOrder, { minLength: pages / 2, maxLength: pages, size: 'max' }),
      release: fc.array(fc.nat(), { maxLength: pages, size: 'max' }),
      traffic: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: fc.record({ kind: fc.constant('send' as const) }) },
          { weight: 3, arbitrary: fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }) },
          { weight: 2, arbitrary: fc.record({ kind: fc.constant('alloc' as const), order: otherOrder }) },
          { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
        ),
        { minLength: 16, maxLength: 64, size: 'max' },
      ),
    })
    // Never release more blocks than were filled: the rest of the picks would be no-ops.
    .map((p) => ({ ...p, release: p.release.slice(0, p.fill.length) }));
