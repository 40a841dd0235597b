/**
 * Runs the reference implementation (src/impl/virtqueue-rx) over a stream of
 * frames and records, for each packet, what the implementation itself
 * counted: buffers, truesize, memory held, frags and frag_list skbs, and the
 * operations the driver performed (descriptors, page allocations and
 * reference changes, skb allocations), refill included. Every figure of the
 * simulation is priced from these records.
 */
import type { Behaviour } from '../../../models/virtqueue-rx/behaviour.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import { VirtnetRx } from '../../impl/virtqueue-rx/index.js';
import { frameBytes } from '../../traffic/ethernet-frames.js';

export interface PacketAccount {
  readonly len: number;
  readonly buffers: number;
  readonly truesize: number;
  readonly held: number;
  /** Frags over the whole chain (head and frag_list skbs). */
  readonly frags: number;
  readonly fragListSkbs: number;
  /** Bytes copied into the head skb's linear area. */
  readonly headCopy: number;
  /** Buffers available to the device when it wrote this packet. */
  readonly availableBefore: number;
  /** Buffer length the driver would post next (the 3.14 EWMA decision; fixed otherwise). */
  readonly nextBufLen: number;
  readonly ops: {
    readonly gets: number;
    readonly adds: number;
    readonly pageAllocs: number;
    readonly compoundAllocs: number;
    readonly pageRefs: number;
    readonly skbAllocs: number;
  };
}

function counters(rx: VirtnetRx) {
  const m = rx.mem.ops;
  return {
    gets: rx.vq.ops.gets,
    adds: rx.vq.ops.adds,
    pageAllocs: m.allocs - m.compoundAllocs,
    compoundAllocs: m.compoundAllocs,
    pageRefs: m.gets + m.puts,
    skbAllocs: rx.skbs.ops.slabAllocs + rx.skbs.ops.builds,
  };
}

/**
 * The device writes each frame as soon as buffers allow; the driver receives
 * it, the application reads it at once, and virtnet_poll's refill runs at its
 * threshold (no allocation fails).
 */
export function account(b: Behaviour, p: VirtqueueRxParams, lengths: readonly number[], seed = 1): PacketAccount[] {
  const rx = new VirtnetRx(b, p);
  rx.open();
  rx.napiComplete();
  const out: PacketAccount[] = [];
  lengths.forEach((len, i) => {
    const before = counters(rx);
    const availableBefore = (rx.ring.availIdx - rx.ring.usedIdx) & 0xffff;
    const buffers = rx.deviceRx(frameBytes(len, seed + i));
    if (buffers === 0) throw new Error(`a ${len}-byte frame does not fit the ${p.ringSize}-entry ring of ${availableBefore} buffers`);
    const skb = rx.receive();
    if (!skb) throw new Error('packet dropped without an injected failure');
    const chain = rx.skbs.chain(skb);
    const record = {
      len: skb.len,
      buffers,
      truesize: skb.truesize,
      held: skb.held,
      frags: chain.reduce((n, s) => n + s.shinfo.nrFrags, 0),
      fragListSkbs: chain.length - 1,
      headCopy: skb.head.kind === 'slab' ? skb.linearLen : 0,
      availableBefore,
    };
    rx.read();
    rx.napiComplete();
    if (rx.refill !== 'none') {
      // refill_work re-enables NAPI, whose poll finds nothing and completes.
      rx.refillWork();
      rx.napiComplete();
    }
    const after = counters(rx);
    out.push({
      ...record,
      nextBufLen: rx.supply.bufferLen(),
      ops: {
        gets: after.gets - before.gets,
        adds: after.adds - before.adds,
        pageAllocs: after.pageAllocs - before.pageAllocs,
        compoundAllocs: after.compoundAllocs - before.compoundAllocs,
        pageRefs: after.pageRefs - before.pageRefs,
        skbAllocs: after.skbAllocs - before.skbAllocs,
      },
    });
  });
  return out;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
