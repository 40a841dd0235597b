/**
 * A 4x QDR InfiniBand link (2008 onwards, the link of the proposal's era
 * on Oracle's systems): 4 lanes at 10 Gbit/s signalling, 8b/10b encoded,
 * so 32 Gbit/s of data. Each IB packet carries an LRH (8 bytes), a BTH (12),
 * an ICRC (4) and a VCRC (2), the framing src/impl/cm-checksum/ib-packet.ts
 * builds; the link-layer start and end delimiters and flow-control packets
 * are left out (a few bytes per packet). A PCIe 3.0 x8 HCA (about 63
 * Gbit/s) is not the bottleneck.
 */
import type { LinkCosts } from '../cost-model.js';

export const ibQdr4x: LinkCosts = {
  name: 'ib-qdr-4x',
  bitsPerSecond: 32e9,
  overheadBytes: 8 + 12 + 4 + 2,
  source: 'IBTA 4x QDR: 40 Gbit/s signalling, 8b/10b; per-packet LRH + BTH + ICRC + VCRC',
};
