/**
 * The implementation and the machine in lockstep on generated traffic (tiny
 * frames to 64 KiB GSO, mixes, bursts, allocation failures): after every
 * command the abstraction of the real queue equals the machine's snapshot,
 * every frame read is byte-for-byte the frame written, and the driver settles
 * with nothing left behind. At the check bounds and at kernel scale.
 */
import { describe } from 'vitest';
import { test } from '@fast-check/vitest';
import { variants } from '../../../models/virtqueue-rx/variants.js';
import { params } from '../../../models/virtqueue-rx/params.js';
import { checkParams, defaultParams } from '../../../src/model/params.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import { receivesEveryFrameIntact, trafficCommands, type TrafficRun } from '../../../properties/virtqueue-rx/traffic-property.js';

const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;

/** The check bounds with the traffic and failure budgets lifted (the harness bounds the run instead). */
const atCheckBounds: VirtqueueRxParams = { ...checkParams(params), packets: 1_000_000, oomBudget: 1_000_000 };
/** Kernel constants (MAX_SKB_FRAGS 17, 64 KiB GSO, 32 KiB frag pages) on a 64-entry ring started 36 below the wrap. */
const atKernelScale: VirtqueueRxParams = { ...defaultParams(params), ringSize: 64, startIndex: 65500 };
const withOrderZeroFrags: VirtqueueRxParams = { ...atKernelScale, pageFragSize: 4096 };

// 3.12's head-allocation failure strands buffers (a finding asserted in bytes.test.ts);
// its lockstep runs inject the other failures.
const failuresOf = (name: string): TrafficRun['failures'] =>
  name === 'v3.12' || name === 'build-skb' ? ['nskb', 'refill'] : ['head', 'nskb', 'refill'];

describe('virtqueue-rx: implementation and machine in lockstep on real bytes', () => {
  for (const name of ['v3.13', 'v3.12', 'v3.14-ewma', 'build-skb']) {
    const small: TrafficRun = { ringSize: 4, maxFrame: atCheckBounds.gsoLen, failures: failuresOf(name), lockstep: true };
    test.prop([trafficCommands(small)], { seed: 0x5eed, numRuns: 120 })(
      `${name}, check bounds (ring 4, MAX_SKB_FRAGS 2, frames to ${atCheckBounds.gsoLen} B)`,
      (cmds) => receivesEveryFrameIntact(behaviour(name), atCheckBounds, small, cmds),
    );
    const big: TrafficRun = { ringSize: 64, failures: failuresOf(name), lockstep: true, maxCommands: 30 };
    test.prop([trafficCommands(big)], { seed: 0x5eed, numRuns: 40 })(
      `${name}, kernel scale (ring 64, MAX_SKB_FRAGS 17, frames to 64 KiB, 32 KiB frag pages)`,
      (cmds) => receivesEveryFrameIntact(behaviour(name), atKernelScale, big, cmds),
    );
    if (name !== 'v3.12' && name !== 'build-skb') {
      test.prop([trafficCommands(big)], { seed: 0x5eed, numRuns: 40 })(
        `${name}, kernel scale with order-0 (4 KiB) frag pages`,
        (cmds) => receivesEveryFrameIntact(behaviour(name), withOrderZeroFrags, big, cmds),
      );
    }
  }
});
