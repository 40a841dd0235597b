/** The reference virtio_net receive queue on real bytes. */
export { VirtnetRx, type NapiState } from './virtnet.js';
export { abstractRx, projectMachine, type Abstract } from './abstraction.js';
export { KernelFault } from './faults.js';
export { PhysMem } from './phys-mem.js';
export { VringLayout, VirtqueueDriver } from './vring.js';
export { VirtioNetDevice } from './device.js';
export type { RxBuf } from './refill.js';
