/**
 * Prices each packet the implementation accounted for with the host's
 * costs, and runs the receive pipeline as a discrete-event simulation: the
 * vhost-net thread (host CPU) copies a packet into guest buffers when enough
 * are available; the guest vCPU receives it, the application copies it to
 * user space, and virtnet_poll refills the ring at its threshold. The slower
 * of the two, and stalls for buffers, set the throughput.
 */
import { copyNs, type HostCosts } from '../cost-model.js';
import { EventQueue } from '../event-queue.js';
import { Server } from '../server.js';
import { HDR_MRG } from '../../impl/virtqueue-rx/sizes.js';
import type { Behaviour } from '../../../models/virtqueue-rx/behaviour.js';
import type { PacketAccount } from './accounting.js';
import type { VirtioCosts } from './costs.js';

export interface PacketCost {
  /** Guest vCPU work to receive the packet and copy it to the application (refill excluded). */
  readonly guestNs: number;
  /** Guest work per buffer posted by the refill, averaged over the run. */
  readonly refillPerBufferNs: number;
  /** vhost thread work to write the packet into guest buffers. */
  readonly hostNs: number;
}

/**
 * Splits the accounted operations into receive work and refill work and prices both.
 * `extraGuestNs` is fixed per-packet guest work the model leaves out (VM exits and
 * interrupt injection, the rest of the stack, the application), for the sensitivity grid.
 */
export function priceRun(acc: readonly PacketAccount[], h: HostCosts, v: VirtioCosts, extraGuestNs = 0): PacketCost[] {
  const adds = acc.reduce((n, a) => n + a.ops.adds, 0);
  const refillNs = acc.reduce(
    (n, a) => n + a.ops.adds * v.guestAddBufNs + a.ops.pageAllocs * h.pageAllocNs + a.ops.compoundAllocs * v.compoundPageAllocNs,
    0,
  );
  const refillPerBufferNs = adds > 0 ? refillNs / adds : 0;
  return acc.map((a) => {
    const chunks = copyChunks(a);
    const userCopy = chunks * h.copySetupNs + a.len / h.memcpyBytesPerNs;
    const guestNs =
      a.ops.gets * v.guestGetBufNs +
      a.ops.pageRefs * v.pageRefNs +
      a.ops.skbAllocs * h.skbAllocNs +
      a.fragListSkbs * v.fragListNs +
      a.frags * v.addRxFragNs +
      copyNs(h, a.headCopy) +
      h.rxPacketNs +
      extraGuestNs +
      userCopy;
    const hostNs = v.vhostPerPacketNs + a.buffers * v.vhostPerDescNs + copyNs(h, a.len + HDR_MRG);
    return { guestNs, refillPerBufferNs, hostNs };
  });
}

/** Copy calls to hand a packet to the application: the head's linear bytes, then one per frag. */
export function copyChunks(a: PacketAccount): number {
  return a.frags + (a.headCopy > 0 ? 1 : 0);
}

export interface PipelineResult {
  readonly packets: number;
  readonly bytes: number;
  readonly elapsedNs: number;
  readonly gbitPerSecond: number;
  readonly guestUtilization: number;
  readonly hostUtilization: number;
  /** Time the vhost thread waited for buffers, as a share of the run. */
  readonly hostStarvedShare: number;
  /** Refills that posted buffers, and how many of them found the vhost thread already waiting for buffers. */
  readonly refills: number;
  readonly refillsToStarvedHost: number;
}

export interface PipelineOptions {
  readonly ringSize: number;
  readonly threshold: Behaviour['refillThreshold'];
  readonly packets: number;
  /** `pauseWho` is descheduled for `pauseNs` every `periodNs` (0: never). */
  readonly pauseNs?: number;
  readonly periodNs?: number;
  readonly pauseWho?: 'vcpu' | 'vhost';
}

/** Steady-state bulk receive: the sender always has the next packet ready. */
export function runPipeline(acc: readonly PacketAccount[], cost: readonly PacketCost[], o: PipelineOptions): PipelineResult {
  const q = new EventQueue();
  const vhost = new Server('vhost', q);
  const vcpu = new Server('vcpu', q);
  let available = o.ringSize;
  let posted = o.ringSize;
  let next = 0;
  let hostBusy = false;
  let starvedSince: number | null = null;
  let starved = 0;
  const pending: number[] = [];
  let napiScheduled = false;
  let delivered = 0;
  let bytes = 0;
  let lastDone = 0;
  let refills = 0;
  let refillsToStarvedHost = 0;
  const at = (i: number) => i % acc.length;

  const tryHost = () => {
    if (hostBusy || next >= o.packets) return;
    const k = at(next);
    if (available < acc[k].buffers) {
      starvedSince ??= q.now;
      return;
    }
    if (starvedSince !== null) {
      starved += q.now - starvedSince;
      starvedSince = null;
    }
    available -= acc[k].buffers;
    hostBusy = true;
    next++;
    vhost.serve(cost[k].hostNs, 'vhost', () => {
      hostBusy = false;
      pending.push(k);
      schedulePoll();
      tryHost();
    });
  };

  const refillDue = () =>
    o.threshold === 'num-below-half-max' ? posted < Math.floor(o.ringSize / 2) : o.ringSize - posted > o.ringSize / 2;

  const poll = () => {
    const k = pending.shift();
    if (k !== undefined) {
      posted -= acc[k].buffers;
      vcpu.serve(cost[k].guestNs, 'receive', () => {
        delivered++;
        bytes += acc[k].len;
        lastDone = q.now;
        poll();
      });
      return;
    }
    const refill = refillDue() ? o.ringSize - posted : 0;
    if (refill > 0 && next < o.packets) {
      refills++;
      if (starvedSince !== null) refillsToStarvedHost++;
    }
    const refillCost = refill * (cost[0]?.refillPerBufferNs ?? 0);
    vcpu.serve(refillCost, 'refill', () => {
      posted += refill;
      available += refill;
      napiScheduled = false;
      if (pending.length > 0) schedulePoll();
      tryHost();
    });
  };

  const schedulePoll = () => {
    if (napiScheduled) return;
    napiScheduled = true;
    vcpu.serve(0, 'irq', poll);
  };

  if (o.pauseNs && o.periodNs) {
    const who = o.pauseWho === 'vhost' ? vhost : vcpu;
    const pause = () => {
      if (next >= o.packets && pending.length === 0) return;
      who.serve(o.pauseNs!, 'preempted');
      q.after(o.periodNs!, pause);
    };
    q.after(o.periodNs, pause);
  }
  tryHost();
  q.run(Number.MAX_SAFE_INTEGER);
  const elapsed = lastDone;
  return {
    packets: delivered,
    bytes,
    elapsedNs: elapsed,
    gbitPerSecond: elapsed > 0 ? (bytes * 8) / elapsed : 0,
    guestUtilization: vcpu.utilization(elapsed),
    hostUtilization: vhost.utilization(elapsed),
    hostStarvedShare: elapsed > 0 ? starved / elapsed : 0,
    refills,
    refillsToStarvedHost,
  };
}
