/**
 * rxspec replay <trace.json>: re-executes a trace on its model and prints
 * the trace and whether it still shows what it claims. Exit 0 reproduced,
 * 1 when every step reproduces but the property now holds on it, 2 for a
 * missing, malformed or diverging trace.
 */
import { UsageError } from '../../errors/usage-error.js';
import { loadTraceFile } from '../../trace/file.js';
import { replay } from '../../trace/replay.js';
import { renderMarkdown } from '../../trace/render-markdown.js';
import { renderMermaid } from '../../trace/render-mermaid.js';
import { renderText } from '../../trace/render-text.js';
import { findEntry } from '../registry.js';
import { color, plural } from '../output.js';

const FORMATS = ['text', 'markdown', 'mermaid', 'none'] as const;

export function runReplay(file: string, opts: { format: string }): number {
  if (!(FORMATS as readonly string[]).includes(opts.format)) {
    throw new UsageError(`--format '${opts.format}' is not one of ${FORMATS.join(', ')}`, 'pass --format text (the default), markdown, mermaid or none');
  }
  const t = loadTraceFile(file);
  const { spec } = findEntry(t.model);
  const outcome = replay(file, t, spec);
  const p = t.property;
  console.log(`${color.bold(`${t.model}/${t.variant}`)}: ${p.role} for ${p.kind} ${p.name}`);
  console.log(`  ${p.doc}`);
  if (opts.format === 'text') console.log(renderText(t.trace));
  if (opts.format === 'markdown') console.log(renderMarkdown(t.trace));
  if (opts.format === 'mermaid') console.log(renderMermaid(t.trace, spec.lanes));
  if (outcome.kind === 'reproduced') {
    console.log(color.green(`reproduced: ${plural(outcome.steps, 'step')} replayed; ${outcome.message}`));
    return 0;
  }
  console.log(color.yellow(`every step reproduces, but ${outcome.message}`));
  return 1;
}
