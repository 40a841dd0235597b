import { RxspecError } from './rxspec-error.js';

/**
 * A trace whose recorded states the model no longer produces: the model, the
 * parameters or the variant changed since it was written, or it was edited.
 */
export class TraceDivergedError extends RxspecError {
  readonly exitCode = 2;

  constructor(
    readonly file: string,
    /** The first step (1-based; 0 is the initial state) that did not reproduce. */
    readonly step: number,
    detail: string,
  ) {
    super(
      `${file}: step ${step} does not reproduce: ${detail}`,
      're-run `rxspec check` to write a fresh trace for the current model',
    );
  }
}
