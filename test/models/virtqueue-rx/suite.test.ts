/**
 * virtqueue-rx checked exhaustively: every variant against its manifest, and
 * the shortest counterexample of each story the model exists to tell, by
 * length and by the events in order.
 */
import { describe, expect, test } from 'vitest';
import { modelSuite } from '../../support/model-suite.js';
import { spec } from '../../../models/virtqueue-rx/index.js';
import type { CheckResult } from '../../../src/explore/result.js';
import { check } from '../../../src/explore/check.js';
import type { Trace } from '../../../src/trace/types.js';
import { XStateSuccessors } from '../../../src/explore/xstate-successors.js';
import { checkParams } from '../../../src/model/params.js';
import type { Ctx } from '../../../models/virtqueue-rx/context.js';
import type { VirtqueueRxEvent } from '../../../models/virtqueue-rx/events.js';
import { assign } from 'xstate';
import type { ModelState } from '../../../src/model/spec.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import { virtqueueRxMachine } from '../../../models/virtqueue-rx/virtqueue-rx.machine.js';
import { deviceWrite } from '../../../models/virtqueue-rx/device.js';
import { commit, draft } from '../../../models/virtqueue-rx/driver-ops.js';
import { ringIndicesOrdered, ringRepresentationConsistent } from '../../../properties/virtqueue-rx/invariants.js';

const results = modelSuite(spec);

const result = (variant: string): CheckResult => {
  let r = results.get(variant);
  if (!r) {
    r = check(spec, { variant });
    results.set(variant, r);
  }
  return r;
};

/** The events of a trace, written as in the kernel: DEVICE_RX(len), NAPI_COMPLETE_OOM(posted), RECEIVE_MISPARSE(num). */
const shape = (t: Trace): string[] =>
  t.steps.map((s) => {
    const e = s.event as { type: string; len?: number; posted?: number; num?: number };
    const arg = e.len ?? e.posted ?? e.num;
    return e.type + (arg !== undefined ? `(${arg})` : '');
  });

function counterexample(variant: string, property: string): Trace {
  const r = result(variant);
  expect(r.kind, `${variant} should violate ${property}`).toBe('violated');
  const v = r.kind === 'violated' ? r.violations.find((x) => x.property === property) : undefined;
  expect(v?.trace, `${variant}: no counterexample for ${property}`).toBeDefined();
  return v!.trace!;
}

function witness(variant: string, goal: string): Trace {
  const w = result(variant).witnesses.find((x) => x.goal === goal);
  expect(w, `${variant}: goal ${goal} not reached`).toBeDefined();
  return w!.trace;
}

const verdict = (variant: string, p: string) => result(variant).verdicts.find((v) => v.property === p)?.verdict;
const last = (t: Trace) => t.steps[t.steps.length - 1].state.context as Ctx;

/** The machine of a variant stepped through `events` from its initial state (the checker's own semantics). */
function run(variant: string, events: VirtqueueRxEvent[]) {
  const v = spec.variants.find((x) => x.name === variant)!;
  const succ = new XStateSuccessors(spec.instantiate({ ...checkParams(spec.params), ...v.params }, v.behaviour));
  let s = succ.initial()[0];
  for (const e of events) {
    const next = succ.step(s, e);
    expect(succ.key(next), `${variant}: ${e.type} changes nothing`).not.toBe(succ.key(s));
    s = next;
  }
  return s.context as Ctx;
}

