/**
 * Drives the real receive queue (src/impl/virtqueue-rx) and, optionally, the
 * machine in lockstep: the same event to both, then the abstraction of the
 * implementation must equal the machine's snapshot. The byte oracle checks
 * every frame the application reads against the frame the device wrote.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { XStateSuccessors } from '../../src/explore/xstate-successors.js';
import { instantiate } from '../../models/virtqueue-rx/instance.js';
import type { Behaviour } from '../../models/virtqueue-rx/behaviour.js';
import type { Ctx } from '../../models/virtqueue-rx/context.js';
import type { VirtqueueRxEvent } from '../../models/virtqueue-rx/events.js';
import type { VirtqueueRxParams } from '../../models/virtqueue-rx/params.js';
import { u16Distance } from '../../models/virtqueue-rx/kernel.js';
import { VirtnetRx, abstractRx, projectMachine } from '../../src/impl/virtqueue-rx/index.js';
import { FrameOracle } from './oracle.js';

export class RxHarness {
  readonly rx: VirtnetRx;
  readonly oracle = new FrameOracle();
  private readonly succ?: XStateSuccessors;
  snapshot?: AnyMachineSnapshot;

  constructor(
    readonly b: Behaviour,
    readonly p: VirtqueueRxParams,
    lockstep: boolean,
  ) {
    this.rx = new VirtnetRx(b, p);
    if (lockstep) {
      this.succ = new XStateSuccessors(instantiate(p, b));
      this.snapshot = this.succ.initial()[0];
    }
  }

  get lockstep(): boolean {
    return this.succ !== undefined;
  }

  /** Whether the event does something now, by the machine when in lockstep, else by the implementation's own state. */
  enabled(e: VirtqueueRxEvent): boolean {
    if (this.succ && this.snapshot) {
      const next = this.succ.step(this.snapshot, e);
      return this.succ.key(next) !== this.succ.key(this.snapshot);
    }
    return this.implEnabled(e);
  }

  /** The implementation's view of the same guards. */
  implEnabled(e: VirtqueueRxEvent): boolean {
    const rx = this.rx;
    const free = rx.vq.numFree;
    switch (e.type) {
      case 'OPEN':
        return rx.napi === 'closed';
      case 'OPEN_OOM':
        return rx.napi === 'closed' && e.posted < free;
      case 'DEVICE_RX':
        return rx.napi !== 'closed' && rx.device.buffersNeeded(e.len) > 0;
      case 'RECEIVE':
      case 'RECEIVE_HEAD_OOM':
      case 'RECEIVE_NSKB_OOM':
        return rx.napi === 'polling' && rx.vq.moreUsed();
      case 'NAPI_COMPLETE':
        return rx.napi === 'polling' && !rx.vq.moreUsed();
      case 'NAPI_COMPLETE_OOM':
        return rx.napi === 'polling' && !rx.vq.moreUsed() && rx.refillDue() && e.posted < free;
      case 'REFILL_WORK':
        return rx.napi === 'idle' && rx.refill;
      case 'REFILL_WORK_OOM':
        return rx.napi === 'idle' && rx.refill && e.posted < free;
      case 'SKB_FREE':
        return rx.sock.length > 0;
    }
  }

  /** Applies the event to the implementation (and the machine); `frame` is the device's bytes for DEVICE_RX. */
  apply(e: VirtqueueRxEvent, frame?: Uint8Array): void {
    const rx = this.rx;
    switch (e.type) {
      case 'OPEN':
        rx.open();
        break;
      case 'OPEN_OOM':
        rx.open(e.posted);
        break;
      case 'DEVICE_RX': {
        const stamped = this.oracle.stamp(frame!);
        if (rx.deviceRx(stamped) === 0) throw new Error(`device could not place a ${e.len}-byte frame`);
        break;
      }
      case 'RECEIVE':
        rx.receive();
        break;
      case 'RECEIVE_HEAD_OOM':
        rx.faults.head = true;
        rx.receive();
        break;
      case 'RECEIVE_NSKB_OOM':
        rx.faults.nskb = true;
        rx.receive();
        break;
      case 'NAPI_COMPLETE':
        rx.napiComplete();
        break;
      case 'NAPI_COMPLETE_OOM':
        rx.napiComplete(e.posted);
        break;
      case 'REFILL_WORK':
        rx.refillWork();
        break;
      case 'REFILL_WORK_OOM':
        rx.refillWork(e.posted);
        break;
      case 'SKB_FREE':
        this.oracle.read(rx.read());
        break;
    }
    if (this.succ && this.snapshot) {
      this.snapshot = this.succ.step(this.snapshot, e);
      if (e.type === 'RECEIVE_NSKB_OOM' && rx.faults.nskb) throw new Error('the machine allocated a frag_list skb here, the implementation did not');
    }
    rx.faults.head = rx.faults.nskb = false;
  }

  /** The machine's view and the implementation's, for comparison. */
  views(): { machine: unknown; impl: unknown } {
    return {
      machine: projectMachine(this.snapshot!.value, this.snapshot!.context as Ctx),
      impl: abstractRx(this.rx),
    };
  }

  /**
   * Lets the driver run to quiescence with every allocation succeeding (its
   * activities are fair; the device and the application stop sending), reading
   * every delivered skb. Returns what is left undone.
   */
  settle(maxRounds = 10_000): { unconsumed: number; availableToDevice: number } {
    const rx = this.rx;
    for (let i = 0; i < maxRounds; i++) {
      if (rx.napi === 'closed') rx.open();
      else if (rx.napi === 'polling') {
        if (rx.vq.moreUsed()) rx.receive();
        else rx.napiComplete();
      } else if (rx.refill) rx.refillWork();
      else if (rx.sock.length > 0) this.oracle.read(rx.read());
      else break;
    }
    return {
      unconsumed: u16Distance(rx.vq.lastUsedIdx, rx.ring.usedIdx),
      availableToDevice: u16Distance(rx.ring.usedIdx, rx.ring.availIdx),
    };
  }
}
