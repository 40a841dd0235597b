/**
 * `rxspec simulate cm-checksum`: what the negotiated skip buys and costs.
 *
 * For each pair of ends, the treatment comes from the variant's machine
 * (src/sim/cm-checksum/negotiate.ts) and is priced with the shared cost
 * model on an IPoIB-CM host of the proposal's era (src/sim/hosts/
 * xeon-e5v2-2014.ts) and a 4x QDR link, over a generated bulk stream. The
 * report adds the allocation failure rates of both buffer paths under
 * generated memory pressure, and the cost of the design shown on bytes and
 * as the machine's witness.
 */
import type { SimReport, SimTable, Simulation } from '../../model/spec.js';
import { xeonE5v2_2014 } from '../hosts/xeon-e5v2-2014.js';
import { ibQdr4x } from '../hosts/ib-qdr-4x.js';
import { variants } from '../../../models/cm-checksum/variants.js';
import type { Cap } from '../../../models/cm-checksum/context.js';
import { deliversAtSlowestResourceRate } from '../../../properties/cm-checksum/throughput.js';
import { failureRates, POOL_PAGES } from '../../../properties/cm-checksum/allocation.js';
import { costOfTheDesign, replayCostWitness } from '../../../properties/cm-checksum/cost-of-design.js';
import { negotiate, type Negotiated } from './negotiate.js';
import { runStream, rxNsPerByte, type StreamResult } from './stream.js';
import type { RxVerify } from './costs.js';
import { bulkSegments, MSS } from './traffic.js';

const HOST = xeonE5v2_2014;
const LINK = ibQdr4x;
/** 64 MiB per stream (about a thousand 64 KB segments: far past the pipeline's start-up), in writes of 1 MiB on average. */
const STREAM_BYTES = 64 * 2 ** 20;
const MEAN_WRITE = 2 ** 20;
/** Pressure scenarios for the allocation failure rates. */
const ALLOC_SCENARIOS = 300;

interface Scenario {
  readonly label: string;
  readonly variant: string;
  readonly capA: Cap;
  readonly capB: Cap;
}

const MAIN_SCENARIOS: readonly Scenario[] = [
  { label: 'both ends capable', variant: 'ib-crc-negotiation', capA: 'on', capB: 'on' },
  { label: 'capable A, old driver B', variant: 'ib-crc-negotiation', capA: 'on', capB: 'old' },
  { label: 'upstream 2008 (no negotiation)', variant: 'upstream-2008', capA: 'old', capB: 'old' },
  { label: 'capable A, old driver B', variant: 'bug-skip-on-own-capability', capA: 'on', capB: 'old' },
];

function scenariosFor(variant?: string): readonly Scenario[] {
  if (variant === undefined) return MAIN_SCENARIOS;
  const own = MAIN_SCENARIOS.filter((s) => s.variant === variant);
  if (own.length) return own;
  return [
    { label: 'both ends capable', variant, capA: 'on', capB: 'on' },
    { label: 'capable A, old driver B', variant, capA: 'on', capB: 'old' },
  ];
}

const behaviour = (name: string) => {
  const v = variants.find((x) => x.name === name);
  if (!v) throw new Error(`cm-checksum has no variant '${name}'`);
  return v.behaviour;
};

const fixed = (x: number, d: number) => x.toFixed(d);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function aChecksum(t: Negotiated): string {
  if (!t.connected) return 'no connection';
  if (t.skip) return 'skipped';
  return t.features.ipCsum ? 'software (skb_checksum_help)' : 'folded into the copy from user';
}

function bVerify(t: Negotiated, verify: RxVerify): string {
  if (!t.connected) return '—';
  if (t.trust) return 'trusted (CHECKSUM_UNNECESSARY)';
  if (t.skip) return 'software, which fails: no checksum';
  return verify === 'separate-pass' ? 'separate pass (softirq)' : 'folded into the copy to user';
}

