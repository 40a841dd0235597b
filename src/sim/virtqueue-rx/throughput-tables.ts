/**
 * The throughput tables of `rxspec simulate virtqueue-rx`: full-size GSO
 * receive per version on the kvm-2013 host, the 2613af0e change against
 * v3.12 over the estimates it depends on (per-buffer costs, copy rate, and
 * fixed per-packet guest work the model leaves out), the fixed work at which
 * the change is the seed's 10%, and a descheduling scenario.
 */
import type { SimTable } from '../../model/spec.js';
import type { Rng } from '../rng.js';
import { kvm2013 } from '../hosts/kvm-2013.js';
import { account, mean, type PacketAccount } from './accounting.js';
import { GSO_FRAME, SIM_VERSIONS, kernelParams, r0, r2, stream } from './accounting-tables.js';
import { virtio2013, type VirtioCosts } from './costs.js';
import { priceRun, runPipeline, type PacketCost, type PipelineResult } from './throughput.js';

function scaled(v: VirtioCosts, k: number): VirtioCosts {
  return {
    ...v,
    guestAddBufNs: v.guestAddBufNs * k,
    guestGetBufNs: v.guestGetBufNs * k,
    pageRefNs: v.pageRefNs * k,
    addRxFragNs: v.addRxFragNs * k,
    vhostPerDescNs: v.vhostPerDescNs * k,
  };
}

export const pctOf = (x: number, ref: number) => (100 * (x - ref)) / ref;
export const pctText = (x: number) => `${x >= 0 ? '+' : ''}${r2(x)}%`;

/** The estimates the grids vary. */
export interface CostPoint {
  readonly perBuffer?: number;
  readonly memcpy?: number;
  /** Fixed guest work per packet added to the model's (ns). */
  readonly extraGuestNs?: number;
  readonly pauseWho?: 'vcpu' | 'vhost';
}

/** The two versions the grids compare: the base and Dalton's patch as posted. */
export const PAIR = ['v3.12', '2613af0e'] as const;

/** What one version's pipeline did at one cell of the fixed-work grid. */
export interface CellRun {
  readonly guestNs: number;
  readonly hostNs: number;
  readonly guestBusy: number;
  readonly refills: number;
  readonly refillsToStarvedHost: number;
}

export interface FixedCell {
  /** 2613af0e against v3.12, in %. */
  readonly drop: number;
  readonly runs: ReadonlyMap<string, CellRun>;
}

export const PER_BUFFER = [0.5, 1, 2] as const;
export const MEMCPY = [2.5, 5, 10] as const;
export const EXTRA_GUEST_NS = [0, 5_000, 10_000, 20_000, 40_000] as const;
const PACKETS = 1500;

