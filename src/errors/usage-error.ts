import { RxspecError } from './rxspec-error.js';

/** A command line that rxspec cannot act on. */
export class UsageError extends RxspecError {
  readonly exitCode = 2;
}