interface Row {
  readonly s: Scenario;
  readonly t: Negotiated;
  readonly verify: RxVerify;
  readonly r: StreamResult;
}

function streamRows(scenarios: readonly Scenario[], sizes: readonly number[]): Row[] {
  const rows: Row[] = [];
  for (const s of scenarios) {
    const t = negotiate(behaviour(s.variant), s.capA, s.capB);
    // A trusted packet is never verified, and a skipped one that is not trusted fails verification either
    // way: the receive path makes no difference, so those are one run.
    const modes: RxVerify[] = t.trust || t.skip ? ['separate-pass'] : ['separate-pass', 'folded-into-copy'];
    for (const verify of modes) rows.push({ s, t, verify, r: runStream(HOST, LINK, t, verify, sizes) });
  }
  return rows;
}

function streamTable(rows: readonly Row[], sizes: readonly number[]): SimTable {
  const full = sizes.filter((x) => x === MSS).length;
  return {
    title: `A bulk TCP stream over one IPoIB-CM connection (${HOST.name}, ${LINK.name})`,
    columns: ['ends', 'variant', "A's checksum", "B's verification", 'receive CPU (ns/byte)', 'transmit CPU (ns/byte)', 'receive CPU on the checksum', 'goodput (Gbit/s)', 'bottleneck', deliversAtSlowestResourceRate.name],
    rows: rows.map(({ s, t, verify, r }) => [
      s.label,
      s.variant,
      aChecksum(t),
      bVerify(t, verify),
      fixed(r.rxNsPerByte, 4),
      fixed(r.txNsPerByte, 4),
      pct(r.rxChecksumShare),
      fixed(r.goodputGbps, 2),
      r.bottleneck,
      deliversAtSlowestResourceRate.holds(r) ? 'holds' : 'violated',
    ]),
    notes: [
      `${sizes.length} segments (${full} of the full MSS of ${MSS} bytes), ${(STREAM_BYTES / 2 ** 20).toFixed(0)} MiB written in exponentially distributed writes of mean ${(MEAN_WRITE / 2 ** 20).toFixed(0)} MiB.`,
      'CPU per byte counts every payload byte offered, delivered or not. The treatment of each pair of ends is the machine\'s (one connect and one packet stepped through the variant).',
    ],
  };
}

function allocationTable(seed: number): { table: SimTable; rates: ReturnType<typeof failureRates> } {
  const rates = failureRates(seed, ALLOC_SCENARIOS);
  return {
    rates,
    table: {
      title: `64 KB-MTU packet buffers under generated memory pressure (buddy allocator, ${POOL_PAGES} pages of 4 KB)`,
      columns: ['buffer path', 'device features', 'scenarios', 'allocations', 'refused', 'refusal rate', 'refused with enough pages free', 'rate'],
      rows: rates.map((r) => [
        r.path === 'linear' ? 'one linear order-5 block' : '16 order-0 pages',
        r.path === 'linear' ? 'no NETIF_F_SG (upstream connected mode, or capability off)' : 'NETIF_F_SG (capability on)',
        r.scenarios,
        r.attempts,
        r.failures,
        pct(r.failures / r.attempts),
        r.fragmentationFailures,
        pct(r.fragmentationFailures / r.attempts),
      ]),
      notes: [
        `Both paths play the same ${ALLOC_SCENARIOS} generated scenarios (fast-check sample, seed ${seed}): mixed-order allocations filling memory, a generated release, then packets arriving and being read amid more allocations and frees. "Enough pages free": 32 for the linear path, 16 for scatter/gather.`,
      ],
    },
  };
}

