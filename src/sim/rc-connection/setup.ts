/**
 * The measurement the seed reports, as simulation options: netperf
 * UDP_STREAM with 128-byte messages for 10 s between two 2008 hosts over
 * IB 4x DDR, the 2008 IPoIB ring sizes, and the socket buffers netperf
 * printed (114688 bytes).
 */
import { connectxDdr2008, ibDdr4x } from '../hosts/connectx-ddr-2008.js';
import { xeon5400_2008, xeon5400_2008Kernel } from '../hosts/xeon-5400-2008.js';
import type { SimOptions, SimVariant } from './ipoib-cm-sim.js';

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
  /** netperf's printed socket sizes. */
  rcvbufBytes: 114688,
  copybreak: 256,
} as const;

export function seedOptions(variant: SimVariant, seed: number, over: Partial<SimOptions> = {}): SimOptions {
  return {
    variant,
    seed,
    ...SEED_RUN,
    costs: { host: xeon5400_2008, kernel: xeon5400_2008Kernel, hca: connectxDdr2008 },
    link: ibDdr4x,
    ...over,
  };
}

/** The seed's figures (000_794c8e6a5cf78645.txt). */
export const SEED = {
  before: { netperfSends: 5_142_034, netperfMbps: 526.31, received: 1_130_489, receivedMbps: 115.71, portXmit: 1_543_996, ifconfigTx: 1_581_426 },
  after: { mbps: 315 },
} as const;