export function throughputTables(rng: Rng, versions = SIM_VERSIONS) {
  const p = kernelParams();
  const runs = versions.map(({ name, b }) => {
    const s = stream(rng, GSO_FRAME, 150);
    return { name, b, acc: account(b, p, s.lengths, s.seed).slice(20) };
  });
  type Run = { res: PipelineResult; cost: PacketCost[]; acc: PacketAccount[] };
  const pipeline = (o: CostPoint = {}, only?: readonly string[]) =>
    new Map(
      runs
        .filter(({ name }) => !only || only.includes(name))
        .map(({ name, b, acc }) => {
          const host = { ...kvm2013, memcpyBytesPerNs: o.memcpy ?? kvm2013.memcpyBytesPerNs };
          const cost = priceRun(acc, host, scaled(virtio2013, o.perBuffer ?? 1), o.extraGuestNs ?? 0);
          const res = runPipeline(acc, cost, {
            ringSize: p.ringSize,
            threshold: b.refillThreshold,
            packets: PACKETS,
            pauseNs: o.pauseWho ? 100_000 : 0,
            periodNs: o.pauseWho ? 1_000_000 : 0,
            pauseWho: o.pauseWho,
          });
          return [name, { res, cost, acc } as Run] as const;
        }),
    );
  const gbps = (m: Map<string, Run>, n: string) => m.get(n)?.res.gbitPerSecond ?? NaN;
  /** Guest work per packet (receive and its share of the refill) and the vhost thread's, from one run. */
  const workPerPacket = ({ cost, acc }: Run) => ({
    guestNs: mean(cost.map((c) => c.guestNs)) + mean(acc.map((a) => a.ops.adds)) * cost[0].refillPerBufferNs,
    hostNs: mean(cost.map((c) => c.hostNs)),
  });
  /** One cell of the fixed-work grid: the change, and per version what the pipeline did. */
  const fixedCell = (o: CostPoint): FixedCell => {
    const m = pipeline(o, PAIR);
    return {
      drop: pctOf(gbps(m, PAIR[1]), gbps(m, PAIR[0])),
      runs: new Map(
        [...m].map(([n, r]) => [
          n,
          { ...workPerPacket(r), guestBusy: r.res.guestUtilization, refills: r.res.refills, refillsToStarvedHost: r.res.refillsToStarvedHost },
        ]),
      ),
    };
  };
  /** The 2613af0e change against v3.12 at one point of the estimates, in %. */
  const drop = (o: CostPoint) => {
    const m = pipeline(o, PAIR);
    return pctOf(gbps(m, PAIR[1]), gbps(m, PAIR[0]));
  };
  const base = pipeline();
  const change = new Map(runs.map(({ name }) => [name, pctOf(gbps(base, name), gbps(base, 'v3.12'))]));
  const guestNs = new Map<string, number>();
  const guestBusy = new Map<string, number>();
  const rows = runs.map(({ name }) => {
    const run = base.get(name)!;
    const { res } = run;
    const { guestNs: guest, hostNs: host } = workPerPacket(run);
    guestNs.set(name, guest);
    guestBusy.set(name, res.guestUtilization);
    return [name, r0(guest), r0(host), guest >= host ? 'guest vCPU' : 'vhost thread', Math.round((1000 * Math.max(guest, host)) / GSO_FRAME) / 1000, r2(res.gbitPerSecond), pctText(change.get(name)!)];
  });
  const copyGrid = PER_BUFFER.map((k) => MEMCPY.map((m) => drop({ perBuffer: k, memcpy: m })));
  const fixedCells = PER_BUFFER.map((k) => EXTRA_GUEST_NS.map((x) => fixedCell({ perBuffer: k, extraGuestNs: x })));
  const fixedGrid = fixedCells.map((row) => row.map((c) => c.drop));
  // The fixed guest work per packet at which the change is the seed's −10% (the change shrinks as it grows).
  const tenPercentAt = (() => {
    if (drop({}) >= -10) return 0;
    let lo = 0;
    let hi = 200_000;
    if (drop({ extraGuestNs: hi }) < -10) return NaN;
    for (let i = 0; i < 14; i++) {
      const mid = (lo + hi) / 2;
      if (drop({ extraGuestNs: mid }) < -10) lo = mid;
      else hi = mid;
    }
    return hi;
  })();
  const pauses = (['vcpu', 'vhost'] as const).map((who) => pipeline({ pauseWho: who }));
  const pauseRows = runs.map(({ name }) => [name, r2(gbps(base, name)), ...pauses.map((m) => pctText(pctOf(gbps(m, name), gbps(base, name))))]);
  const flat = copyGrid.flat();
  // Where the guest is the bottleneck everywhere, per-packet costs alone would give a −10% change at
  // y with (g0 + y) / (g1 + y) = 0.9: y = 9·g1 − 10·g0.
  const g0 = guestNs.get('v3.12') ?? NaN;
  const g1 = guestNs.get('2613af0e') ?? NaN;
  return {
    change,
    guestNs,
    guestBusy,
    costOnlyChange: pctOf(g0, g1) /* throughput ∝ 1/cost */,
    costOnlyTenPercentAt: 9 * g1 - 10 * g0,
    copyGrid,
    fixedGrid,
    fixedCells,
    tenPercentAt,
    // The seed says "about 10%" without a range, so no window around −10% is claimed: the
    // report names the copy-grid cell nearest to it and how far it is.
    grid: { min: Math.min(...flat), max: Math.max(...flat), nearestTen: nearestTo(-10, copyGrid) },
    rows,
    pauseRows,
    throughput: {
      title: 'Full-size GSO receive on the kvm-2013 host: cost per packet and per byte, throughput',
      columns: ['version', 'guest ns/packet', 'vhost ns/packet', 'bottleneck', 'ns/byte', 'Gbit/s', 'vs v3.12'],
      rows,
      notes: [
        `Costs: src/sim/hosts/kvm-2013.ts (memcpy ${kvm2013.memcpyBytesPerNs} B/ns, page alloc ${kvm2013.pageAllocNs} ns, skb alloc ${kvm2013.skbAllocNs} ns, ${kvm2013.rxPacketNs} ns per skb of IP/TCP) and src/sim/virtqueue-rx/costs.ts (per descriptor ${virtio2013.guestGetBufNs}-${virtio2013.guestAddBufNs} ns in the guest, ${virtio2013.vhostPerDescNs} ns in vhost; order-3 page ${virtio2013.compoundPageAllocNs} ns), all estimates with their reasoning.`,
        'Operation counts per packet are the implementation\'s own (descriptors, page allocations and reference changes, skb allocations); the application\'s copy to user space runs on the guest vCPU.',
        'Seed (Wang): "performance of full size gso packet drops about 10%" with Dalton\'s MTU-sized buffers.',
      ],
    } satisfies SimTable,
    sensitivity: {
      title: 'Throughput change of 2613af0e against v3.12 over per-buffer costs and the copy rate',
      columns: ['per-buffer costs', ...MEMCPY.map((m) => `memcpy ${m} B/ns`)],
      rows: PER_BUFFER.map((k, i) => [`×${k}`, ...copyGrid[i].map(pctText)]),
      notes: [
        'Per-buffer costs: guest descriptor add/get, page reference, frag fill, vhost descriptor, all scaled together. memcpy: the per-byte copy rate of both copies (vhost into the guest, the guest to the user).',
      ],
    } satisfies SimTable,
    fixedSensitivity: {
      title: 'Throughput change of 2613af0e against v3.12 with fixed guest work per packet that the model leaves out',
      columns: ['per-buffer costs', ...EXTRA_GUEST_NS.map((x) => `+${x / 1000} µs/packet`)],
      rows: PER_BUFFER.map((k, i) => [`×${k}`, ...fixedGrid[i].map(pctText)]),
      notes: [
        'Fixed work per packet on the guest vCPU (the bottleneck): VM exits and interrupt injection, the rest of the stack and the application, none of it depending on how the packet was split into buffers. It dilutes the per-buffer difference.',
        Number.isFinite(tenPercentAt)
          ? `At the base estimates the change is −10% with ${r2(tenPercentAt / 1000)} µs of such work per packet.`
          : 'Even 200 µs of such work per packet leaves the change beyond −10%.',
      ],
    } satisfies SimTable,
    fixedStalls: {
      title: 'Behind the fixed-work grid: the guest vCPU\'s busy share, and the refills that found the vhost thread out of buffers',
      columns: ['per-buffer costs', 'version', ...EXTRA_GUEST_NS.map((x) => `+${x / 1000} µs/packet`)],
      rows: PER_BUFFER.flatMap((k, i) =>
        PAIR.filter((n) => fixedCells[i][0].runs.has(n)).map((n) => [
          `×${k}`,
          n,
          ...fixedCells[i].map((c) => {
            const r = c.runs.get(n)!;
            return `${Math.round(100 * r.guestBusy)}%, ${r.refillsToStarvedHost}/${r.refills}`;
          }),
        ]),
      ),
      notes: [
        'Each cell: the share of the run the guest vCPU is busy, then how many of the refills (virtnet_poll refilling the ring at its threshold) found the vhost thread already waiting for buffers. A refill that comes while the vhost thread still has buffers costs the guest nothing; one that comes after it ran dry leaves the guest idle while the next packet is written.',
        bottleneckNote(fixedCells),
      ],
    } satisfies SimTable,
    pauses: {
      title: 'A side descheduled for 100 µs every 1 ms: what a ring holding few GSO packets loses',
      columns: ['version', 'Gbit/s', 'guest vCPU paused', 'vhost thread paused'],
      rows: pauseRows,
      notes: ['A scenario, not a measurement.'],
    } satisfies SimTable,
  };
}