describe('virtqueue-rx: the stories, shortest first', () => {
  test('build_skb bug: the head page is also given back to rq->pages after one MTU packet (3 steps)', () => {
    const t = counterexample('page-returned-after-build-skb', 'everyBufferHasOneOwner');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(1514)', 'RECEIVE']);
    const c = last(t);
    expect(c.pool).toContain(c.sock[0].bufs[0].p);
  });

  test('2613af0e: a failed head allocation strands the 8-byte remainder of an MTU frame, which the short-packet path frees (3 steps)', () => {
    // 1514 + 12 header bytes do not fit one 1518-byte piece: every full-size frame spans two buffers.
    const t = counterexample('error-path-not-drained', 'packetConsumesExactlyNumBuffers');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(1514)', 'RECEIVE_HEAD_OOM']);
    expect(last(t).ring[0]).toMatchObject({ len: 8, nb: 0 });
    // len 8 < sizeof(virtio_net_hdr) + ETH_HLEN: "short packet", the piece is put, nothing is delivered.
    const c = run('error-path-not-drained', [...t.steps.map((s) => s.event as VirtqueueRxEvent), { type: 'RECEIVE' }]);
    expect(c.sock).toEqual([]);
    expect(c.lastUsed).toBe(c.used);
  });

  test('2613af0e: the middle piece of a stranded GSO packet is parsed as a packet and delivered (4 steps)', () => {
    const t = counterexample('error-path-not-drained', 'deliveredSkbsAreWholePackets');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE_HEAD_OOM', 'RECEIVE_MISPARSE(1)']);
    // The second 1518-byte piece minus the 12 payload bytes read as its header.
    expect(last(t).sock[0]).toMatchObject({ garbled: true, len: 1518 - 12 });
  });

  test('2613af0e: a failed frag_list skb loses the fetched buffer\'s page reference (3 steps)', () => {
    const t = counterexample('error-path-not-drained', 'everyBufferHasOneOwner');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE_NSKB_OOM']);
  });

  test('v3.12 finding: page_to_skb fails on a two-page packet, and its second page is delivered as a packet (3 and 4 steps)', () => {
    expect(shape(counterexample('v3.12', 'packetConsumesExactlyNumBuffers'))).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE_HEAD_OOM']);
    const t = counterexample('v3.12', 'deliveredSkbsAreWholePackets');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE_HEAD_OOM', 'RECEIVE_MISPARSE(1)']);
    // 4512 bytes with the header: 4096 in the first page, 416 in the second, 12 of them read as a header.
    expect(last(t).sock[0]).toMatchObject({ garbled: true, len: 416 - 12 });
  });

  test('v3.12 finding: a misread num_buffers of 2 swallows the next packet\'s first buffer', () => {
    const c = run('v3.12', [
      { type: 'OPEN' },
      { type: 'DEVICE_RX', len: 4500 },
      { type: 'RECEIVE_HEAD_OOM' },
      { type: 'DEVICE_RX', len: 60 },
      { type: 'RECEIVE_MISPARSE', num: 2 },
    ]);
    expect(c.sock[0]).toMatchObject({ garbled: true, len: 416 - 12 + 72, frags: [2] });
  });

  test('v3.12 is not frozen by the stranding: the driver goes on, so every used buffer is still consumed', () => {
    expect(verdict('v3.12', 'everyUsedBufferConsumed')).toBe('holds');
    expect(verdict('v3.12', 'deadlockFree')).toBe('holds');
  });

  test('v3.13, fb51879d and 3.14 drain the packet on every error path', () => {
    for (const v of ['v3.13', 'fb51879d', 'v3.14-ewma']) {
      expect(verdict(v, 'packetConsumesExactlyNumBuffers')).toBe('holds');
      expect(verdict(v, 'deliveredSkbsAreWholePackets')).toBe('holds');
    }
  });

  test('a faulty device\'s oversized frame takes 3.12\'s "packet too long" drop, which strands the third page (3 and 4 steps)', () => {
    const t = counterexample('oversized-frame', 'packetConsumesExactlyNumBuffers');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(9000)', 'RECEIVE']);
    // 9012 bytes: two full pages, then 820 bytes left on the used ring.
    expect(last(t).ring[0]).toMatchObject({ len: 9012 - 2 * 4096, nb: 0 });
    expect(last(t).sock).toEqual([]);
    expect(shape(counterexample('oversized-frame', 'deliveredSkbsAreWholePackets'))).toEqual(['OPEN', 'DEVICE_RX(9000)', 'RECEIVE', 'RECEIVE_MISPARSE(1)']);
  });

  test('frag past MAX_SKB_FRAGS: three 1518-byte pieces without the frag_list give 3 frags (3 steps)', () => {
    const t = counterexample('frag-past-max', 'fragsWithinMaxSkbFrags');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE']);
    expect(last(t).sock[0].frags).toEqual([3]);
  });

  test('last_used_idx < used->idx: after used->idx wraps to 1 the packet is never seen (lasso of 3)', () => {
    const t = counterexample('used-index-no-wrap', 'everyUsedBufferConsumed');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'NAPI_COMPLETE']);
    expect(t.loop).toMatchObject({ stutter: true, start: 3 });
    expect(last(t)).toMatchObject({ lastUsed: 65534, used: 1 });
  });

  test('last_used_idx kept wide: after the wrap it passes used->idx (4 steps)', () => {
    const t = counterexample('used-index-wide-shadow', 'ringIndicesOrdered');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE', 'RECEIVE']);
    expect(last(t)).toMatchObject({ lastUsed: 65538, used: 1 });
  });

  test('device overrun: with one buffer posted the device writes a GSO packet through slots past avail->idx (2 steps)', () => {
    const t = counterexample('device-overrun', 'ringIndicesOrdered');
    expect(shape(t)).toEqual(['OPEN_OOM(1)', 'DEVICE_RX(4500)']);
    const c = last(t);
    expect(c.avail).toBe(65535);
    expect(c.used).toBe(0);
  });

  test('alloc_frag.offset not advanced: open posts one piece four times, each with its own page reference (1 step)', () => {
    const t = counterexample('frag-offset-not-advanced', 'everyBufferHasOneOwner');
    expect(shape(t)).toEqual(['OPEN']);
    const c = last(t);
    expect(new Set(c.ring.map((e) => `${e.p}:${e.o}`)).size).toBe(1);
    // The references balance (allocator + 4 posts): only the owner count catches it.
    expect(c.pages).toEqual([5]);
  });

  test('num_buffers off by one: a packet takes the next packet\'s first buffer (4 steps)', () => {
    const t = counterexample('num-buffers-off-by-one', 'deliveredSkbsAreWholePackets');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(60)', 'DEVICE_RX(60)', 'RECEIVE']);
    expect(last(t).sock[0]).toMatchObject({ garbled: true, len: 60 + 72 });
  });

  test('coalescing without its truesize: a GSO packet is charged less than its length (3 steps)', () => {
    const t = counterexample('coalesce-not-charged', 'truesizeCoversLength');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(4500)', 'RECEIVE']);
    // Head skb 768 + the first and third buffers; the second, coalesced into the first, is free.
    expect(last(t).sock[0]).toMatchObject({ len: 4500, truesize: 768 + 2 * 1536 });
    expect(verdict('v3.13', 'truesizeCoversLength')).toBe('holds');
  });

  test('no refill_work: a ring drained by traffic and a failed NAPI refill stays dry (lasso of 6)', () => {
    const t = counterexample('no-refill-work', 'dryRingIsRefilled');
    // Two packets (of either order) take all four buffers, so the ring is empty when the refill fails.
    const s = shape(t);
    expect([s[0], ...s.slice(3)]).toEqual(['OPEN', 'RECEIVE', 'RECEIVE', 'NAPI_COMPLETE_OOM(0)']);
    expect(s.slice(1, 3).sort()).toEqual(['DEVICE_RX(4500)', 'DEVICE_RX(60)']);
    expect(t.loop?.stutter).toBe(true);
  });

  test('deferred refill: refill_work refills the ring NAPI\'s failed refill left empty (7 steps); never without refill_work', () => {
    const t = witness('v3.13', 'deferredRefill');
    expect(shape(t).slice(-2)).toEqual(['NAPI_COMPLETE_OOM(0)', 'REFILL_WORK']);
    expect(t.steps).toHaveLength(7);
    expect(last(t).ring).toHaveLength(4);
    expect(verdict('no-refill-work', 'deferredRefill')).toBe('unreached');
  });

  test('build_skb finding: truesize is skb_size + sk_buff while the whole page stays pinned (3 steps)', () => {
    const t = counterexample('build-skb', 'truesizeIsMemoryHeld');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(1514)', 'RECEIVE']);
    // skb_size = SKB_DATA_ALIGN(1526) + 320 = 1856; truesize = 1856 + 256; held = 4096 + 256.
    expect(last(t).sock[0]).toMatchObject({ truesize: 2112, held: 4352, len: 1514 });
  });

  test('fb51879d finding: an MTU frame in the buffer that got the page\'s 1024-byte hole is charged 1536 (5 steps); 3.13 has no hole', () => {
    const t = counterexample('fb51879d', 'truesizeIsMemoryHeld');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(60)', 'DEVICE_RX(1514)', 'RECEIVE', 'RECEIVE']);
    expect(last(t).sock[1]).toMatchObject({ truesize: 768 + 1536, held: 768 + 2560 });
    expect(verdict('v3.13', 'truesizeIsMemoryHeld')).toBe('holds');
  });

  test('the frag_list is reached in 3.13 despite coalescing, when the packet starts on a page\'s second buffer', () => {
    const t = witness('v3.13', 'fragListPacket');
    expect(shape(t)).toEqual(['OPEN', 'DEVICE_RX(60)', 'DEVICE_RX(4500)', 'RECEIVE', 'RECEIVE']);
    expect(last(t).sock[1].frags).toEqual([2, 1]);
  });

  test('v3.12 needs no frag_list and never drops an honest packet at the check bounds', () => {
    expect(verdict('v3.12', 'fragListPacket')).toBe('unreached');
    expect(verdict('v3.12', 'fragsWithinMaxSkbFrags')).toBe('holds');
  });

  /**
   * The machine's ring bookkeeping (not a kernel property, so not in the manifest) checked on
   * every reachable state of every variant: a search with only ringIndicesOrdered (whose
   * violations are not expanded: past one the bookkeeping need not hold) and the bookkeeping as
   * invariants, so it also expands past the manifest's other violations and covers a superset
   * of the states the checker visits.
   */
  const bookkeeping = {
    name: 'ringRepresentationConsistent',
    doc: 'avail − last_used is the number of ring entries held, at most the ring size, and exactly the entries before used->idx are written.',
    holds: (s: ModelState<Ctx>, p: VirtqueueRxParams) => !ringIndicesOrdered.holds(s, p) || ringRepresentationConsistent(s.context, p),
  };
  const bookkeepingOnly = (instantiate = spec.instantiate): typeof spec => ({
    ...spec,
    instantiate,
    invariants: [ringIndicesOrdered, bookkeeping],
    liveness: [],
    goals: [],
  });

  test('the machine\'s ring bookkeeping matches its indices on every reachable state of every variant, up to a ring-order violation', () => {
    for (const v of spec.variants) {
      const r = check(bookkeepingOnly(), { variant: v.name });
      expect(r.stats.complete, v.name).toBe(true);
      expect(r.stats.distinct, v.name).toBeGreaterThanOrEqual(result(v.name).stats.distinct);
      expect(r.verdicts.find((x) => x.property === bookkeeping.name)?.verdict, v.name).toBe('holds');
    }
  });

  test('the bookkeeping check can fail: a device that advances used->idx without writing the buffers', () => {
    const broken = bookkeepingOnly((p, b) => ({
      ...spec.instantiate(p, b),
      machine: virtqueueRxMachine(p, b).provide({
        actions: {
          deviceRx: assign(({ context, event }) => {
            if (event.type !== 'DEVICE_RX') return context;
            const d = draft(context);
            const ring = [...d.ring];
            deviceWrite(d, event.len);
            return commit({ ...d, ring });
          }),
        },
      }),
    }));
    const r = check(broken, { variant: 'v3.13' });
    expect(r.verdicts.find((x) => x.property === bookkeeping.name)).toMatchObject({ verdict: 'violated', length: 2 });
  });
});

