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
import { NUM_BUFFERS_AT, SHORT_PACKET } from '../../src/impl/virtqueue-rx/sizes.js';
import { FrameOracle } from './oracle.js';

export class RxHarness {
  readonly rx: VirtnetRx;
  readonly oracle: FrameOracle;
  private readonly succ?: XStateSuccessors;
  snapshot?: AnyMachineSnapshot;
  /** Machine events of each type applied (to show what a run exercised). */
  readonly applied = new Map<string, number>();

  constructor(
    readonly b: Behaviour,
    readonly p: VirtqueueRxParams,
    lockstep: boolean,
    strictOracle = true,
  ) {
    this.oracle = new FrameOracle(strictOracle);
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
      const m = this.machineEvent(e);
      const next = this.succ.step(this.snapshot, m);
      return this.succ.key(next) !== this.succ.key(this.snapshot);
    }
    return this.implEnabled(e);
  }

  /**
   * The machine's event for a command: a RECEIVE of a buffer that heads no packet (one the device
   * wrote mid-packet) and is not short is the machine's RECEIVE_MISPARSE with the num_buffers the
   * driver will read from those bytes; any value above the ring size is the machine's ring size + 1.
   */
  machineEvent(e: VirtqueueRxEvent): VirtqueueRxEvent {
    if (e.type !== 'RECEIVE') return e;
    const rx = this.rx;
    const idx = rx.vq.lastUsedIdx & 0xffff;
    const pending = u16Distance(rx.vq.lastUsedIdx, rx.ring.usedIdx);
    if (!rx.vq.moreUsed() || pending === 0 || rx.device.heads.has(idx)) return e;
    const slot = idx & (rx.ring.num - 1);
    if (rx.ring.usedLen(slot) < SHORT_PACKET) return e;
    const t = rx.vq.tokenOf(rx.ring.usedId(slot));
    if (!t) return e;
    const num = new DataView(rx.mem.bytes(t.page).buffer).getUint16(t.offset + NUM_BUFFERS_AT, true);
    return { type: 'RECEIVE_MISPARSE', num: num === 0 || num <= pending ? num : this.p.ringSize + 1 };
  }

  /** Whether the next used entry heads a packet (by the device's record of where it wrote headers). */
  private nextIsHead(): boolean {
    return this.rx.device.heads.has(this.rx.vq.lastUsedIdx & 0xffff);
  }

  /** The implementation's view of the same guards. */
  implEnabled(e: VirtqueueRxEvent): boolean {
    const rx = this.rx;
    const free = rx.vq.numFree;
    switch (e.type) {
      case 'OPEN':
        return rx.napi === 'closed';
      case 'OPEN_OOM':
        return rx.napi === 'closed' && e.posted >= 1 && e.posted < free;
      case 'DEVICE_RX':
        return rx.napi !== 'closed' && rx.device.buffersNeeded(e.len) > 0;
      case 'RECEIVE':
      case 'RECEIVE_MISPARSE':
        return rx.napi === 'polling' && rx.vq.moreUsed();
      case 'RECEIVE_HEAD_OOM':
      case 'RECEIVE_NSKB_OOM':
        return rx.napi === 'polling' && rx.vq.moreUsed() && this.nextIsHead();
      case 'NAPI_COMPLETE':
        return rx.napi === 'polling' && !rx.vq.moreUsed();
      case 'NAPI_COMPLETE_OOM':
        return rx.napi === 'polling' && !rx.vq.moreUsed() && rx.refillDue() && e.posted < free;
      case 'REFILL_WORK':
        return rx.napi === 'idle' && rx.refill !== 'none';
      case 'REFILL_WORK_OOM':
        return rx.napi === 'idle' && rx.refill !== 'none' && e.posted < free;
      case 'SKB_FREE':
        return rx.sock.length > 0;
    }
  }

  /** Applies the event to the implementation (and the machine); `frame` is the device's bytes for DEVICE_RX. */
  apply(e: VirtqueueRxEvent, frame?: Uint8Array): void {
    const rx = this.rx;
    const m = this.succ ? this.machineEvent(e) : e;
    this.applied.set(m.type, (this.applied.get(m.type) ?? 0) + 1);
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
      case 'RECEIVE_MISPARSE':
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
      this.snapshot = this.succ.step(this.snapshot, m);
      if (e.type === 'RECEIVE_NSKB_OOM' && rx.faults.nskb) throw new Error('the machine allocated a frag_list skb here, the implementation did not');
    }
    rx.faults.head = rx.faults.nskb = false;
  }

  /** The machine's view and the implementation's, for comparison. */
  views(): { machine: unknown; impl: unknown } {
    return {
      machine: projectMachine(this.snapshot!.value, this.snapshot!.context as Ctx),
      impl: abstractRx(this.rx, (bytes) => this.oracle.isFrame(bytes)),
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
      } else if (rx.refill !== 'none') rx.refillWork();
      else if (rx.sock.length > 0) this.oracle.read(rx.read());
      else break;
    }
    return {
      unconsumed: u16Distance(rx.vq.lastUsedIdx, rx.ring.usedIdx),
      availableToDevice: u16Distance(rx.ring.usedIdx, rx.ring.availIdx),
    };
  }
}
