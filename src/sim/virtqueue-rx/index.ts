import type { Simulation } from '../../model/spec.js';
export const simulation: Simulation = { doc: 'TODO', run: () => ({ tables: [], plots: [], findings: [] }) };
