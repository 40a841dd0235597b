export { invariants } from './invariants.js';
export { liveness, KERNEL_STEPS } from './liveness.js';
export { goals } from './goals.js';
export { lanes } from './lanes.js';
