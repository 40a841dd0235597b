import type { Simulation } from '../../model/spec.js';
export const simulation: Simulation = { doc: 'todo', run: () => ({ tables: [], plots: [], findings: [] }) };
