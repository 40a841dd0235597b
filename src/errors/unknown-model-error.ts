import { RxspecError } from './rxspec-error.js';

/** A model or variant name that is not registered. */
export class UnknownModelError extends RxspecError {
  readonly exitCode = 2;

  constructor(kind: 'model' | 'variant', name: string, known: readonly string[], scope?: string) {
    super(
      kind === 'model'
        ? `unknown model '${name}'`
        : `model '${scope}' has no variant '${name}'`,
      `use one of: ${known.join(', ')} (rxspec list shows them all)`,
    );
  }
}
