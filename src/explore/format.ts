/**
 * Formatting a CheckResult as text: small pure functions, used by
 * assertModel's thrown report and by the command line. Every violation is
 * printed with its whole path.
 */
import { renderText } from '../trace/render-text.js';
import type { CheckResult, Stats, Violation } from './result.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatStats(s: Stats): string {
  return [
    `${n(s.distinct)} distinct states`,
    `${n(s.transitions)} transitions`,
    `depth ${s.depth}`,
    `${n(s.statesPerSecond)} states/s`,
    `${(s.elapsedMs / 1000).toFixed(2)} s`,
    `${s.invariants} invariants, ${s.liveness} liveness, ${s.goals} goals`,
    `successors: ${s.successorPath}`,
    s.complete ? 'complete' : 'incomplete',
    ...(s.pruned ? [`${s.pruned.toLocaleString('en-US')} violating states not expanded`] : []),
  ].join(', ');
}

export function formatViolation(v: Violation, indent = ''): string {
  const lines = [`${indent}${v.property} (${v.kind}): ${v.doc}`, `${indent}${v.message}`];
  for (const u of v.unforced ?? []) lines.push(`${indent}  ${u.type}: ${u.reason}`);
  if (v.trace) lines.push(renderText(v.trace, `${indent}  `));
  return lines.join('\n');
}

export function formatResult(r: CheckResult): string {
  const head = `${r.model}/${r.variant}: ${r.kind} (${formatStats(r.stats)})`;
  if (r.kind === 'holds') return head;
  if (r.kind === 'bounded-out') return `${head}\nthe search stopped at ${r.reason} (${n(r.bound)}): ${r.hint}`;
  return [head, ...r.violations.map((v) => formatViolation(v, '  '))].join('\n');
}