/** The explanation the checker appends to a violation's message: the text after its first ": ". */
function explanation(variant: string, property: string): string {
  const r = result(variant);
  const v = r.kind === 'violated' ? r.violations.find((x) => x.property === property) : undefined;
  expect(v, `${variant} should violate ${property}`).toBeDefined();
  const m = v!.message;
  const at = property === 'dryRingIsRefilled' || property === 'everyUsedBufferConsumed' ? m.indexOf('never reaching its goal: ') + 'never reaching its goal: '.length : m.indexOf(': ') + 2;
  expect(at, `${variant}/${property} has no explanation: ${m}`).toBeGreaterThan(1);
  return m.slice(at);
}

describe('virtqueue-rx: each counterexample explains itself with the values of its state', () => {
  test('v3.12: the stranded second page, then the skb built from it', () => {
    expect(explanation('v3.12', 'packetConsumesExactlyNumBuffers')).toBe(
      'the used entry at last_used_idx 65535 is a buffer of 416 bytes from the middle of a packet (no num_buffers of its own): the receive_buf that took the packet\'s head left it on the used ring instead of consuming all num_buffers entries, and receive_buf will read its first 12 payload bytes as a virtio_net_hdr_mrg_rxbuf and take num_buffers from payload bytes 10–11',
    );
    expect(explanation('v3.12', 'deliveredSkbsAreWholePackets')).toMatch(
      /^skb\[0\] \(len 404, 1 buffer in page 2 offset 0, frags \[1\]\) went up the stack but is not one whole packet of the device's: 404 bytes is not the length of any frame the device writes \(60, 1514, 4500 or 9000\)/,
    );
  });

  test('2613af0e: the 8-byte remainder, and the reference lost with the frag_list skb', () => {
    expect(explanation('error-path-not-drained', 'packetConsumesExactlyNumBuffers')).toMatch(/a buffer of 8 bytes from the middle of a packet .* at 8 bytes it is under 24 and will be dropped as a short packet$/);
    expect(explanation('error-path-not-drained', 'everyBufferHasOneOwner')).toBe(
      'page 0 has page_count 3 but its holders (avail[0] and the page-frag allocator) account for 2: 1 reference that no one will put, so the page is leaked',
    );
  });

  test('build_skb with `if (page)`: two owners; build_skb\'s truesize against the page it pins', () => {
    expect(explanation('page-returned-after-build-skb', 'everyBufferHasOneOwner')).toMatch(/^the buffer at page 3 offset 0 has 2 owners \(skb\[0\] and rq->pages\)/);
    expect(explanation('build-skb', 'truesizeIsMemoryHeld')).toMatch(/is charged truesize 2112 but pins 4352 bytes .*: 2240 bytes held against the socket are never charged/);
  });

  test('fb51879d: the 1024-byte hole is held but not charged', () => {
    expect(explanation('fb51879d', 'truesizeIsMemoryHeld')).toMatch(/^skb\[1\] \(len 1514, 1 buffer in page 1 offset 1536, frags \[1\]\) is charged truesize 2304 but pins 3328 bytes .*: 1024 bytes held/);
  });

  test('ring indices: the wide shadow passes used->idx; the overrunning device passes avail->idx', () => {
    expect(explanation('used-index-wide-shadow', 'ringIndicesOrdered')).toBe(
      'last_used_idx is 65538 (no longer a u16: 65538 mod 65536 = 2), used->idx 1, avail->idx 2: the driver\'s last_used_idx is 1 past used->idx on the 16-bit circle, so it consumed a used slot the device never wrote (more_used kept finding 65538 != 1)',
    );
    expect(explanation('device-overrun', 'ringIndicesOrdered')).toBe(
      'last_used_idx is 65534, used->idx 0, avail->idx 65535: used->idx is 1 past avail->idx, so the device published 1 used entry through a descriptor the driver never made available',
    );
  });

  test('frags, truesize below len, and the off-by-one that takes the next packet\'s head', () => {
    expect(explanation('frag-past-max', 'fragsWithinMaxSkbFrags')).toMatch(/its head skb has nr_frags 3, above MAX_SKB_FRAGS 2, so skb_add_rx_frag wrote frags\[2\]/);
    expect(explanation('coalesce-not-charged', 'truesizeCoversLength')).toMatch(/has truesize 3840, 660 bytes less than its len 4500/);
    expect(explanation('num-buffers-off-by-one', 'deliveredSkbsAreWholePackets')).toMatch(/its 132 bytes are a 60-byte frame plus the next packet's 60-byte frame with its 12-byte header, so receive_mergeable took one used entry beyond num_buffers/);
  });

  test('leads-to: the wrapped used->idx nobody sees; the dry ring nobody refills', () => {
    expect(explanation('used-index-no-wrap', 'everyUsedBufferConsumed')).toBe(
      'the device has used 3 buffers the driver has not consumed (last_used_idx 65534, used->idx 1): used->idx has wrapped past 65535 and is now numerically below last_used_idx, so a more_used test of last_used_idx < used->idx (65534 < 1) is false; virtnet_poll found no used buffer and ran napi_complete, and only another interrupt, which the device need not raise, would run it again',
    );
    expect(explanation('no-refill-work', 'dryRingIsRefilled')).toBe(
      'avail->idx is 2 and used->idx 2: no buffer is posted, NAPI is not scheduled (virtnet_poll ran napi_complete and waits for an interrupt), and refill_work is not scheduled: the refill that failed scheduled nothing, and with no buffer the device can deliver no packet and raise no interrupt, so no driver activity will ever post one',
    );
  });
});
