/**
 * The cm-checksum report's tables that do not depend on the stream: the
 * sender's skb allocation under memory pressure, measured detection, and
 * the cost of the design on bytes and in the machine.
 */
import type { SimTable } from '../../model/spec.js';
import { failureRates, POOL_PAGES } from '../../../properties/cm-checksum/allocation.js';
import { costOfTheDesign, replayCostWitness } from '../../../properties/cm-checksum/cost-of-design.js';
import { CATCHES, type DetectionRow } from '../../../properties/cm-checksum/detection-rates.js';
import { pagesNeeded } from '../../impl/cm-checksum/tx-skb.js';
import { pct } from './report.js';

/** Pressure scenarios for the allocation failure rates. */
export const ALLOC_SCENARIOS = 200;
/** Generated corruptions per treatment and corruption point. */
export const DETECTION_PER_CELL = 40;

export function allocationTable(seed: number): { table: SimTable; rates: ReturnType<typeof failureRates> } {
  const rates = failureRates(seed, ALLOC_SCENARIOS);
  return {
    rates,
    table: {
      title: `The sender's skb for a full 64 KB-MTU segment under generated memory pressure (buddy allocator, ${POOL_PAGES} pages of 4 KB)`,
      columns: ['skb layout (tcp_sendmsg, select_size)', 'device features', 'scenarios', 'allocations', 'refused', 'refusal rate', 'refused with enough pages free', 'rate'],
      rows: rates.map((r) => [
        r.path === 'linear' ? 'one linear order-5 block' : 'a one-page head and 16 order-0 fragment pages',
        r.path === 'linear' ? 'no NETIF_F_SG (upstream connected mode, or capability off)' : 'NETIF_F_SG (capability on)',
        r.scenarios,
        r.attempts,
        r.failures,
        pct(r.failures / r.attempts),
        r.fragmentationFailures,
        pct(r.fragmentationFailures / r.attempts),
      ]),
      notes: [
        `Both layouts play the same ${ALLOC_SCENARIOS} generated scenarios (fast-check sample, seed ${seed}): mixed-order allocations filling memory, a generated release, then segments sent and acknowledged amid more allocations and frees. "Enough pages free": ${pagesNeeded('linear')} for the linear skb, ${pagesNeeded('sg')} for scatter/gather.`,
      ],
    },
  };
}

const CATCH_LABEL: Record<(typeof CATCHES)[number], string> = {
  vcrc: 'VCRC',
  icrc: 'ICRC',
  'ip-header-checksum': 'IP header checksum',
  'ip-length-check': 'IP length check',
  'tcp-checksum': 'TCP checksum',
  'accepted-corrupt': 'accepted corrupt',
  harmless: 'harmless',
};

export function detectionTable(rows: readonly DetectionRow[], seed: number): SimTable {
  return {
    title: 'Measured detection: generated corruptions carried on real bytes, by what caught them',
    columns: ['treatment', 'corrupted at', 'corruptions', ...CATCHES.map((c) => CATCH_LABEL[c])],
    rows: rows.map((r) => [r.mode, r.at, r.corruptions, ...CATCHES.map((c) => r.caught[c])]),
    notes: [
      `${DETECTION_PER_CELL} corruptions per row (seed ${seed}): payloads of 1 to 9000 bytes (UD: 2004), the damage placed uniformly in the IP packet (memory), the IB packet (link) or the IB packet up to the ICRC (switch); memory patterns are one bit or a burst of up to 15, wire patterns one bit, two bits or a burst of up to 32 (properties/cm-checksum/arbitraries.ts). "Harmless": only a field nobody acts on changed (the VL, resv8a, or the check field of a trusted packet).`,
    ],
  };
}

export function costTables(): SimTable[] {
  const cost = costOfTheDesign();
  return [
    {
      title: "The cost of the design, on bytes: one bit flipped in A's memory after the checksum point",
      columns: ['mode', 'TCP check field on the wire', "B's ICRC check", 'fate', 'caught by', 'what the application reads'],
      rows: cost.rows.map((r) => [r.mode, r.checksumOnWire, r.icrcAtReceiver, r.fate, r.detectedBy, r.delivered ?? '(dropped)']),
      notes: [`Sent: "${cost.sent}". Corruption: ${cost.corruption}. The HCA computes the ICRC over the bytes it reads, so the ICRC is good; only the end-to-end TCP checksum could tell, and the skip removed it.`],
    },
    {
      title: 'The cost of the design, in the machine: the shortest counterexample to endToEndIntegrity (ib-crc-negotiation)',
      columns: ['step', 'event', 'negotiation', 'packet', 'fate'],
      rows: replayCostWitness().map((w) => [w.step, w.event, w.negotiated, w.packet, w.outcome]),
      notes: ["Both ends capable: the REQ and REP both carry the flag, A skips, B marks CHECKSUM_PARTIAL; a corruption in B's memory before delivery is then delivered as good data."],
    },
  ];
}