/** Cells (per-buffer scale, fixed work) of the fixed-work grid where a version's vhost thread does more work per packet than its guest vCPU. */
export function hostBoundCells(cells: readonly (readonly FixedCell[])[]): { k: number; extraNs: number; version: string }[] {
  return PER_BUFFER.flatMap((k, i) =>
    EXTRA_GUEST_NS.flatMap((x, j) => [...cells[i][j].runs].filter(([, r]) => r.hostNs > r.guestNs).map(([version]) => ({ k, extraNs: x, version }))),
  );
}

/** Where the bottleneck (the side with more work per packet) is, over the grid, in words. */
export function bottleneckNote(cells: readonly (readonly FixedCell[])[]): string {
  const host = hostBoundCells(cells);
  if (host.length === 0) {
    return `The bottleneck does not move: the guest vCPU does more work per packet than the vhost thread in every cell, for ${PAIR.join(' and ')} alike.`;
  }
  return `The vhost thread does more work per packet than the guest vCPU at ${host.map((c) => `×${c.k} +${c.extraNs / 1000} µs (${c.version})`).join(', ')}; everywhere else the guest vCPU does.`;
}

/** Adjacent cells of a row where adding fixed guest work deepens the drop instead of diluting it. */
export function deepenings(cells: readonly (readonly FixedCell[])[]): { row: number; from: number; to: number }[] {
  return cells.flatMap((row, i) => row.slice(1).flatMap((c, j) => (c.drop < row[j].drop ? [{ row: i, from: j, to: j + 1 }] : [])));
}

/** The copy-grid cell whose change is nearest to `target` (%): its value and where it is. */
export function nearestTo(target: number, grid: readonly (readonly number[])[]): { value: number; perBuffer: number; memcpy: number } {
  let best = { value: NaN, perBuffer: NaN, memcpy: NaN };
  PER_BUFFER.forEach((k, i) =>
    MEMCPY.forEach((m, j) => {
      const x = grid[i][j];
      if (!(Math.abs(x - target) >= Math.abs(best.value - target))) best = { value: x, perBuffer: k, memcpy: m };
    }),
  );
  return best;
}
