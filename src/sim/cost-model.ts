/**
 * The shared cost model: what receive-path work costs on a given host, as
 * physical per-operation figures with their sources. Every simulation prices
 * its work through these functions, so the same copy costs the same in every
 * model that runs on the same host. Figures are estimates justified in each
 * host's file (src/sim/hosts/), never values tuned to reproduce a seed.
 */

export interface HostCosts {
  readonly name: string;
  /** The machine this stands for, e.g. "2-socket Xeon 5400, DDR2-667 (2008)". */
  readonly description: string;
  /** Kernel-to-user (or kernel-to-kernel) copy of cache-cold data, bytes per ns (= GB/s). */
  readonly memcpyBytesPerNs: number;
  /** Fixed cost of one copy call (function entry, page walk of the first page), ns. */
  readonly copySetupNs: number;
  /** Software ones'-complement checksum (csum_partial) over cache-cold data, bytes per ns. */
  readonly csumBytesPerNs: number;
  /** alloc_page(GFP_ATOMIC) plus its later free, ns. */
  readonly pageAllocNs: number;
  /** Allocating and initialising an skb (head kmalloc plus struct sk_buff), ns. */
  readonly skbAllocNs: number;
  /** dma_map_page plus dma_unmap_page for one page, ns. */
  readonly dmaMapNs: number;
  /** Per-packet receive protocol work (driver completion, netif_receive_skb, IP, transport demux), ns. */
  readonly rxPacketNs: number;
  /** Per-packet transmit work (socket send, IP output, driver post), ns. */
  readonly txPacketNs: number;
  /** Waking a sleeping reader and switching to it, ns. */
  readonly wakeupNs: number;
  /** Where each figure comes from: field name to source or reasoning. */
  readonly sources: Readonly<Record<string, string>>;
}

export interface LinkCosts {
  readonly name: string;
  /** Data rate available to packets, bits per second. */
  readonly bitsPerSecond: number;
  /** Per-packet bytes on the wire beyond the payload (headers, CRCs, framing). */
  readonly overheadBytes: number;
  readonly source: string;
}

/** An asynchronous copy engine (Intel I/OAT on 2.6.32 hosts). */
export interface DmaEngineCosts {
  readonly name: string;
  /** Per-transfer descriptor setup on the CPU, ns. */
  readonly setupNs: number;
  /** Engine copy bandwidth, bytes per ns. */
  readonly bytesPerNs: number;
  /** From issue to the completion being visible to the CPU (interrupt or poll), ns. */
  readonly completionNs: number;
  readonly source: string;
}

export function copyNs(h: HostCosts, bytes: number): number {
  return bytes > 0 ? h.copySetupNs + bytes / h.memcpyBytesPerNs : 0;
}

export function checksumNs(h: HostCosts, bytes: number): number {
  return bytes / h.csumBytesPerNs;
}

/** Time a packet of `bytes` occupies the link. */
export function wireNs(l: LinkCosts, bytes: number): number {
  return ((bytes + l.overheadBytes) * 8 * 1e9) / l.bitsPerSecond;
}

/** CPU time to hand one copy to the engine (the engine's own time is not CPU time). */
export function dmaIssueNs(d: DmaEngineCosts): number {
  return d.setupNs;
}

/** Engine busy time for one copy. */
export function dmaCopyNs(d: DmaEngineCosts, bytes: number): number {
  return bytes / d.bytesPerNs;
}
