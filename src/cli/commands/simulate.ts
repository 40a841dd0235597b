/** rxspec simulate <model>: runs a model's throughput or accounting experiment. */
import { findVariant } from '../../explore/check.js';
import { UsageError } from '../../errors/usage-error.js';
import type { SimReport } from '../../model/spec.js';
import { findEntry, registry } from '../registry.js';
import { color, table } from '../output.js';

export function formatSimReport(r: SimReport): string {
  const lines: string[] = [];
  for (const t of r.tables) {
    lines.push(color.bold(t.title));
    lines.push(table(t.rows.map((row) => row.map(String)), t.columns));
    for (const n of t.notes ?? []) lines.push(color.dim(`  ${n}`));
    lines.push('');
  }
  if (r.findings.length) {
    lines.push(color.bold('Findings'));
    for (const f of r.findings) lines.push(`  - ${f}`);
  }
  return lines.join('\n');
}

export function runSimulate(name: string, opts: { variant?: string; seed: string; json?: boolean }): number {
  const { spec } = findEntry(name);
  if (!spec.simulation) {
    const withSim = registry.filter((e) => e.spec.simulation).map((e) => e.spec.id);
    throw new UsageError(`model '${name}' has no simulation`, withSim.length ? `simulate one of: ${withSim.join(', ')}` : 'no model has a simulation yet');
  }
  if (!/^\d+$/.test(opts.seed)) throw new UsageError(`--seed must be a non-negative integer, not '${opts.seed}'`, 'pass --seed <n>, e.g. --seed 1');
  if (opts.variant) findVariant(spec, opts.variant);
  const report = spec.simulation.run({ variant: opts.variant, seed: Number(opts.seed) });
  console.log(opts.json ? JSON.stringify(report, null, 2) : `${color.dim(spec.simulation.doc)}\n\n${formatSimReport(report)}`);
  return 0;
}
