/**
 * fast-check arbitraries for tcp-dma traffic: segment sizes around an MSS of
 * 1448 and around 4 KB (plus runts), PSH placement, checksums the NIC did or
 * did not verify, payloads corrupted on the way (only where the NIC did not
 * verify: a verifying NIC drops a bad frame), and reads (len around the copybreak and up to many pages,
 * MSG_PEEK, MSG_WAITALL, sk_rcvlowat).
 */
import fc from 'fast-check';
import type { ReadRequest } from '../../src/impl/tcp-dma/recvmsg.js';

export const PAGE = 4096;
export const COPYBREAK = 4096;
/** The reused user buffer: 16 pages. */
export const BUFFER_BYTES = 16 * PAGE;

export const segmentLen = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1400, max: 1500 }) },
  { weight: 3, arbitrary: fc.integer({ min: 3900, max: 4300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }) },
);

export interface SegmentShape {
  readonly len: number;
  readonly psh: boolean;
  /** The NIC verified the checksum (CHECKSUM_UNNECESSARY). */
  readonly verified: boolean;
  /** A bit flipped in flight; the software checksum must catch it. */
  readonly corrupt: boolean;
}

export const segment: fc.Arbitrary<SegmentShape> = fc
  .record({
    len: segmentLen,
    psh: fc.boolean(),
    csum: fc.oneof(
      { weight: 6, arbitrary: fc.constant('verified' as const) },
      { weight: 2, arbitrary: fc.constant('unverified' as const) },
      { weight: 1, arbitrary: fc.constant('corrupt' as const) },
    ),
  })
  .map(({ len, psh, csum }) => ({ len, psh, verified: csum === 'verified', corrupt: csum === 'corrupt' }));

export const readRequest: fc.Arbitrary<ReadRequest> = fc
  .record({
    len: fc.constantFrom(1024, COPYBREAK, 2 * PAGE, 3 * PAGE + 100, 8 * PAGE, BUFFER_BYTES),
    peek: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    waitall: fc.boolean(),
    lowatFraction: fc.constantFrom(0, 0, 0.25, 0.5, 1),
    lowLatency: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map(({ len, peek, waitall, lowatFraction, lowLatency }) => ({
    len,
    peek,
    // A peek leaves what it read queued and charged: with a target beyond what sk_rcvbuf holds it spins in
    // sk_wait_data for good in every kernel (the queue is never empty), so peeks keep small targets.
    waitall: waitall && !peek,
    rcvlowat: Math.max(1, Math.floor(len * lowatFraction * (peek ? 0.25 : 1))),
    lowLatency,
  }));
