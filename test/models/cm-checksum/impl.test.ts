/**
 * The reference implementation's building blocks against known values and
 * their own laws: RFC 1071 and CRC test vectors, the IPv4 header checksum,
 * a router's TTL update, segmentation and reassembly, and the buddy
 * allocator's consistency under arbitrary use.
 */
import { describe, expect, test } from 'vitest';
import { fc } from '@fast-check/vitest';
import { checksum, fold, sum16, verifies } from '../../../src/impl/cm-checksum/ones-complement.js';
import { crc16, crc32 } from '../../../src/impl/cm-checksum/crc.js';
import { buildSegment, completeTcpChecksum, decreaseTtl, ipHeaderOk, tcpChecksumOk } from '../../../src/impl/cm-checksum/tcp-ip.js';
import { decapsulate, encapsulate, icrcOf, icrcOk, reassemble, segment, vcrcOk } from '../../../src/impl/cm-checksum/ib-packet.js';
import { BuddyAllocator, type Block } from '../../../src/impl/cm-checksum/buddy.js';
import { CM_MSS, LINEAR_ORDER, PGBREAK, SG_FRAG_PAGES, SG_HEAD_ORDER, kmallocOrder } from '../../../src/impl/cm-checksum/tx-skb.js';

const SEED = 1071;
const hex = (s: string) => Uint8Array.from(s.replace(/\s/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

describe('checksums and CRCs on known values', () => {
  test('RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2', () => {
    expect(fold(sum16(hex('0001 f203 f4f5 f6f7')))).toBe(0xddf2);
    expect(checksum(sum16(hex('0001 f203 f4f5 f6f7')))).toBe(0x220d);
  });

  test('an IPv4 header checksum: 4500 0073 0000 4000 4011 .... c0a8 0001 c0a8 00c7 gives b861', () => {
    const h = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(checksum(sum16(h))).toBe(0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    expect(verifies(sum16(h))).toBe(true);
  });

  test('CRC-32 of "123456789" is cbf43926 (the IEEE 802.3 check value)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  /**
   * The VCRC's convention (x^16 + x^12 + x^3 + x + 1, reflected, initial and final value all ones) is the one
   * Endace's DAG capture library uses for InfiniBand (dagcrc_infiniband_vcrc16_r, table from 0xd008). Its check
   * value was computed outside this code base (Python, two bitwise implementations: LSB-first with 0xd008, and
   * MSB-first with 0x100b on bit-reversed bytes); the test repeats the second one here.
   */
  test('VCRC of "123456789" is 0a3d, and a bitwise MSB-first CRC with 0x100b on reflected bytes agrees on any input', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x0a3d);
    const rev = (x: number, n: number) => {
      let r = 0;
      for (let i = 0; i < n; i++) r |= ((x >> i) & 1) << (n - 1 - i);
      return r;
    };
    const msbFirst = (bytes: Uint8Array) => {
      let c = 0xffff;
      for (const byte of bytes) {
        const b = rev(byte, 8);
        for (let i = 7; i >= 0; i--) {
          const bit = ((b >> i) & 1) ^ (c >> 15);
          c = (c << 1) & 0xffff;
          if (bit) c ^= 0x100b;
        }
      }
      return rev(c, 16) ^ 0xffff;
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => crc16(bytes) === msbFirst(bytes)), { seed: SEED, numRuns: 100 });
  });

  test("CRC-32 of eight 0xff bytes is 2144df1c: its complement debb20e3 is rxe_icrc.c's starting value, the ICRC over RoCE's all-ones LRH", () => {
    expect(crc32(new Uint8Array(8).fill(0xff))).toBe(0x2144df1c);
    expect(~crc32(new Uint8Array(8).fill(0xff)) >>> 0).toBe(0xdebb20e3);
  });

  /**
   * A whole RC SEND Only packet, byte for byte: LRH (VL 0, LNH 2, DLID 0x22, 8 words, SLID 0x11), BTH (opcode 4,
   * P_Key ffff, QP 0x48, PSN 0), the IPoIB header and "abcd", the ICRC little-endian and the VCRC big-endian. The
   * ICRC is zlib's CRC-32 (Python) over the same bytes with the VL nibble and resv8a set to ones; the VCRC came
   * from the Python CRC above.
   */
  test('known answer: an RC SEND Only packet carrying "abcd" has ICRC 01313911 and VCRC 1f8e', () => {
    const [pkt] = segment(encapsulate(new TextEncoder().encode('abcd')), 'rc');
    expect(pkt).toEqual(hex('0002 0022 0008 0011  0400 ffff 0000 0048 0000 0000  0800 0000 6162 6364  1139 3101  1f8e'));
    expect(icrcOf(pkt)).toBe(0x01313911);
    expect(crc32(hex('f002 0022 0008 0011  0400 ffff ff00 0048 0000 0000  0800 0000 6162 6364'))).toBe(0x01313911);
  });

  /** Any burst of 1 to 16 bits changes the CRC (first and last bit of the burst flipped). */
  const burstChanges = (crc: (b: Uint8Array) => number) =>
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), fc.integer({ min: 1, max: 16 }), (bytes, at, span) => {
      const flipped = bytes.slice();
      const start = at % (bytes.length * 8);
      for (let b = start; b < Math.min(start + span, bytes.length * 8); b += span > 1 ? span - 1 : 1) flipped[b >> 3] ^= 0x80 >> (b & 7);
      return crc(flipped) !== crc(bytes);
    });

  test('the VCRC (degree 16) changes under every burst of 16 bits or fewer', () => {
    fc.assert(burstChanges((b) => crc16(b)), { seed: SEED, numRuns: 200 });
  });

  test('seeded fault: a CRC over only the first half of the packet misses bursts in the second', () => {
    expect(fc.check(burstChanges((b) => crc16(b, 0, b.length >> 1)), { seed: SEED, numRuns: 200 }).failed).toBe(true);
  });
});

