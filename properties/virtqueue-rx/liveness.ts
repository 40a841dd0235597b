/**
 * Leads-to properties. Fairness covers the driver's kernel activities
 * (virtnet_open, receive_buf, the end of virtnet_poll, refill_work); the
 * device, the application and allocation failures are environment and may
 * stop at any time.
 */
import type { LeadsTo } from '../../src/model/spec.js';
import type { Ctx } from '../../models/virtqueue-rx/context.js';
import type { VirtqueueRxParams } from '../../models/virtqueue-rx/params.js';
import { FAIR_DRIVER_EVENTS } from '../../models/virtqueue-rx/events.js';
import { u16Distance } from '../../models/virtqueue-rx/kernel.js';
import { explainDryRing, explainUsedConsumed } from './explain.js';

type Live = LeadsTo<Ctx, VirtqueueRxParams>;

export const dryRingIsRefilled: Live = {
  name: 'dryRingIsRefilled',
  doc: 'Once the driver is open, a ring with no buffer posted (as after an allocation failure in the refill) is eventually refilled, with the driver\'s activities weakly fair.',
  from: (s) => !s.matches('closed') && s.context.ring.length === 0,
  to: (s) => u16Distance(s.context.used, s.context.avail) > 0,
  fair: FAIR_DRIVER_EVENTS,
  explain: explainDryRing,
};

export const everyUsedBufferConsumed: Live = {
  name: 'everyUsedBufferConsumed',
  doc: 'Whenever the device has used buffers the driver has not consumed, the driver eventually consumes them all, with its activities weakly fair.',
  from: (s) => u16Distance(s.context.lastUsed, s.context.used) > 0,
  to: (s) => u16Distance(s.context.lastUsed, s.context.used) === 0,
  fair: FAIR_DRIVER_EVENTS,
  explain: explainUsedConsumed,
};

export const liveness: readonly Live[] = [dryRingIsRefilled, everyUsedBufferConsumed];
