import { RxspecError } from './rxspec-error.js';

/** An unknown parameter, or a value outside its declared domain. */
export class ParamError extends RxspecError {
  readonly exitCode = 2;
}
