import { RxspecError } from './rxspec-error.js';

/** A trace file that is missing, not JSON, of another version, or of the wrong shape. */
export class TraceFormatError extends RxspecError {
  readonly exitCode = 2;

  constructor(
    readonly file: string,
    problem: string,
    hint = 'pass a trace written by `rxspec check --out <dir>` (format rxspec-trace, version 1)',
  ) {
    super(`${file}: ${problem}`, hint);
  }
}
