/**
 * Sensitivity of the cm-checksum stream to the two rates the host file
 * could only estimate: csum_partial's, and the folded copy-and-checksum
 * loop's. Each row reprices the same stream for the three treatments that
 * matter (trusted; verified in the copy; verified in a separate pass).
 */
import type { SimTable } from '../../model/spec.js';
import { FOLDED_OVERLAP, foldedRate, type HostWithFoldedCopy } from '../hosts/xeon-e5v2-2014.js';
import { negotiate, type Negotiated } from './negotiate.js';
import { runStream } from './stream.js';
import type { RxVerify } from './costs.js';
import { GHZ, HOST, LINK, behaviour, fixed, pct } from './report.js';

/** The checksum and folded-loop rates the host file could not pin down, and what each would make of the figures. */
const SENSITIVITY: readonly { label: string; csumBpc: number; overlap: number }[] = [
  { label: 'this host: LLC-resident data, half the chain hidden', csumBpc: 3, overlap: FOLDED_OVERLAP },
  { label: 'folding free (the whole chain hidden)', csumBpc: 3, overlap: 1 },
  { label: 'no overlap (copy, then the chain)', csumBpc: 3, overlap: 0 },
  { label: 'DRAM-fed checksum (1.5 bytes/cycle, as xeon-x5550-ioat)', csumBpc: 1.5, overlap: FOLDED_OVERLAP },
  { label: 'DRAM-fed checksum, no overlap', csumBpc: 1.5, overlap: 0 },
];

export interface SensitivityRow {
  readonly label: string;
  readonly host: HostWithFoldedCopy;
  readonly trustedRx: number;
  readonly foldedRx: number;
  readonly separateRx: number;
  readonly bothGbps: number;
  readonly upstreamFoldedGbps: number;
  readonly toOldFoldedGbps: number;
}

export function sensitivity(sizes: readonly number[]): SensitivityRow[] {
  const both = negotiate(behaviour('ib-crc-negotiation'), 'on', 'on');
  const toOld = negotiate(behaviour('ib-crc-negotiation'), 'on', 'old');
  const upstream = negotiate(behaviour('upstream-2008'), 'old', 'old');
  return SENSITIVITY.map(({ label, csumBpc, overlap }) => {
    const csumBytesPerNs = csumBpc * GHZ;
    const host: HostWithFoldedCopy = { ...HOST, csumBytesPerNs, csumCopyBytesPerNs: foldedRate(HOST.memcpyBytesPerNs, csumBytesPerNs, overlap) };
    const run = (t: Negotiated, v: RxVerify) => runStream(host, LINK, t, v, sizes);
    const trusted = run(both, 'separate-pass');
    return {
      label,
      host,
      trustedRx: trusted.rxNsPerByte,
      foldedRx: run(toOld, 'folded-into-copy').rxNsPerByte,
      separateRx: run(toOld, 'separate-pass').rxNsPerByte,
      bothGbps: trusted.goodputGbps,
      upstreamFoldedGbps: run(upstream, 'folded-into-copy').goodputGbps,
      toOldFoldedGbps: run(toOld, 'folded-into-copy').goodputGbps,
    };
  });
}

export function sensitivityTable(rows: readonly SensitivityRow[]): SimTable {
  return {
    title: 'Sensitivity: the same stream under the checksum and folded-loop rates the host file estimates',
    columns: [
      'assumption',
      'checksum (bytes/cycle)',
      'copy and checksum in one loop (bytes/cycle)',
      'receive CPU, trusted (ns/byte)',
      'receive CPU, verified in the copy (ns/byte)',
      'receive CPU, verified in a separate pass (ns/byte)',
      'the skip saves, receive folded',
      'goodput, both capable (Gbit/s)',
      'goodput, upstream 2008 folded (Gbit/s)',
      'goodput, capable A to old B, folded (Gbit/s)',
    ],
    rows: rows.map((r) => [
      r.label,
      fixed(r.host.csumBytesPerNs / GHZ, 2),
      fixed(r.host.csumCopyBytesPerNs / GHZ, 2),
      fixed(r.trustedRx, 4),
      fixed(r.foldedRx, 4),
      fixed(r.separateRx, 4),
      pct((r.foldedRx - r.trustedRx) / r.foldedRx),
      fixed(r.bothGbps, 2),
      fixed(r.upstreamFoldedGbps, 2),
      fixed(r.toOldFoldedGbps, 2),
    ]),
    notes: [
      'Copy 2.5 bytes/cycle in every row; the same stream as above. "The skip saves": the share of the verified-in-the-copy receive CPU that trusting removes.',
    ],
  };
}

