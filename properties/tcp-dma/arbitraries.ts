/**
 * fast-check arbitraries for tcp-dma traffic: segment sizes around an MSS of
 * 1448 and around 4 KB (plus runts), PSH placement, checksums the NIC did or
 * did not verify, and reads (len around the copybreak and up to many pages,
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

export const segment = fc.record({
  len: segmentLen,
  psh: fc.boolean(),
  verified: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

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
    waitall,
    rcvlowat: Math.max(1, Math.floor(len * lowatFraction)),
    lowLatency,
  }));
