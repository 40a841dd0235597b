/** rxspec list: models (and fixtures) with their parameters, variants and properties. */
import { DEADLOCK_PROPERTY } from '../../explore/check.js';
import type { ParamDecl } from '../../model/params.js';
import { registry, type Entry } from '../registry.js';
import { color } from '../output.js';

function domain(d: ParamDecl): string {
  if (d.kind === 'int') return `${d.min}..${d.max}`;
  if (d.kind === 'bool') return 'true|false';
  return d.values.join('|');
}

function describe(e: Entry): string[] {
  const s = e.spec;
  const lines = [`${color.bold(s.id)}  ${s.title}${e.group === 'fixture' ? color.dim('  (engine fixture)') : ''}`];
  const params = Object.entries(s.params as Record<string, ParamDecl>);
  if (params.length) {
    lines.push('  parameters (kernel default / check bound, range):');
    for (const [k, d] of params) lines.push(`    ${k} = ${String(d.default)} / ${String(d.check)}  (${domain(d)})  ${color.dim(d.doc)}`);
  }
  lines.push('  variants:');
  for (const v of s.variants) {
    const catches = v.catches.length ? `  catches: ${v.catches.join(', ')}` : '';
    lines.push(`    ${v.name} [${v.kind}]${color.dim(catches)}`);
  }
  lines.push('  properties:');
  for (const p of s.invariants) lines.push(`    invariant ${p.name}: ${color.dim(p.doc)}`);
  if (s.checkDeadlock !== false) lines.push(`    deadlock  ${DEADLOCK_PROPERTY}`);
  for (const p of s.liveness) lines.push(`    leads-to  ${p.name} (fair: ${p.fair.join(', ') || 'none'}): ${color.dim(p.doc)}`);
  for (const p of s.goals) lines.push(`    goal      ${p.name}: ${color.dim(p.doc)}`);
  if (s.simulation) lines.push(`  simulation: rxspec simulate ${s.id}`);
  return lines;
}

export function runList(opts: { json?: boolean }): number {
  if (opts.json) {
    const data = registry.map(({ spec: s, group }) => ({
      id: s.id,
      group,
      title: s.title,
      params: s.params,
      variants: s.variants.map((v) => ({ name: v.name, kind: v.kind, doc: v.doc, catches: v.catches })),
      invariants: s.invariants.map((p) => ({ name: p.name, doc: p.doc })),
      liveness: s.liveness.map((p) => ({ name: p.name, doc: p.doc, fair: p.fair })),
      goals: s.goals.map((p) => ({ name: p.name, doc: p.doc })),
      simulation: Boolean(s.simulation),
    }));
    console.log(JSON.stringify(data, null, 2));
    return 0;
  }
  const blocks = registry.map((e) => describe(e).join('\n'));
  console.log(blocks.join('\n\n'));
  return 0;
}
