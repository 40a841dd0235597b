/**
 * Drives the real receive queue (src/impl/virtqueue-rx) and, optionally, the
 * machine in lockstep: the same event to both, then the abstraction of the
 * implementation must equal the machine's snapshot. The byte oracle checks
 * every frame the application reads against the frame the device wrote.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { ModelInstance } from '../../src/model/spec.js';
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
  /** Every operation applied to the implementation, to replay on a fresh queue (see `wouldAllocFragList`). */
  private readonly history: ((rx: VirtnetRx) => void)[] = [];
  private fragListTrial?: { at: number; allocates: boolean };

  constructor(
    readonly b: Behaviour,
    readonly p: VirtqueueRxParams,
    lockstep: boolean,
    strictOracle = true,
    /** The machine to step in lockstep (a test's deliberately broken variant); the model's own by default. */
    instance: ModelInstance = instantiate(p, b),
  ) {
    this.oracle = new FrameOracle(strictOracle);
    this.rx = new VirtnetRx(b, p);
    if (lockstep) {
      this.succ = new XStateSuccessors(instance);
      this.snapshot = this.succ.initial()[0];
    }
  }

  get lockstep(): boolean {
    return this.succ !== undefined;
  }

  /**
   * Whether a command runs at all: when the event does something on either side. Taking the
   * union (not one side's guard) means a disagreement is never skipped: a command one side
   * refuses and the other accepts runs, and `enabledness` reports it. Without lockstep, the
   * implementation's own state decides.
   */
  enabled(e: VirtqueueRxEvent): boolean {
    return this.implEnabled(e) || (this.lockstep && this.machineEnabled(e));
  }

  /** Whether the machine's event for the command changes its state (the checker's own notion of a transition). */
  machineEnabled(e: VirtqueueRxEvent): boolean {
    if (!this.succ || !this.snapshot) throw new Error('machineEnabled needs a lockstep harness');
    const next = this.succ.step(this.snapshot, this.machineEvent(e));
    return this.succ.key(next) !== this.succ.key(this.snapshot);
  }

  /** Both sides' verdicts on the event, when they differ (lockstep only); undefined when they agree. */
  enablednessDisagreement(e: VirtqueueRxEvent): { machine: boolean; impl: boolean } | undefined {
    if (!this.lockstep) return undefined;
    const machine = this.machineEnabled(e);
    const impl = this.implEnabled(e);
    return machine === impl ? undefined : { machine, impl };
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
        return rx.napi === 'polling' && rx.vq.moreUsed() && this.nextIsHead();
      case 'RECEIVE_NSKB_OOM':
        return rx.napi === 'polling' && rx.vq.moreUsed() && this.nextIsHead() && this.wouldAllocFragList();
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

  /**
   * Whether receive_buf, run now, would allocate a frag_list skb (the allocation RECEIVE_NSKB_OOM
   * fails): the implementation answers by trial, replaying this run on a fresh queue, arming the
   * fault and seeing whether receive_buf consumed it. Its own code decides, not the machine's.
   */
  private wouldAllocFragList(): boolean {
    if (this.fragListTrial?.at === this.history.length) return this.fragListTrial.allocates;
    const trial = new VirtnetRx(this.b, this.p);
    for (const op of this.history) op(trial);
    trial.faults.nskb = true;
    try {
      trial.receive();
    } catch {
      // A kernel fault on this receive is the plain RECEIVE's story; the flag still says whether the allocation came first.
    }
    this.fragListTrial = { at: this.history.length, allocates: !trial.faults.nskb };
    return this.fragListTrial.allocates;
  }

  /** Applies the event to the implementation (and the machine); `frame` is the device's bytes for DEVICE_RX. */
  apply(e: VirtqueueRxEvent, frame?: Uint8Array): void {
    const rx = this.rx;
    const m = this.succ ? this.machineEvent(e) : e;
    this.applied.set(m.type, (this.applied.get(m.type) ?? 0) + 1);
    const stamped = e.type === 'DEVICE_RX' ? this.oracle.stamp(frame!) : undefined;
    this.history.push((trial) => void applyToImpl(trial, e, stamped));
    const read = applyToImpl(rx, e, stamped);
    if (read) this.oracle.read(read);
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

/** One command on the implementation (the fault events arm their allocation failure); returns the bytes SKB_FREE read. */
function applyToImpl(rx: VirtnetRx, e: VirtqueueRxEvent, frame: Uint8Array | undefined): Uint8Array | undefined {
  switch (e.type) {
    case 'OPEN':
      return void rx.open();
    case 'OPEN_OOM':
      return void rx.open(e.posted);
    case 'DEVICE_RX':
      if (rx.deviceRx(frame!) === 0) throw new Error(`device could not place a ${e.len}-byte frame`);
      return;
    case 'RECEIVE':
    case 'RECEIVE_MISPARSE':
      return void rx.receive();
    case 'RECEIVE_HEAD_OOM':
      rx.faults.head = true;
      return void rx.receive();
    case 'RECEIVE_NSKB_OOM':
      rx.faults.nskb = true;
      return void rx.receive();
    case 'NAPI_COMPLETE':
      return void rx.napiComplete();
    case 'NAPI_COMPLETE_OOM':
      return void rx.napiComplete(e.posted);
    case 'REFILL_WORK':
      return void rx.refillWork();
    case 'REFILL_WORK_OOM':
      return void rx.refillWork(e.posted);
    case 'SKB_FREE':
      return rx.read();
  }
}
