/**
 * The base of every error rxspec reports to a user. It carries what went
 * wrong, how to fix it, and the exit code; the CLI prints `message` and
 * `hint` on one line each and never a stack trace.
 */
export abstract class RxspecError extends Error {
  /** 2 for bad usage or bad input; 1 for a finding about a model. */
  abstract readonly exitCode: 1 | 2;

  constructor(
    message: string,
    /** The fix, phrased as an instruction. */
    readonly hint: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