function costTables(): SimTable[] {
  const cost = costOfTheDesign();
  return [
    {
      title: 'The cost of the design, on bytes: one bit flipped in A\'s memory after the checksum point',
      columns: ['mode', 'TCP check field on the wire', "B's ICRC check", 'fate', 'caught by', 'what the application reads'],
      rows: cost.rows.map((r) => [r.mode, r.checksumOnWire, r.icrcAtReceiver, r.fate, r.detectedBy, r.delivered ?? '(dropped)']),
      notes: [`Sent: "${cost.sent}". Corruption: ${cost.corruption}. The HCA computes the ICRC over the bytes it reads, so the ICRC is good; only the end-to-end TCP checksum could tell, and the skip removed it.`],
    },
    {
      title: 'The cost of the design, in the machine: the shortest witness of corruptionAcceptedAsGood (ib-crc-negotiation)',
      columns: ['step', 'event', 'negotiation', 'packet', 'fate'],
      rows: replayCostWitness().map((w) => [w.step, w.event, w.negotiated, w.packet, w.outcome]),
      notes: ['Both ends capable: the REQ and REP both carry the flag, A skips, B trusts; a corruption in B\'s memory before delivery is then delivered as good data.'],
    },
  ];
}

const PLOT_SIZES = [1024, 2048, 4096, 8192, 16384, 32768, MSS];

function plots() {
  const both = negotiate(behaviour('ib-crc-negotiation'), 'on', 'on');
  const toOld = negotiate(behaviour('ib-crc-negotiation'), 'on', 'old');
  const upstream = negotiate(behaviour('upstream-2008'), 'old', 'old');
  const rxSeries = (name: string, t: Negotiated, v: RxVerify) => ({
    name,
    points: PLOT_SIZES.map((n) => [n, Number(rxNsPerByte(HOST, LINK, t, v, n).toFixed(4))] as const),
  });
  const goodput = (name: string, t: Negotiated) => ({
    name,
    points: PLOT_SIZES.map((n) => [n, Number(runStream(HOST, LINK, t, 'separate-pass', Array(400).fill(n)).goodputGbps.toFixed(3))] as const),
  });
  return [
    {
      title: 'Receive CPU per byte against segment size',
      xLabel: 'TCP payload per segment (bytes)',
      yLabel: 'receive CPU (ns per byte)',
      series: [
        rxSeries('trusted (both capable)', both, 'separate-pass'),
        rxSeries('verified, separate pass', toOld, 'separate-pass'),
        rxSeries('verified, folded into the copy', toOld, 'folded-into-copy'),
      ],
    },
    {
      title: 'Goodput against segment size (separate verification pass)',
      xLabel: 'TCP payload per segment (bytes)',
      yLabel: 'goodput (Gbit/s)',
      series: [goodput('both ends capable', both), goodput('capable A, old driver B', toOld), goodput('upstream 2008', upstream)],
    },
  ];
}

