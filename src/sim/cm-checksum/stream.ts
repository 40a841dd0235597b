/**
 * A bulk TCP stream over one IPoIB-CM connection as a discrete-event
 * pipeline: A's CPU builds and posts each message, the link carries it, B's
 * CPU receives it. The sender always has data (a bulk transfer), so the
 * stream runs at the pace of its slowest resource, and the simulation says
 * which one that is. Flow control (the TCP window, RC credits) is left out:
 * it would throttle the sender to the same pace.
 */
import { EventQueue } from '../event-queue.js';
import { Server } from '../server.js';
import type { LinkCosts } from '../cost-model.js';
import type { HostWithFoldedCopy } from '../hosts/xeon-e5v2-2014.js';
import { messageCost, total, type RxVerify } from './costs.js';
import type { Negotiated } from './negotiate.js';

export interface StreamResult {
  readonly messages: number;
  readonly payloadBytes: number;
  readonly deliveredBytes: number;
  readonly elapsedNs: number;
  /** Receiver CPU per payload byte offered, ns. */
  readonly rxNsPerByte: number;
  readonly txNsPerByte: number;
  /** Share of the receiver's CPU time spent on the TCP checksum. */
  readonly rxChecksumShare: number;
  /** Delivered payload, Gbit/s. */
  readonly goodputGbps: number;
  /** Payload rate of the busiest resource if every message were delivered, Gbit/s. */
  readonly slowestResourceGbps: number;
  readonly bottleneck: 'sender CPU' | 'link' | 'receiver CPU' | 'no connection';
}

export function runStream(h: HostWithFoldedCopy, link: LinkCosts, t: Negotiated, verify: RxVerify, sizes: readonly number[]): StreamResult {
  const payloadBytes = sizes.reduce((a, b) => a + b, 0);
  if (!t.connected) {
    return { messages: 0, payloadBytes, deliveredBytes: 0, elapsedNs: 0, rxNsPerByte: 0, txNsPerByte: 0, rxChecksumShare: 0, goodputGbps: 0, slowestResourceGbps: 0, bottleneck: 'no connection' };
  }
  const q = new EventQueue();
  const a = new Server('A cpu', q);
  const wire = new Server('link', q);
  const b = new Server('B cpu', q);
  let deliveredBytes = 0;
  let lastDelivery = 0;
  for (const size of sizes) {
    const c = messageCost(h, link, t, size, verify);
    const serveAll = (s: Server, costs: Readonly<Record<string, number>>, done: () => void) => {
      const entries = Object.entries(costs);
      entries.forEach(([cat, ns], i) => s.serve(ns, cat, i === entries.length - 1 ? done : undefined));
    };
    serveAll(a, c.tx, () =>
      wire.serve(c.wireNs, 'wire', () =>
        serveAll(b, c.rx, () => {
          if (c.delivered) deliveredBytes += size;
          lastDelivery = q.now;
        }),
      ),
    );
  }
  q.run(Number.MAX_SAFE_INTEGER);
  const busiest = Math.max(a.busyNs, wire.busyNs, b.busyNs);
  const bottleneck = busiest === b.busyNs ? 'receiver CPU' : busiest === wire.busyNs ? 'link' : 'sender CPU';
  return {
    messages: sizes.length,
    payloadBytes,
    deliveredBytes,
    elapsedNs: lastDelivery,
    rxNsPerByte: b.busyNs / payloadBytes,
    txNsPerByte: a.busyNs / payloadBytes,
    rxChecksumShare: b.share('checksum'),
    goodputGbps: lastDelivery > 0 ? (deliveredBytes * 8) / lastDelivery : 0,
    slowestResourceGbps: (payloadBytes * 8) / busiest,
    bottleneck,
  };
}

/** Per-message receive CPU per payload byte, without the pipeline (for plots over message sizes). */
export function rxNsPerByte(h: HostWithFoldedCopy, link: LinkCosts, t: Negotiated, verify: RxVerify, payload: number): number {
  return total(messageCost(h, link, t, payload, verify).rx) / payload;
}
