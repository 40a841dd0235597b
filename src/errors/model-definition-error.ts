import { RxspecError } from './rxspec-error.js';

/** A model whose definition breaks the ModelSpec contract (e.g. a context that is not plain data). */
export class ModelDefinitionError extends RxspecError {
  readonly exitCode = 2;
}
