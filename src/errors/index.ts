export { RxspecError } from './rxspec-error.js';
export { UsageError } from './usage-error.js';
export { ParamError } from './param-error.js';
export { UnknownModelError } from './unknown-model-error.js';
export { TraceFormatError } from './trace-format-error.js';
export { TraceDivergedError } from './trace-diverged-error.js';
export { UnsupportedMachineError } from './unsupported-machine-error.js';
export { ModelDefinitionError } from './model-definition-error.js';
