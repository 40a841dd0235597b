/**
 * The measurement the seed reports, as simulation options: netperf
 * UDP_STREAM with 128-byte messages for 10 s between two 2008 hosts over
 * IB 4x DDR, the 2008 IPoIB ring sizes, the socket buffers netperf printed
 * (114688 bytes), and a model variant's behaviour. Which variants the
 * simulation can stand for is decided from their behaviour and parameters,
 * not from their names.
 */
import { KERNEL_2008, type RcBehaviour } from '../../../models/rc-connection/behaviour.js';
import { params } from '../../../models/rc-connection/params.js';
import { variants } from '../../../models/rc-connection/variants.js';
import { connectxDdr2008, ibDdr4x } from '../hosts/connectx-ddr-2008.js';
import { xeon5400_2008, xeon5400_2008Kernel, type SlabAllocator } from '../hosts/xeon-5400-2008.js';
import type { NetserverPlacement, SimOptions } from './ipoib-cm-sim.js';

export const SEED_RUN = {
  payloadBytes: 128,
  durationNs: 10e9,
  /** IPOIB_TX_RING_SIZE and IPOIB_RX_RING_SIZE in 2008 (kernel-facts §1.1). */
  sendqSize: 64,
  recvqSize: 128,
  /** IPOIB_MAX_PATH_REC_QUEUE. */
  neighQueue: 3,
  /** ipoib_setup: dev->tx_queue_len = ipoib_sendq_size * 2. */
  txqueuelen: 128,
  /** ipoib_main.c: netif_napi_add(dev, &priv->napi, ipoib_poll, 100). */
  napiWeight: 100,
  /** netperf's printed socket sizes, both ends. */
  sndbufBytes: 114688,
  rcvbufBytes: 114688,
  copybreak: 256,
} as const;

/** The behaviour switches the simulation implements; a variant that changes any other cannot be simulated. */
const SIMULATED: readonly (keyof RcBehaviour)[] = ['copybreak', 'txPacketsOnSuccessOnly', 'wakeOffByOne'];
/** The parameters the simulation takes from a variant (the others are the seed run's). */
const SIMULATED_PARAMS = ['rnr_retry'];

function simulable(v: (typeof variants)[number]): boolean {
  const b = v.behaviour as unknown as Record<string, unknown>;
  const base = KERNEL_2008 as unknown as Record<string, unknown>;
  const sameElsewhere = Object.keys(base).every((k) => SIMULATED.includes(k as keyof RcBehaviour) || b[k] === base[k]);
  return sameElsewhere && Object.keys(v.params ?? {}).every((k) => SIMULATED_PARAMS.includes(k));
}

/** Model variants the simulation stands for, in the model's order. */
export const SIM_VARIANTS: readonly string[] = variants.filter(simulable).map((v) => v.name);

/** Options beyond SimOptions: the host's slab allocator. */
export interface SetupOptions extends Partial<SimOptions> {
  readonly allocator?: SlabAllocator;
}

/** The seed's run for model variant `variant`, with overrides (a what-if, a shorter run, a bug). */
export function seedOptions(variant: string, seed: number, over: SetupOptions = {}): SimOptions {
  const v = variants.find((x) => x.name === variant);
  if (!v || !simulable(v)) throw new Error(`the simulation covers ${SIM_VARIANTS.join(', ')}, not '${variant}'`);
  const { allocator = 'SLUB', ...rest } = over;
  const netserver: NetserverPlacement = rest.netserver ?? 'own core';
  const rnrDefault = params.rnr_retry.kind === 'int' ? params.rnr_retry.default : 0;
  return {
    label: variant,
    behaviour: v.behaviour,
    rnrRetry: (v.params?.rnr_retry as number | undefined) ?? rnrDefault,
    seed,
    ...SEED_RUN,
    netserver,
    costs: {
      host: xeon5400_2008,
      // Receive skbs are freed where netserver runs: on the interrupt's core their lines stay local.
      kernel: xeon5400_2008Kernel(allocator, netserver === 'own core' ? 'another core' : 'the same core'),
      hca: connectxDdr2008,
    },
    link: ibDdr4x,
    ...rest,
  };
}

/** The seed's figures (000_794c8e6a5cf78645.txt). */
export const SEED = {
  before: { netperfSends: 5_142_034, netperfMbps: 526.31, received: 1_130_489, receivedMbps: 115.71, portXmit: 1_543_996, ifconfigTx: 1_581_426 },
  after: { mbps: 315 },
} as const;
