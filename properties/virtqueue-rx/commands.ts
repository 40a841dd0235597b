/**
 * fast-check commands for the receive queue: one per machine event, each
 * with a pure precondition (the event does something now on either side:
 * the machine or the implementation), an asserting `run` (in lockstep both
 * sides agree on whether the event is enabled, in both directions, and the
 * abstraction equals the snapshot afterwards), and a `toString`
 * in the events' own words, so a shrunk counterexample reads as a trace.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import type { VirtqueueRxEvent } from '../../models/virtqueue-rx/events.js';
import { frameBytes, frameSpec, type FrameSpec } from '../../src/traffic/ethernet-frames.js';
import type { RxHarness } from './harness.js';

export interface RxModel {
  readonly h: RxHarness;
}

export class LockstepDivergence extends Error {
  constructor(event: string, machine: unknown, impl: unknown) {
    super(`after ${event} the implementation's abstraction differs from the machine:\n machine ${JSON.stringify(machine)}\n impl    ${JSON.stringify(impl)}`);
    this.name = 'LockstepDivergence';
  }
}

/** The machine and the implementation disagree on whether an event can happen now (either way round). */
export class EnablednessDivergence extends Error {
  constructor(event: string, machineAllows: boolean) {
    super(
      machineAllows
        ? `${event}: the machine allows it, the implementation's state does not`
        : `${event}: the implementation accepts it, the machine refuses it (an over-strict guard, or a missing transition)`,
    );
    this.name = 'EnablednessDivergence';
  }
}

function describe(e: VirtqueueRxEvent): string {
  if (e.type === 'DEVICE_RX') return `DEVICE_RX(${e.len})`;
  if ('posted' in e) return `${e.type}(posted=${e.posted})`;
  return e.type;
}

export class RxCommand implements fc.Command<RxModel, RxHarness> {
  constructor(
    readonly event: VirtqueueRxEvent,
    readonly frame?: FrameSpec,
  ) {}

  check(m: Readonly<RxModel>): boolean {
    return m.h.enabled(this.event);
  }

  run(_m: RxModel, h: RxHarness): void {
    const d = h.enablednessDisagreement(this.event);
    if (d) throw new EnablednessDivergence(describe(this.event), d.machine);
    h.apply(this.event, this.frame ? frameBytes(this.frame.length, this.frame.seed) : undefined);
    if (h.lockstep) {
      const { machine, impl } = h.views();
      if (!isDeepStrictEqual(machine, impl)) throw new LockstepDivergence(describe(this.event), machine, impl);
    }
  }

  toString(): string {
    return describe(this.event);
  }
}

/** A burst: the device writes several frames back to back (each while buffers last). */
export class BurstCommand implements fc.Command<RxModel, RxHarness> {
  constructor(readonly frames: readonly FrameSpec[]) {}
  check(m: Readonly<RxModel>): boolean {
    return m.h.enabled({ type: 'DEVICE_RX', len: this.frames[0].length });
  }
  run(m: RxModel, h: RxHarness): void {
    for (const f of this.frames) {
      const c = new RxCommand({ type: 'DEVICE_RX', len: f.length }, f);
      if (!c.check(m)) break;
      c.run(m, h);
    }
  }
  toString(): string {
    return `BURST(${this.frames.map((f) => f.length).join(',')})`;
  }
}

export interface TrafficOptions {
  readonly ringSize: number;
  readonly minFrame?: number;
  readonly maxFrame?: number;
  /** Which allocation failures the environment may inject. */
  readonly failures: readonly ('head' | 'nskb' | 'refill')[];
}

export function rxCommands(o: TrafficOptions): fc.Arbitrary<fc.Command<RxModel, RxHarness>>[] {
  const frame = frameSpec(o.minFrame ?? 18, o.maxFrame);
  const posted = fc.integer({ min: 0, max: o.ringSize - 1 });
  const cmd = (e: VirtqueueRxEvent) => fc.constant(new RxCommand(e));
  const out: fc.Arbitrary<fc.Command<RxModel, RxHarness>>[] = [
    cmd({ type: 'OPEN' }),
    frame.map((f) => new RxCommand({ type: 'DEVICE_RX', len: f.length }, f)),
    frame.map((f) => new RxCommand({ type: 'DEVICE_RX', len: f.length }, f)),
    fc.array(frame, { minLength: 2, maxLength: 8 }).map((fs) => new BurstCommand(fs)),
    cmd({ type: 'RECEIVE' }),
    cmd({ type: 'RECEIVE' }),
    cmd({ type: 'NAPI_COMPLETE' }),
    cmd({ type: 'REFILL_WORK' }),
    cmd({ type: 'SKB_FREE' }),
    cmd({ type: 'SKB_FREE' }),
  ];
  if (o.failures.includes('head')) out.push(cmd({ type: 'RECEIVE_HEAD_OOM' }));
  if (o.failures.includes('nskb')) out.push(cmd({ type: 'RECEIVE_NSKB_OOM' }));
  if (o.failures.includes('refill')) {
    out.push(posted.map((k) => new RxCommand({ type: 'OPEN_OOM', posted: k })));
    out.push(posted.map((k) => new RxCommand({ type: 'NAPI_COMPLETE_OOM', posted: k })));
    out.push(posted.map((k) => new RxCommand({ type: 'REFILL_WORK_OOM', posted: k })));
  }
  return out;
}
