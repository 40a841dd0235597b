/**
 * netperf UDP_STREAM over IPoIB connected mode between two 2008 hosts, as a
 * discrete-event simulation: the options, and the run that wires the parts
 * together. The sender's core runs netperf's sendto loop, the transmit
 * completions (NAPI, at softirq priority) and the CM and reap work
 * (sender.ts, connection.ts); the HCA sends WRs in order over a serial link
 * and the responder takes SRQ buffers or answers RNR NAK (hca.ts); the
 * receiver's core handles receive completions by the copybreak or the
 * replacement path and netserver reads the socket (receiver.ts). The same
 * rules as the model decide what happens (rnr_retry 0 fails the WR and
 * flushes the QP, the error completion tears the tx down, the next packet
 * re-creates it), read from the variant's RcBehaviour; the cost model
 * decides when. Every message's fate is tracked (world.ts, result.ts).
 */
import type { RcBehaviour } from '../../../models/rc-connection/behaviour.js';
import type { LinkCosts } from '../cost-model.js';
import type { Costs } from './costs.js';
import { Hca } from './hca.js';
import { Receiver } from './receiver.js';
import { collect, type SimResult } from './result.js';
import { Sender } from './sender.js';
import { World } from './world.js';

/** Seeded simulator bugs, for showing that the bounds and properties can fail. */
export interface SimBugs {
  /** The receiver's per-packet CPU is not charged. */
  readonly rxCpuUncharged?: boolean;
  /** Packets do not occupy the link. */
  readonly linkUnserialized?: boolean;
  /** Flushed sends leave the ring without being given a fate. */
  readonly flushUncounted?: boolean;
  /** ipoib_cm_send never calls netif_stop_queue. */
  readonly noQueueStop?: boolean;
  /** Skbs dropped on neigh->queue are freed without tx_dropped++. */
  readonly neighDropUncounted?: boolean;
}

/** Where netserver runs: a core of its own, or the receiving interrupt's core, where softirq work comes first. */
export type NetserverPlacement = 'own core' | 'interrupt core';

export interface SimOptions {
  /** The name this run is reported under (a model variant, or a what-if on one). */
  readonly label: string;
  /** The model variant's behaviour switches; the simulation reads copybreak, txPacketsOnSuccessOnly and wakeOffByOne. */
  readonly behaviour: RcBehaviour;
  /** rnr_retry_count of the RC QP (0 in IPoIB; 7 retries forever). */
  readonly rnrRetry: number;
  readonly seed: number;
  readonly payloadBytes: number;
  readonly durationNs: number;
  readonly costs: Costs;
  readonly link: LinkCosts;
  readonly sendqSize: number;
  readonly recvqSize: number;
  readonly neighQueue: number;
  /** dev->tx_queue_len: IPoIB sets it to 2 * ipoib_sendq_size. */
  readonly txqueuelen: number;
  /** NAPI weight of ipoib_poll: completions handled per poll round. */
  readonly napiWeight: number;
  /** netperf's SO_SNDBUF: sendto sleeps while the socket's skbs in flight reach it. */
  readonly sndbufBytes: number;
  /** netserver's SO_RCVBUF: a datagram that would exceed it is dropped at the socket. */
  readonly rcvbufBytes: number;
  readonly copybreak: number;
  readonly netserver: NetserverPlacement;
  readonly bugs?: SimBugs;
  /** What-if only, never the seed's run: the replacement receive path costs this many times the profile's estimate (default 1). */
  readonly replacementCostFactor?: number;
  /** Sample the SRQ and the connection every `sampleNs` for the first `sampleWindowNs`. */
  readonly sampleNs?: number;
  readonly sampleWindowNs?: number;
}

export function simulate(o: SimOptions): SimResult {
  const w = new World(o);
  const receiver = new Receiver(w);
  const sender = new Sender(w);
  const hca = new Hca(w, sender, receiver);
  sender.attach(hca);
  sender.start();
  receiver.start();
  if (o.sampleNs) sample(w, sender, receiver);
  w.q.run(o.durationNs);
  return collect(w, sender, receiver);
}

function sample(w: World, sender: Sender, receiver: Receiver): void {
  const o = w.o;
  w.samples.push({ t: w.q.now, srqFree: receiver.srqFree, up: sender.cur?.state === 'up' ? 1 : 0, sends: w.sends, wire: w.c.portData });
  if (w.q.now + o.sampleNs! <= (o.sampleWindowNs ?? 0)) w.q.after(o.sampleNs!, () => sample(w, sender, receiver));
}

export type { SimResult };
