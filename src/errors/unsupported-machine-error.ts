import { RxspecError } from './rxspec-error.js';

/**
 * A machine that uses a feature the checker cannot explore faithfully:
 * invoked or spawned actors, `after` and delayed events (time must be an
 * explicit event), or actions with side effects the pure step would drop.
 */
export class UnsupportedMachineError extends RxspecError {
  readonly exitCode = 2;

  constructor(machineId: string, stateNode: string, feature: string, fix: string) {
    super(`machine '${machineId}' uses ${feature} in state node '${stateNode}', which the checker refuses`, fix);
  }
}