describe('TCP/IP on real bytes', () => {
  const completedVerifies = (complete: (ip: Uint8Array) => void) =>
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), (payload) => {
      const ip = buildSegment(payload);
      complete(ip);
      return ipHeaderOk(ip) && tcpChecksumOk(ip);
    });

  test('a built segment has a good IP header, and its TCP checksum verifies once completed', () => {
    fc.assert(completedVerifies(completeTcpChecksum), { seed: SEED, numRuns: 100 });
  });

  test('seeded fault: a TCP checksum computed without the pseudo-header does not verify', () => {
    const withoutPseudo = (ip: Uint8Array) => {
      ip[36] = ip[37] = 0;
      const c = checksum(sum16(ip, 20));
      ip[36] = c >> 8;
      ip[37] = c & 0xff;
    };
    expect(fc.check(completedVerifies(withoutPseudo), { seed: SEED, numRuns: 100 }).failed).toBe(true);
  });

  test('a CHECKSUM_PARTIAL segment (the skip) does not verify in software', () => {
    expect(tcpChecksumOk(buildSegment(new TextEncoder().encode('the IB CRC covers this')))).toBe(false);
  });

  test('ip_decrease_ttl keeps the header checksum right', () => {
    const ip = buildSegment(new Uint8Array(10));
    for (let i = 0; i < 63; i++) {
      decreaseTtl(ip);
      expect(ipHeaderOk(ip)).toBe(true);
    }
  });
});

