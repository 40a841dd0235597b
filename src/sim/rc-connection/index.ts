import type { Simulation } from '../../model/spec.js';
export const simulation: Simulation | undefined = undefined;
