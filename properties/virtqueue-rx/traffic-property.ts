/**
 * The traffic property on real bytes, `receivesEveryFrameIntact`: for any
 * command sequence, every frame the application reads is the frame the
 * device wrote; and once the driver has run to quiescence (its activities
 * fair, every allocation succeeding) every used buffer has been consumed,
 * every frame was read or counted as dropped, and the ring again offers the
 * device buffers. With `lockstep`, the machine steps too and the abstraction
 * of the implementation must equal its snapshot after every command.
 */
import fc from 'fast-check';
import type { Behaviour } from '../../models/virtqueue-rx/behaviour.js';
import type { VirtqueueRxParams } from '../../models/virtqueue-rx/params.js';
import { rxCommands, type RxModel, type TrafficOptions } from './commands.js';
import { RxHarness } from './harness.js';
import { OracleFailure } from './oracle.js';

export interface TrafficRun extends TrafficOptions {
  readonly lockstep: boolean;
  readonly maxCommands?: number;
}

/**
 * `agreesInLockstep`: for any command sequence, after every command the abstraction of
 * the implementation equals the machine's snapshot; the bytes read are not judged. For the
 * versions whose finding is that they deliver garbage (3.12's misparse), so that the
 * machine's RECEIVE_MISPARSE is checked against real bytes. Returns the harness to inspect.
 */
export function agreesInLockstep(b: Behaviour, p: VirtqueueRxParams, cmds: RxCommands): RxHarness {
  const h = new RxHarness(b, p, true, false);
  fc.modelRun(() => ({ model: { h } satisfies RxModel, real: h }), cmds);
  return h;
}

export type RxCommands = Iterable<fc.Command<RxModel, RxHarness>>;

export function trafficCommands(o: TrafficRun): fc.Arbitrary<RxCommands> {
  return fc.commands(rxCommands(o), { maxCommands: o.maxCommands ?? 40, size: 'max' });
}

/** Runs one command sequence; throws (OracleFailure, KernelFault, LockstepDivergence) on a violation. */
export function receivesEveryFrameIntact(b: Behaviour, p: VirtqueueRxParams, o: TrafficRun, cmds: RxCommands): void {
  const h = new RxHarness(b, p, o.lockstep);
  fc.modelRun(() => ({ model: { h } satisfies RxModel, real: h }), cmds);
  const left = h.settle();
  if (left.unconsumed !== 0) throw new OracleFailure(`${left.unconsumed} used buffers never consumed after the driver settled`);
  // Each receive_buf that delivers nothing is one frame counted as dropped (in rx_dropped,
  // rx_length_errors or both: 3.13's err_buf after a missing buffer counts one frame in both).
  const dropped = h.rx.dropped;
  if (h.oracle.readCount + dropped !== h.oracle.sentCount) {
    throw new OracleFailure(`${h.oracle.sentCount} frames sent, ${h.oracle.readCount} read, ${dropped} counted as dropped`);
  }
  if (left.availableToDevice === 0) throw new OracleFailure('the ring offers the device no buffer after the driver settled');
}

/** fast-check's verdict over many sequences (for tests that expect a failure and inspect it). */
export function checkTraffic(b: Behaviour, p: VirtqueueRxParams, o: TrafficRun, run: { seed: number; numRuns: number }) {
  return fc.check(
    fc.property(trafficCommands(o), (cmds) => receivesEveryFrameIntact(b, p, o, cmds)),
    { seed: run.seed, numRuns: run.numRuns },
  );
}

/** The shrunk counterexample as the commands' own words. */
export function counterexampleWords(r: ReturnType<typeof checkTraffic>): string[] {
  return r.counterexample ? [...r.counterexample[0]].map(String) : [];
}
