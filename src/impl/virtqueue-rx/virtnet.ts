/**
 * The virtio_net receive queue on real bytes: one vring, the device, the
 * driver's NAPI states, refill and refill_work, and the socket queue the
 * application reads. Methods are the machine's events, so a test can drive
 * both in lockstep.
 */
import type { Behaviour } from '../../../models/virtqueue-rx/behaviour.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import type { RefillOrigin } from '../../../models/virtqueue-rx/context.js';
import { VirtioNetDevice } from './device.js';
import { PhysMem } from './phys-mem.js';
import { BufferSupply, type RxBuf } from './refill.js';
import { receiveBuf, type ArmedFaults, type RxStats } from './receive.js';
import { HeadSlab, SkbRegistry, type SkBuff } from './skb.js';
import { VirtqueueDriver, VringLayout } from './vring.js';

export type NapiState = 'closed' | 'idle' | 'polling';

export class VirtnetRx {
  readonly mem = new PhysMem();
  readonly ring: VringLayout;
  readonly vq: VirtqueueDriver<RxBuf>;
  readonly device: VirtioNetDevice;
  readonly supply: BufferSupply;
  readonly skbs: SkbRegistry;
  readonly stats: RxStats = { rxPackets: 0, rxDropped: 0, rxLengthErrors: 0 };
  napi: NapiState = 'closed';
  /** refill_work is scheduled, and by whom (open or the NAPI poll); a re-armed work keeps its origin. */
  refill: RefillOrigin = 'none';
  /** Instrumentation: receive_buf calls that delivered nothing (each counted in at least one drop statistic). */
  dropped = 0;
  /** Delivered skbs (netif_receive_skb) the application has not read yet. */
  readonly sock: SkBuff[] = [];

  constructor(
    readonly b: Behaviour,
    readonly p: VirtqueueRxParams,
  ) {
    this.ring = new VringLayout(p.ringSize);
    this.vq = new VirtqueueDriver<RxBuf>(this.ring, b.moreUsed, p.startIndex);
    this.device = new VirtioNetDevice(this.ring, this.mem, p.startIndex, b.device);
    this.supply = new BufferSupply(b, p, this.mem);
    this.skbs = new SkbRegistry(this.mem, new HeadSlab(p.maxSkbFrags, 4096, p.goodCopyLen));
  }

  /** virtnet_open: try_fill_recv(GFP_KERNEL), refill_work on failure, then virtnet_napi_enable (which schedules a poll). */
  open(failAfter: number | null = null): void {
    if (!this.supply.fill(this.vq, failAfter) && this.refill === 'none') this.refill = 'open';
    this.napi = 'polling';
  }

  /** The device writes a frame; its interrupt schedules NAPI. Returns the buffers used (0 if it must wait). */
  deviceRx(frame: Uint8Array): number {
    const n = this.device.receive(frame);
    if (n > 0 && this.napi === 'idle') this.napi = 'polling';
    return n;
  }

  /** Allocation failures armed for the receive path (consumed when the allocation happens). */
  readonly faults: ArmedFaults = { head: false, nskb: false };

  /** One receive_buf inside virtnet_poll. */
  receive(): SkBuff | null {
    const skb = receiveBuf(this, this.faults);
    if (skb) this.sock.push(skb);
    else this.dropped++;
    return skb;
  }

  /** Whether virtnet_poll's refill condition holds now. */
  refillDue(): boolean {
    const num = this.ring.num - this.vq.numFree;
    if (this.b.refillThreshold === 'num-below-half-max') return num < Math.floor(this.supply.max / 2);
    return this.vq.numFree > this.ring.num / 2;
  }

  /** End of virtnet_poll: refill below the threshold (GFP_ATOMIC), then napi_complete. */
  napiComplete(failAfter: number | null = null): void {
    const oom = this.refillDue() && !this.supply.fill(this.vq, failAfter);
    if (oom && this.b.refillWorkOnOom && this.refill === 'none') this.refill = 'napi';
    this.napi = 'idle';
  }

  /** refill_work: napi_disable, try_fill_recv(GFP_KERNEL), re-arm on failure (HZ/2), virtnet_napi_enable. */
  refillWork(failAfter: number | null = null): void {
    if (this.supply.fill(this.vq, failAfter)) this.refill = 'none';
    this.napi = 'polling';
  }

  /** The application reads the oldest skb: its bytes, then kfree_skb. */
  read(): Uint8Array {
    const skb = this.sock.shift()!;
    const bytes = this.skbs.linearize(skb);
    this.skbs.free(skb);
    return bytes;
  }
}
