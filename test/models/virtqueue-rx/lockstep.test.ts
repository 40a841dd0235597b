/**
 * The implementation and the machine in lockstep on generated traffic (tiny
 * frames to 64 KiB GSO, mixes, bursts, allocation failures): after every
 * command the abstraction of the real queue equals the machine's snapshot,
 * every frame read is byte-for-byte the frame written, and the driver settles
 * with nothing left behind. At the check bounds and at kernel scale. For 3.12
 * and build_skb, whose head-allocation failure strands buffers, a second
 * property checks the machine's misparse against the bytes the driver reads.
 */
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { isDeepStrictEqual } from 'node:util';
import { variants } from '../../../models/virtqueue-rx/variants.js';
import { params } from '../../../models/virtqueue-rx/params.js';
import { checkParams, defaultParams } from '../../../src/model/params.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import type { VirtqueueRxEvent } from '../../../models/virtqueue-rx/events.js';
import { agreesInLockstep, receivesEveryFrameIntact, trafficCommands, type TrafficRun } from '../../../properties/virtqueue-rx/traffic-property.js';
import { RxHarness } from '../../../properties/virtqueue-rx/harness.js';
import { EnablednessDivergence, type RxModel } from '../../../properties/virtqueue-rx/commands.js';
import { instantiate } from '../../../models/virtqueue-rx/instance.js';
import { virtqueueRxMachine } from '../../../models/virtqueue-rx/virtqueue-rx.machine.js';
import { deviceAccepts, deviceWrite } from '../../../models/virtqueue-rx/device.js';
import { draft, type Env } from '../../../models/virtqueue-rx/driver-ops.js';
import { u16Distance } from '../../../models/virtqueue-rx/kernel.js';
import type { Ctx } from '../../../models/virtqueue-rx/context.js';
import type { ModelInstance } from '../../../src/model/spec.js';
import { frameBytes } from '../../../src/traffic/ethernet-frames.js';

const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;

/** The check bounds with the traffic and failure budgets lifted (the harness bounds the run instead). */
const atCheckBounds: VirtqueueRxParams = { ...checkParams(params), packets: 1_000_000, oomBudget: 1_000_000 };
/** Kernel constants (MAX_SKB_FRAGS 17, 64 KiB GSO, 32 KiB frag pages) on a 64-entry ring started 36 below the wrap. */
const atKernelScale: VirtqueueRxParams = { ...defaultParams(params), ringSize: 64, startIndex: 65500 };
const withOrderZeroFrags: VirtqueueRxParams = { ...atKernelScale, pageFragSize: 4096 };

const pageVersions = ['v3.12', 'build-skb'];
// 3.12's head-allocation failure strands buffers (the finding): its intact-bytes runs inject the other failures.
const failuresOf = (name: string): TrafficRun['failures'] => (pageVersions.includes(name) ? ['nskb', 'refill'] : ['head', 'nskb', 'refill']);

describe('virtqueue-rx: implementation and machine in lockstep on real bytes', () => {
  for (const name of ['v3.13', 'fb51879d', 'v3.14-ewma', 'v3.12', 'build-skb']) {
    const small: TrafficRun = { ringSize: 4, maxFrame: atCheckBounds.gsoLen, failures: failuresOf(name), lockstep: true };
    test.prop([trafficCommands(small)], { seed: 0x5eed, numRuns: 100 })(
      `${name}, check bounds (ring 4, MAX_SKB_FRAGS 2, frames to ${atCheckBounds.gsoLen} B)`,
      (cmds) => receivesEveryFrameIntact(behaviour(name), atCheckBounds, small, cmds),
    );
    const big: TrafficRun = { ringSize: 64, failures: failuresOf(name), lockstep: true, maxCommands: 30 };
    test.prop([trafficCommands(big)], { seed: 0x5eed, numRuns: 30 })(
      `${name}, kernel scale (ring 64, MAX_SKB_FRAGS 17, frames to 64 KiB, 32 KiB frag pages)`,
      (cmds) => receivesEveryFrameIntact(behaviour(name), atKernelScale, big, cmds),
    );
    if (!pageVersions.includes(name)) {
      test.prop([trafficCommands(big)], { seed: 0x5eed, numRuns: 30 })(
        `${name}, kernel scale with order-0 (4 KiB) frag pages`,
        (cmds) => receivesEveryFrameIntact(behaviour(name), withOrderZeroFrags, big, cmds),
      );
    }
  }

  for (const name of pageVersions) {
    test(`${name}: head failures, and the machine's misparse of what they strand, agree with the bytes`, () => {
      const o: TrafficRun = { ringSize: 4, maxFrame: atCheckBounds.gsoLen, failures: ['head', 'nskb', 'refill'], lockstep: true };
      let misparses = 0;
      fc.assert(
        fc.property(trafficCommands(o), (cmds) => {
          misparses += agreesInLockstep(behaviour(name), atCheckBounds, cmds).applied.get('RECEIVE_MISPARSE') ?? 0;
        }),
        { seed: 0x5eed, numRuns: 150 },
      );
      // The runs did reach the path they exist for.
      expect(misparses).toBeGreaterThan(0);
    });
  }
});

