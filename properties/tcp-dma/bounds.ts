/**
 * Throughput and cost bounds of the receive copy path, as predicates over
 * simulation results (src/sim/tcp-dma). Each returns a verdict with the
 * figures it compared, so a failure prints why.
 */
import type { OneCopyResult } from '../../src/sim/tcp-dma/one-copy.js';

export interface BoundVerdict {
  readonly holds: boolean;
  readonly detail: string;
}

/** The seed's three runs, in its order: NET_DMA off, on, on with sk_rcvlowat 200 KB. */
export interface SeedTriple {
  readonly off: number;
  readonly on: number;
  readonly onRcvlowat: number;
}

export const SEED_THROUGHPUT_MBIT: SeedTriple = { off: 930, on: 890, onRcvlowat: 874 };
export const SEED_COPY_SHARE: SeedTriple = { off: 0.361, on: 0.335, onRcvlowat: 0.251 };

const strictlyFalling = (t: SeedTriple) => t.off > t.on && t.on > t.onRcvlowat;
const show = (t: SeedTriple, f: (x: number) => string) => `${f(t.off)} / ${f(t.on)} / ${f(t.onRcvlowat)}`;

/** Throughput falls strictly from NET_DMA off to on to on with a raised sk_rcvlowat, as in the seed. */
export function throughputOrderingMatchesSeed(t: SeedTriple): BoundVerdict {
  return { holds: strictlyFalling(t), detail: `Mbit/s off / on / on+rcvlowat = ${show(t, (x) => x.toFixed(1))} (seed 930 / 890 / 874)` };
}

/** The CPU share spent copying falls strictly in the same order, as in the seed. */
export function copyShareOrderingMatchesSeed(t: SeedTriple): BoundVerdict {
  return {
    holds: strictlyFalling(t),
    detail: `copy share off / on / on+rcvlowat = ${show(t, (x) => (100 * x).toFixed(1) + '%')} (seed 36.1% / 33.5% / 25.1%)`,
  };
}

/** The size from which DMA beats the CPU copy lies at or above a page (the seed's answer: "at about PAGE_SIZE"). */
export function dmaCrossoverAtLeastAPage(crossoverBytes: number, pageBytes: number): BoundVerdict {
  const shown = Number.isFinite(crossoverBytes) ? `${crossoverBytes} B` : 'never (up to 1 MiB)';
  return { holds: crossoverBytes >= pageBytes, detail: `DMA beats the CPU copy from ${shown}; a page is ${pageBytes} B` };
}

/**
 * Seed 001: with transmit zero-copy and receive copying once, receive is
 * bounded by 1 / (1/transmit + 1/copy bandwidth), strictly below transmit.
 */
export function receiveBoundedByItsCopy(r: OneCopyResult): BoundVerdict {
  return {
    holds: r.rxGbps <= r.rxBoundGbps * (1 + 1e-9) && r.rxGbps < r.txGbps,
    detail: `transmit ${r.txGbps.toFixed(2)} Gbit/s, receive ${r.rxGbps.toFixed(2)} Gbit/s, bound ${r.rxBoundGbps.toFixed(2)} Gbit/s on a ${r.linkGbps} Gbit/s link (seed 1.4 / 0.9)`,
  };
}
