/** Who does what in a counterexample's sequence diagram. */
import type { Lanes } from '../../src/model/spec.js';

export const lanes: Lanes = {
  participants: ['device', 'ring', 'driver', 'refill_work', 'stack', 'allocator'],
  of(e) {
    switch (e.type) {
      case 'DEVICE_RX':
        return ['device', 'ring'];
      case 'OPEN':
      case 'NAPI_COMPLETE':
        return ['driver', 'ring'];
      case 'RECEIVE':
      case 'RECEIVE_MISPARSE':
        return ['ring', 'driver'];
      case 'RECEIVE_HEAD_OOM':
      case 'RECEIVE_NSKB_OOM':
      case 'OPEN_OOM':
      case 'NAPI_COMPLETE_OOM':
        return ['allocator', 'driver'];
      case 'REFILL_WORK':
        return ['refill_work', 'ring'];
      case 'REFILL_WORK_OOM':
        return ['allocator', 'refill_work'];
      case 'SKB_FREE':
        return ['stack', 'allocator'];
      default:
        return ['driver', 'driver'];
    }
  },
};
