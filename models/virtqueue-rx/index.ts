/** The virtqueue-rx model: its ModelSpec. */
import type { ModelSpec } from '../../src/model/spec.js';
import type { Behaviour } from './behaviour.js';
import type { Ctx } from './context.js';
import { instantiate } from './instance.js';
import { lanes } from './lanes.js';
import { params, type VirtqueueRxParams } from './params.js';
import { variants } from './variants.js';
import { MODELLED, LEFT_OUT } from './prose.js';
import { invariants } from '../../properties/virtqueue-rx/invariants.js';
import { liveness } from '../../properties/virtqueue-rx/liveness.js';
import { goals } from '../../properties/virtqueue-rx/goals.js';
import { simulation } from '../../src/sim/virtqueue-rx/index.js';

export const spec: ModelSpec<VirtqueueRxParams, Behaviour, Ctx> = {
  id: 'virtqueue-rx',
  title: 'virtio_net mergeable receive buffers: ownership, rings and truesize (v3.12 → v3.14)',
  summary:
    'The life of a virtio_net receive buffer with mergeable buffers: page or page-frag allocation, the available and used rings with 16-bit free-running indices, the device writing a packet across num_buffers buffers, the driver building the skb (copy, frags, frag_list, build_skb) and its error and refill paths, with truesize against the memory really held, and what the driver makes of a buffer stranded mid-packet (it parses it as a packet). Versions 3.12, 3.13, fb51879d (3.14-rc1) and 3.14, the build_skb alternative from the seed\'s thread, and the bugs (historical and seeded, in the driver and the device) that break single ownership, the exact consumption of num_buffers, whole packets, MAX_SKB_FRAGS, truesize and the index wrap.',
  sources: [
    '../shared/seeds/003_c3e238a6ceba5d07.txt',
    'drivers/net/virtio_net.c@v3.12 (3.8–3.12-era copy read), @v3.13.10 and @v3.14 (release trees read), @2613af0e (kernel-facts §3.3–§3.4), @fb51879d, ab7db917, 8fc3b9e9, ba275241 (blame of the mainline file: author dates)',
    'include/uapi/linux/virtio_ring.h (mainline, frozen ABI)',
    'lib/average.c (3.x)',
    '../shared/reference/kernel-facts.md §3.1–§3.6',
  ],
  modelled: MODELLED,
  leftOut: LEFT_OUT,
  params,
  variants,
  instantiate,
  invariants,
  liveness,
  goals,
  lanes,
  simulation,
};