function findings(rows: readonly Row[], rates: ReturnType<typeof failureRates>, seed: number): string[] {
  const out: string[] = [];
  const find = (variant: string, capB: Cap, verify: RxVerify) => rows.find((x) => x.s.variant === variant && x.s.capB === capB && (x.t.trust || x.verify === verify));
  const both = find('ib-crc-negotiation', 'on', 'separate-pass');
  const oldSep = find('ib-crc-negotiation', 'old', 'separate-pass');
  const oldFold = find('ib-crc-negotiation', 'old', 'folded-into-copy');
  const up = find('upstream-2008', 'old', 'separate-pass');
  const upFold = find('upstream-2008', 'old', 'folded-into-copy');
  const bug = find('bug-skip-on-own-capability', 'old', 'separate-pass');
  if (both && oldSep) {
    out.push(
      `With both ends capable the receiver spends ${fixed(both.r.rxNsPerByte, 3)} ns per byte and the stream runs at ${fixed(both.r.goodputGbps, 1)} Gbit/s (${both.r.bottleneck}); towards an old driver, verifying in a separate pass, ${fixed(oldSep.r.rxNsPerByte, 3)} ns per byte (${pct(oldSep.r.rxChecksumShare)} of it on the checksum) and ${fixed(oldSep.r.goodputGbps, 1)} Gbit/s (${oldSep.r.bottleneck}).`,
    );
  }
  if (oldFold && both) {
    out.push(
      `When the reader is waiting, 2.6 folds the verification into the copy to the user, and a folded loop runs at the pace of the slower of copy (${fixed(HOST.memcpyBytesPerNs, 2)} bytes/ns) and checksum (${fixed(HOST.csumBytesPerNs, 2)} bytes/ns): the receiver then spends ${fixed(oldFold.r.rxNsPerByte, 3)} ns per byte against ${fixed(both.r.rxNsPerByte, 3)} trusted, so on that path the skip saves ${fixed(oldFold.r.rxNsPerByte - both.r.rxNsPerByte, 3)} ns per byte: DaveM's 2006 point that checksumming during the copy is nearly free.`,
    );
  }
  if (oldSep && up && upFold && oldFold) {
    out.push(
      `The fallback has a transmit price: towards an old driver a capable A claims NETIF_F_IP_CSUM, so the stack copies without checksumming and the driver makes a second pass (skb_checksum_help), ${fixed(oldSep.r.txNsPerByte, 3)} ns per byte against ${fixed(up.r.txNsPerByte, 3)} for upstream, which folds the checksum into csum_and_copy_from_user; with the folded receive path this makes the sender the bottleneck at ${fixed(oldFold.r.goodputGbps, 1)} Gbit/s against upstream's ${fixed(upFold.r.goodputGbps, 1)}. The second pass is priced as cache-cold, an upper bound: the data was copied moments before.`,
    );
  }
  if (bug) {
    out.push(
      `bug-skip-on-own-capability towards an old driver delivers ${fixed(bug.r.goodputGbps, 2)} Gbit/s: every segment arrives without a checksum and the old driver's software verification drops it. The throughput bound ${deliversAtSlowestResourceRate.name} fails there and holds in every correct scenario.`,
    );
  }
  const [linear, sg] = rates;
  out.push(
    `Under the generated memory pressure (seed ${seed}, ${linear.scenarios} scenarios, ${linear.attempts} packets) a linear order-5 buffer was refused ${pct(linear.failures / linear.attempts)} of the time, ${pct(linear.fragmentationFailures / linear.attempts)} with 32 or more pages free; 16 single pages were refused ${pct(sg.failures / sg.attempts)} of the time, never with 16 pages free. The rates depend on the generator (this one fills memory with mixed orders, then frees a generated subset); the zero does not.`,
  );
  out.push(
    'Fidelity: the 2.6 IPoIB-CM receive ring already used 16 page fragments (ipoib_cm_alloc_rx_skb), so the order-5 allocation the seed reports is the linear skb the stack builds for a 64 KB packet when the device lacks NETIF_F_SG (on transmit, and when a received skb must be linearised); the allocation experiment is the same for either.',
  );
  out.push(
    'The seed gives no figures ("a high degree performance improvement"), so there is nothing to reproduce; the figures here rest on the host file\'s cycle estimates, marked [I], not on measurements. The 2006 figures in kernel-facts section 2 (286 against 782 MB/s) compare MTUs on other hardware and are not comparable.',
  );
  return out;
}

export const cmChecksumSimulation: Simulation = {
  doc:
    'A bulk TCP stream over one IPoIB-CM connection on a 2014 Ivy Bridge-EP host and a 4x QDR link, for the treatment each ' +
    'variant\'s machine gives each pair of ends (skip and trust, or compute and verify in a separate pass or folded into ' +
    'the copy), priced with the shared cost model; the allocation failure rates of linear order-5 and scatter/gather ' +
    'buffers under generated memory pressure; and the cost of the design on bytes and in the machine.',
  run({ variant, seed }): SimReport {
    const sizes = bulkSegments(seed, STREAM_BYTES, MEAN_WRITE);
    const rows = streamRows(scenariosFor(variant), sizes);
    const { table: alloc, rates } = allocationTable(seed);
    return {
      tables: [streamTable(rows, sizes), alloc, ...costTables()],
      plots: plots(),
      findings: findings(rows, rates, seed),
    };
  },
};