describe('IB packets', () => {
  const roundTrips = (rebuild: (pkts: Uint8Array[]) => Uint8Array) =>
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 12000 }), (payload) => {
      const msg = encapsulate(buildSegment(payload));
      const pkts = segment(msg, 'rc');
      expect(pkts).toHaveLength(Math.max(1, Math.ceil(msg.length / 2048)));
      expect(pkts.every((p) => vcrcOk(p) && icrcOk(p))).toBe(true);
      expect(rebuild(pkts)).toEqual(msg);
      expect(decapsulate(rebuild(pkts))).toEqual(buildSegment(payload));
    });

  test('an RC message cut into 2048-byte packets reassembles exactly, every packet with good CRCs', () => {
    fc.assert(roundTrips((pkts) => reassemble(pkts, 'rc')), { seed: SEED, numRuns: 60 });
  });

  test('seeded fault: a reassembly that keeps the pad bytes does not round-trip', () => {
    const keepPad = (pkts: Uint8Array[]) => {
      const parts = pkts.map((p) => p.subarray(20, p.length - 6));
      const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
      parts.reduce((at, x) => (out.set(x, at), at + x.length), 0);
      return out;
    };
    expect(fc.check(roundTrips(keepPad), { seed: SEED, numRuns: 60 }).failed).toBe(true);
  });

  test('a UD message is one packet and may not exceed the IB MTU', () => {
    expect(segment(encapsulate(buildSegment(new Uint8Array(2004))), 'ud')).toHaveLength(1);
    expect(() => segment(encapsulate(buildSegment(new Uint8Array(2005))), 'ud')).toThrow(RangeError);
  });

  test('the ICRC ignores the VL a switch rewrites; the VCRC does not', () => {
    const [p] = segment(encapsulate(buildSegment(new Uint8Array(100))), 'rc');
    p[0] ^= 0x30;
    expect(icrcOk(p)).toBe(true);
    expect(vcrcOk(p)).toBe(false);
  });
});

describe('the buddy allocator', () => {
  const op = fc.oneof(fc.record({ alloc: fc.integer({ min: 0, max: 6 }) }), fc.record({ free: fc.nat() }));
  /** Blocks tile memory exactly, buddies merge, and free pages add up, after any allocations and frees. */
  const staysConsistent = (make: () => BuddyAllocator) =>
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const a = make();
      const live: Block[] = [];
      for (const o of ops) {
        if ('alloc' in o) {
          const before = a.freePages;
          const b = a.alloc(o.alloc);
          // A buddy allocator refuses only when no free block of that order or above exists.
          if (b === null) expect(a.largestFreeOrder).toBeLessThan(o.alloc);
          else {
            live.push(b);
            expect(a.freePages).toBe(before - (1 << o.alloc));
          }
        } else if (live.length) a.release(live.splice(o.free % live.length, 1)[0]);
        a.check();
      }
      for (const b of live) a.release(b);
      a.check();
      expect(a.freeBlocks()[a.maxOrder]).toBe(1);
    });

  test('blocks tile memory exactly, buddies merge, and free pages add up, after any allocations and frees', () => {
    fc.assert(staysConsistent(() => new BuddyAllocator(128)), { seed: SEED, numRuns: 150 });
  });

  test('seeded fault: an allocator that frees without merging buddies is caught', () => {
    expect(fc.check(staysConsistent(() => new BuddyAllocator(128, false)), { seed: SEED, numRuns: 150 }).failed).toBe(true);
  });

  test('freeing a block twice is refused', () => {
    const a = new BuddyAllocator(8);
    const b = a.alloc(1)!;
    a.release(b);
    expect(() => a.release(b)).toThrow(/not allocated/);
  });

  test("a full segment's linear skb is an order-5 allocation; scatter/gather takes a one-page head and 16 single pages", () => {
    expect(CM_MSS).toBe(65480);
    expect(LINEAR_ORDER).toBe(5);
    expect(kmallocOrder(65536)).toBe(4);
    expect(SG_HEAD_ORDER).toBe(0);
    expect(PGBREAK + SG_FRAG_PAGES * 4096).toBeGreaterThanOrEqual(CM_MSS);
    expect(PGBREAK + (SG_FRAG_PAGES - 1) * 4096).toBeLessThan(CM_MSS);
  });
});
