/**
 * The accounting tables of `rxspec simulate virtqueue-rx`: truesize / len of
 * MTU-sized frames and the TCP window it leaves, and 64 KiB GSO packets on a
 * 256-entry ring, from the reference implementation's own records.
 */
import type { SimTable } from '../../model/spec.js';
import { defaultParams } from '../../model/params.js';
import { params, type VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import { variants } from '../../../models/virtqueue-rx/variants.js';
import type { Behaviour } from '../../../models/virtqueue-rx/behaviour.js';
import type { Rng } from '../rng.js';
import { account, mean, type PacketAccount } from './accounting.js';
import { copyChunks } from './throughput.js';

const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;

/**
 * The versions compared: the model's version variants but fb51879d (3.14 has its hole), and Dalton's
 * patch alone (2613af0e, before ba275241's coalescing and 8fc3b9e9's err_skb). `variant` is the
 * checked variant whose behaviour each row runs: 2613af0e is the bug variant error-path-not-drained.
 */
export const SIM_VERSIONS: readonly { name: string; variant: string; doc: string; b: Behaviour }[] = [
  { name: 'v3.12', variant: 'v3.12', doc: '4 KiB pages', b: behaviour('v3.12') },
  { name: '2613af0e', variant: 'error-path-not-drained', doc: '1518-B frags, frag_list (the seed\'s patch)', b: behaviour('error-path-not-drained') },
  { name: 'v3.13', variant: 'v3.13', doc: '1536-B frags, coalescing', b: behaviour('v3.13') },
  { name: 'v3.14-ewma', variant: 'v3.14-ewma', doc: 'EWMA-sized frags, the hole', b: behaviour('v3.14-ewma') },
  { name: 'build-skb', variant: 'build-skb', doc: 'the reply\'s build_skb', b: behaviour('build-skb') },
];

/** A table note saying which checked variant each simulated version runs, and what the simulation leaves unexercised. */
export function versionsNote(versions: readonly { name: string; variant: string }[]): string {
  const map = versions.map((v) =>
    v.name === v.variant
      ? `${v.name} = ${v.variant}`
      : `${v.name} = ${v.variant} (Dalton's 2613af0e alone; the simulated traffic injects no allocation failure, so the undrained error paths that variant is checked for never run here)`,
  );
  return `Each row runs the behaviour of a checked variant (row = variant): ${map.join(', ')}.`;
}

/** tcp_rmem[1] (87380, net/ipv4/tcp.c) and tcp_rmem[2] (6 MiB in 3.x [I]); tcp_adv_win_scale 1 advertises half. */
export const RCVBUFS = [87380, 6 * 1024 * 1024] as const;

export const MTU_FRAME = 1514;
export const GSO_FRAME = 65549;

export const r2 = (x: number) => Math.round(x * 100) / 100;
export const r0 = (x: number) => Math.round(x);

export function kernelParams(): VirtqueueRxParams {
  return { ...defaultParams(params), ringSize: 256 };
}

/** Frames of one length, each with its own contents (from the seeded Rng). */
export function stream(rng: Rng, length: number, n: number): { lengths: number[]; seed: number } {
  return { lengths: new Array<number>(n).fill(length), seed: rng.int(1, 2 ** 30) };
}

export function mtuTable(rng: Rng, versions = SIM_VERSIONS): { table: SimTable; ratio: Map<string, number> } {
  const p = kernelParams();
  const ratio = new Map<string, number>();
  const rows = versions.map(({ name, b }) => {
    const s = stream(rng, MTU_FRAME, 400);
    const acc = account(b, p, s.lengths, s.seed).slice(100); // after the 3.14 EWMA has settled
    const truesize = mean(acc.map((a) => a.truesize));
    const held = mean(acc.map((a) => a.held));
    const len = mean(acc.map((a) => a.len));
    ratio.set(name, truesize / len);
    const windows = RCVBUFS.map((rcvbuf) => r0(Math.min(rcvbuf / 2, (rcvbuf * len) / truesize)));
    return [name, r2(mean(acc.map((a) => a.buffers))), r0(truesize), r0(held), r2(truesize / len), r2(held / len), ...windows];
  });
  return {
    ratio,
    table: {
      title: 'truesize / len of MTU-sized frames (1514 B) and the TCP window they leave',
      columns: ['version', 'buffers', 'truesize', 'memory held', 'truesize/len', 'held/len', ...RCVBUFS.map((r) => `window @ rcvbuf ${r}`)],
      rows,
      notes: [
        'truesize and held are the implementation\'s own figures per delivered skb, head skb (768 B) included; held counts whole buffers (the hole fb51879d added to a page\'s last buffer, in 3.14; the page under build_skb).',
        'window = min(rcvbuf/2, rcvbuf × len/truesize): tcp_adv_win_scale = 1 advertises half of rcvbuf, and a queue whose truesize fills rcvbuf first is pruned and collapsed.',
        'Seed (Dalton): "SKB truesize is > 4KB but only ~1500 bytes of the buffer is used ... reducing the effective TCP window size substantially".',
      ],
    },
  };
}

/** Per version, the GSO figures the findings quote. */
export interface GsoFigures {
  readonly buffers: number;
  readonly perRing: number;
  readonly frags: number;
  readonly fragListSkbs: number;
  readonly copyChunks: number;
  /** Buffers carved from each 32 KiB compound page (0 with whole pages). */
  readonly buffersPerCompoundPage: number;
}

export function figures(acc: readonly PacketAccount[], ringSize: number): GsoFigures {
  const buffers = mean(acc.map((a) => a.buffers));
  const compound = acc.reduce((n, a) => n + a.ops.compoundAllocs, 0);
  return {
    buffers,
    perRing: Math.floor(ringSize / buffers),
    frags: mean(acc.map((a) => a.frags)),
    fragListSkbs: mean(acc.map((a) => a.fragListSkbs)),
    copyChunks: mean(acc.map(copyChunks)),
    buffersPerCompoundPage: compound > 0 ? acc.reduce((n, a) => n + a.ops.adds, 0) / compound : 0,
  };
}

export function ringTable(rng: Rng, versions = SIM_VERSIONS): { table: SimTable; gso: Map<string, GsoFigures> } {
  const p = kernelParams();
  const gso = new Map<string, GsoFigures>();
  // 3.13 again on order-0 frag pages: the fallback when no 32 KiB page is free.
  const orderZero = versions.filter((v) => v.name === 'v3.13').map((v) => ({ ...v, name: 'v3.13, 4 KiB frag pages', p: { ...p, pageFragSize: p.pageSize } }));
  const rows = [...versions.map((v) => ({ ...v, p })), ...orderZero].map(({ name, b, p }) => {
    const s = stream(rng, GSO_FRAME, 150);
    const acc = account(b, p, s.lengths, s.seed).slice(20);
    const f = figures(acc, p.ringSize);
    gso.set(name, f);
    return [
      name,
      r2(f.buffers),
      f.perRing,
      r2(mean(acc.map((a) => a.availableBefore)) / f.buffers),
      r2(f.frags),
      r2(f.fragListSkbs),
      r2(mean(acc.map((a) => a.truesize)) / GSO_FRAME),
    ];
  });
  return {
    gso,
    table: {
      title: 'Full-size 64 KiB GSO packets (65549-byte frames) on a 256-entry ring',
      columns: ['version', 'buffers/packet', 'packets in a full ring', 'packets the ring holds on average', 'frags', 'frag_list skbs', 'truesize/len'],
      rows,
      notes: [
        'Seed (Wang): "a virtqueue can only hold about 4 full size gso packets" with MTU-sized buffers.',
        'The average is over the moments the device writes, with virtio_net\'s refill threshold letting the ring fall to half before refilling.',
      ],
    },
  };
}
