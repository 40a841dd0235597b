/**
 * When does handing a copy to the DMA engine beat copying with the CPU? Two
 * measures, both from the host profile, for one copy of `bytes` into a
 * page-aligned user buffer (dma_memcpy_to_iovec: one descriptor per page).
 * CPU time: the CPU prepares and submits each descriptor, reaps it, takes
 * its completion interrupt where the driver raises one per link (an
 * isolated copy's links finish further apart than the interrupt latency, so
 * they do not share one), and pins and unpins every page it touches; the CPU
 * copy costs copyNs. Time to data: the reader can use the bytes once the
 * last descriptor's completion is visible (setup, the engine's copy, the
 * completion latency and its interrupt), against the CPU copy's duration:
 * the seed's answer's "activating and waiting for the IOAT interrupt".
 */
import { copyNs, dmaCopyNs, type DmaEngineCosts, type HostCosts } from '../cost-model.js';
import type { RecvPathCosts } from './costs.js';

export interface CrossoverPoint {
  readonly bytes: number;
  readonly cpuCopyNs: number;
  readonly dmaCpuNs: number;
  readonly dmaLatencyNs: number;
}

const pages = (bytes: number, page: number) => Math.max(1, Math.ceil(bytes / page));

export function crossoverPoint(host: HostCosts, dma: DmaEngineCosts, path: RecvPathCosts, bytes: number): CrossoverPoint {
  const n = pages(bytes, path.pageBytes);
  const perDescCpu = dma.setupNs + path.dmaReapDescNs + path.dmaIrqNs;
  return {
    bytes,
    cpuCopyNs: copyNs(host, bytes),
    dmaCpuNs: n * perDescCpu + n * (path.pinPageNs + path.unpinPageNs),
    dmaLatencyNs: n * (dma.setupNs + path.dmaLinkNs) + dmaCopyNs(dma, bytes) + dma.completionNs + path.dmaIrqNs,
  };
}

export function crossoverCurve(host: HostCosts, dma: DmaEngineCosts, path: RecvPathCosts, sizes: readonly number[]): CrossoverPoint[] {
  return sizes.map((b) => crossoverPoint(host, dma, path, b));
}

/** The largest size searched: 1 MiB. A crossover beyond it is reported as Infinity ("never"). */
export const CROSSOVER_LIMIT = 1 << 20;

function first(pred: (p: CrossoverPoint) => boolean, host: HostCosts, dma: DmaEngineCosts, path: RecvPathCosts): number {
  for (let b = 64; b <= CROSSOVER_LIMIT; b += 64) if (pred(crossoverPoint(host, dma, path, b))) return b;
  return Infinity;
}

/** Smallest size (in 64-byte steps) from which DMA costs the CPU less than copying; Infinity if never. */
export function cpuCrossoverBytes(host: HostCosts, dma: DmaEngineCosts, path: RecvPathCosts): number {
  return first((p) => p.dmaCpuNs < p.cpuCopyNs, host, dma, path);
}

/** Smallest size from which the data is in the buffer sooner by DMA than by a CPU copy; Infinity if never. */
export function latencyCrossoverBytes(host: HostCosts, dma: DmaEngineCosts, path: RecvPathCosts): number {
  return first((p) => p.dmaLatencyNs < p.cpuCopyNs, host, dma, path);
}
