/**
 * When does handing a copy to the DMA engine beat copying with the CPU? Two
 * measures, both from the host profile. CPU time: the engine costs the CPU a
 * descriptor's setup and reaping (per page piece) plus the pinning of the
 * destination page, while the CPU copy costs copyNs. Time to data: the
 * reader can use the bytes only once the cookie completes (setup, engine
 * copy, completion), against the CPU copy's duration; this is the seed's
 * answer's "activating and waiting for the IOAT interrupt".
 */
import { copyNs, dmaCopyNs, type DmaEngineCosts, type HostCosts } from '../cost-model.js';
import type { RecvPathCosts } from './costs.js';

export interface CrossoverPoint {
  readonly bytes: number;
  readonly cpuCopyNs: number;
  readonly dmaCpuNs: number;
  readonly dmaLatencyNs: number;
}

/** Descriptors for one copy of `bytes` into a page-aligned buffer. */
const pieces = (bytes: number, page: number) => Math.max(1, Math.ceil(bytes / page));

export function crossoverCurve(host: HostCosts, dma: DmaEngineCosts, path: RecvPathCosts, sizes: readonly number[]): CrossoverPoint[] {
  return sizes.map((bytes) => {
    const n = pieces(bytes, path.pageBytes);
    const pin = (bytes / path.pageBytes) * (path.pinPageNs + path.unpinPageNs);
    return {
      bytes,
      cpuCopyNs: copyNs(host, bytes),
      dmaCpuNs: n * (dma.setupNs + path.dmaReapNs) + pin,
      dmaLatencyNs: n * dma.setupNs + dmaCopyNs(dma, bytes) + dma.completionNs,
    };
  });
}

/** Smallest size (searched in 64-byte steps up to 1 MiB) from which DMA is cheaper for the CPU; Infinity if never. */
export function cpuCrossoverBytes(host: HostCosts, dma: DmaEngineCosts, path: RecvPathCosts): number {
  for (let b = 64; b <= 1 << 20; b += 64) {
    const [p] = crossoverCurve(host, dma, path, [b]);
    if (p.dmaCpuNs < p.cpuCopyNs) return b;
  }
  return Infinity;
}

/** Smallest size from which the data is in the buffer sooner by DMA than by a CPU copy; Infinity if never. */
export function latencyCrossoverBytes(host: HostCosts, dma: DmaEngineCosts, path: RecvPathCosts): number {
  for (let b = 64; b <= 1 << 20; b += 64) {
    const [p] = crossoverCurve(host, dma, path, [b]);
    if (p.dmaLatencyNs < p.cpuCopyNs) return b;
  }
  return Infinity;
}
