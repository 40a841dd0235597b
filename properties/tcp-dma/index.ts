export { invariants } from './invariants.js';
export { liveness, KERNEL_STEPS, FAIR } from './liveness.js';
export { goals } from './goals.js';
export { lanes } from './lanes.js';
export { integrityProperty, kernelConfig } from './integrity.js';
export { sessionCommands, initialView, readEventuallyReturns } from './commands.js';
export {
  copyShareOrderingMatchesSeed,
  dmaCrossoverAtLeastAPage,
  offloadEngages,
  readsKeepFlowing,
  receiveBoundedByItsCopy,
  throughputOrderingMatchesSeed,
  SEED_COPY_SHARE,
  SEED_THROUGHPUT_MBIT,
} from './bounds.js';