describe('virtqueue-rx: the misparse on crafted bytes', () => {
  /** v3.12 at the check bounds: a 4500-byte frame whose second page begins with `hdr` as the bytes read for num_buffers. */
  function strand(num: number, then: number[] = []) {
    const h = new RxHarness(behaviour('v3.12'), atCheckBounds, true);
    const frame = frameBytes(4500, 11);
    // 4096 − 12 frame bytes fill the first page; bytes 10–11 of the second page are frame[4094..4095].
    new DataView(frame.buffer).setUint16(4096 - 12 + 10, num, true);
    const step = (e: VirtqueueRxEvent, bytes?: Uint8Array) => {
      expect(h.enabled(e), `${e.type} enabled`).toBe(true);
      h.apply(e, bytes);
      const { machine, impl } = h.views();
      expect(isDeepStrictEqual(machine, impl), `after ${e.type}:\n${JSON.stringify(machine)}\n${JSON.stringify(impl)}`).toBe(true);
    };
    step({ type: 'OPEN' });
    step({ type: 'DEVICE_RX', len: 4500 }, frame);
    step({ type: 'RECEIVE_HEAD_OOM' });
    for (const len of then) step({ type: 'DEVICE_RX', len }, frameBytes(len, len));
    step({ type: 'RECEIVE' });
    return h;
  }

  test('num_buffers read as 1: the second page is delivered as a 404-byte packet that was never sent', () => {
    const h = strand(1);
    expect(h.applied.get('RECEIVE_MISPARSE')).toBe(1);
    expect(h.rx.sock[0].len).toBe(416 - 12);
    expect(h.oracle.isFrame(h.rx.read())).toBe(false);
  });

  test('num_buffers read as 2: the stranded page swallows the next packet\'s first buffer', () => {
    const h = strand(2, [60]);
    expect(h.rx.sock[0].len).toBe(416 - 12 + 72);
    expect(h.rx.vq.lastUsedIdx).toBe(h.rx.ring.usedIdx);
  });

  test('num_buffers read as 0: the int loop runs past the used entries, finds a buffer missing and drops the packet', () => {
    const h = strand(0);
    expect(h.rx.sock).toHaveLength(0);
    expect(h.rx.stats.rxLengthErrors).toBe(1);
    expect(h.rx.vq.lastUsedIdx).toBe(h.rx.ring.usedIdx);
  });
});

describe('virtqueue-rx: lockstep checks enabledness both ways', () => {
  const b = behaviour('v3.13');
  const env: Env = { b, p: atCheckBounds };
  type GuardArgs = { context: Ctx; event: VirtqueueRxEvent };
  /** The 3.13 machine with one guard replaced: a seeded model bug the implementation knows nothing of. */
  const withGuard = (name: string, guard: (a: GuardArgs) => boolean): ModelInstance => ({
    ...instantiate(atCheckBounds, b),
    machine: virtqueueRxMachine(atCheckBounds, b).provide({ guards: { [name]: guard } }),
  });
  const run = (instance: ModelInstance) =>
    fc.check(
      fc.property(trafficCommands({ ringSize: 4, maxFrame: atCheckBounds.gsoLen, failures: ['head', 'nskb', 'refill'], lockstep: true }), (cmds) => {
        const h = new RxHarness(b, atCheckBounds, true, true, instance);
        fc.modelRun(() => ({ model: { h } satisfies RxModel, real: h }), cmds);
      }),
      { seed: 0x5eed, numRuns: 100 },
    );

  test('an over-strict machine guard is caught: a device that will not take the last available buffer', () => {
    // Over-strict: the machine's device refuses any frame that would leave no buffer available,
    // where QEMU (and the implementation's device) take every buffer the driver posted.
    const keepsOneSpare = withGuard('deviceCanWrite', ({ context, event }) => {
      if (event.type !== 'DEVICE_RX' || context.left === 0 || !deviceAccepts(context, env, event.len)) return false;
      const d = draft(context);
      deviceWrite(d, event.len);
      return u16Distance(d.lastUsed, d.used) < d.ring.length;
    });
    const r = run(keepsOneSpare);
    expect(r.failed).toBe(true);
    expect(r.errorInstance).toBeInstanceOf(EnablednessDivergence);
    expect(String(r.errorInstance)).toMatch(/^EnablednessDivergence: (DEVICE_RX\(\d+\)): the implementation accepts it, the machine refuses it/);
    // The shrunk story ends in the refused frame (alone or in a burst).
    const words = r.counterexample ? [...r.counterexample[0]].map(String) : [];
    expect(words.at(-1)).toMatch(/^(DEVICE_RX|BURST)\(/);
  });

  test('an over-permissive machine guard is caught: napi_complete while used buffers are visible', () => {
    const r = run(withGuard('nothingVisible', () => true));
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toMatch(/^EnablednessDivergence: NAPI_COMPLETE: the machine allows it, the implementation's state does not/);
  });
});
