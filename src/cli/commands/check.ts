/**
 * rxspec check [model ...]: checks each model at its check bounds, every
 * variant against its expected outcome (models/<m>/expected.json), writes a
 * trace file per counterexample, and prints a summary. Exit 0 when every run
 * is as expected, 1 when any is not, 2 for bad usage.
 */
import { check, findVariant, type CheckOptions } from '../../explore/check.js';
import { compare, observed, type ExpectedVariant, type Mismatch } from '../../explore/expected.js';
import { loadExpected, writeExpected } from '../../explore/manifest-file.js';
import type { CheckResult } from '../../explore/result.js';
import { parseParamText, type ParamDecl } from '../../model/params.js';
import { UsageError } from '../../errors/usage-error.js';
import { counterexampleFiles, writeTraceFile } from '../../trace/file.js';
import { formatViolation } from '../../explore/format.js';
import { findEntry, registry, type Entry } from '../registry.js';
import { color, duration, int, plural, table } from '../output.js';
import { progressLine } from '../progress.js';

export interface CheckCommandOptions {
  variant?: string;
  param: string[];
  maxStates?: string;
  maxDepth?: string;
  successors: 'compiled' | 'xstate';
  json?: boolean;
  out: string;
  traces: boolean;
  writeExpected?: boolean;
  verbose?: boolean;
}

interface Run {
  entry: Entry;
  result: CheckResult;
  mismatches: Mismatch[];
  traceFiles: string[];
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${flag} must be a positive integer, not '${text}'`, `pass ${flag} <n> with n ≥ 1, e.g. ${flag} 500000`);
  }
  return Number(text);
}

function parseParams(entry: Entry, texts: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of texts) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param '${t}' is not key=value`, 'write it as --param key=value, e.g. --param recvq_size=4');
    const key = t.slice(0, eq);
    const decl = (entry.spec.params as Record<string, ParamDecl>)[key];
    // Unknown keys are reported by resolveParams with the list of known ones.
    out[key] = decl ? parseParamText(entry.spec.id, key, decl, t.slice(eq + 1)) : t.slice(eq + 1);
  }
  return out;
}

/** 'violated' when a property fails; a run whose only failures are unreachable goals says so. */
function outcomeText(r: CheckResult, ok: boolean): string {
  const onlyGoals = r.kind === 'violated' && r.violations.every((v) => v.kind === 'goal');
  const kind = r.kind === 'bounded-out' ? `bounded-out (${r.reason})` : onlyGoals ? 'holds, goals unreached' : r.kind;
  if (ok) return color.green(`✓ ${kind}${r.kind === 'violated' ? ', as expected' : ''}`);
  return color.red(`✗ ${kind}, not as expected`);
}

export function pruneNote(n: number): string {
  return `${int(n)} states violating an invariant were not expanded: the other verdicts cover the behaviours up to their first violation`;
}

function report(runs: readonly Run[], verbose: boolean): string {
  const rows = runs.map(({ entry, result: r, mismatches }) => [
    entry.spec.id,
    r.variant,
    outcomeText(r, mismatches.length === 0),
    int(r.stats.distinct),
    int(r.stats.transitions),
    String(r.stats.depth),
    duration(r.stats.elapsedMs),
  ]);
  const lines = [table(rows, ['model', 'variant', 'outcome', 'states', 'transitions', 'depth', 'time']), ''];
  for (const { entry, result: r, mismatches, traceFiles } of runs) {
    const ok = mismatches.length === 0;
    if (ok && !verbose && r.kind !== 'bounded-out') {
      if (r.kind === 'violated') {
        const failed = r.violations.filter((v) => v.kind !== 'goal').map((v) => `${v.property} (${plural(v.trace?.steps.length ?? 0, 'step')})`);
        const unreached = r.violations.filter((v) => v.kind === 'goal').map((v) => v.property);
        const parts = [...(failed.length ? [`violates ${failed.join(', ')}`] : []), ...(unreached.length ? [`does not reach ${unreached.join(', ')}`] : [])];
        lines.push(`${entry.spec.id}/${r.variant}: ${parts.join('; ')}; as expected`);
      }
      continue;
    }
    lines.push(color.bold(`${entry.spec.id}/${r.variant}`) + (ok ? '' : color.red(' differs from its expected outcome:')));
    for (const m of mismatches) lines.push(`  ${m.what}: expected ${m.expected}, got ${m.actual}`);
    if (r.kind === 'bounded-out') lines.push(`  the search stopped at ${r.reason} (${int(r.bound)}): ${r.hint}`);
    if (r.kind === 'violated') for (const v of r.violations) lines.push(formatViolation(v, '  '));
    if (r.stats.pruned) lines.push(`  ${pruneNote(r.stats.pruned)}`);
    if (traceFiles.length) lines.push(`  traces: ${traceFiles.join(', ')}`);
    lines.push('');
  }
  const bad = runs.filter((x) => x.mismatches.length > 0).length;
  lines.push(
    bad === 0
      ? color.green(`${plural(runs.length, 'run')}, all as expected`)
      : color.red(`${plural(runs.length, 'run')}: ${bad} not as expected`),
  );
  if (runs.some((x) => x.traceFiles.length)) lines.push(`replay a counterexample with: rxspec replay <trace file>`);
  if (!verbose && runs.some((x) => x.result.stats.pruned > 0)) {
    lines.push(color.dim('states that violate an invariant are not expanded; --verbose says where that limits the other verdicts'));
  }
  return lines.join('\n');
}

function json(runs: readonly Run[]): string {
  return JSON.stringify(
    {
      runs: runs.map(({ entry, result: r, mismatches, traceFiles }) => ({
        model: entry.spec.id,
        variant: r.variant,
        params: r.params,
        outcome: r.kind,
        asExpected: mismatches.length === 0,
        mismatches,
        stats: r.stats,
        verdicts: r.verdicts,
        violations: r.kind === 'violated' ? r.violations.map((v) => ({ property: v.property, kind: v.kind, message: v.message, length: v.trace?.steps.length })) : [],
        ...(r.kind === 'bounded-out' ? { reason: r.reason, bound: r.bound, hint: r.hint } : {}),
        traceFiles,
      })),
    },
    null,
    2,
  );
}

export function runCheck(names: readonly string[], opts: CheckCommandOptions): number {
  const entries = names.length ? names.map(findEntry) : registry.filter((e) => e.group === 'model');
  if (entries.length === 0) {
    console.log('no models are registered yet (models/index.ts); name a fixture instead, e.g. rxspec check die-hard');
    return 0;
  }
  if (opts.param.length > 0 && entries.length !== 1) {
    throw new UsageError('--param needs exactly one model', 'name the model: rxspec check <model> --param key=value');
  }
  if (opts.writeExpected && (opts.variant || opts.param.length || opts.maxDepth)) {
    throw new UsageError('--write-expected records every variant at the check bounds', 'leave out --variant, --param and --max-depth');
  }
  const maxStates = positiveInt('--max-states', opts.maxStates);
  const maxDepth = positiveInt('--max-depth', opts.maxDepth);
  const plans = entries.map((entry) => ({
    entry,
    params: parseParams(entry, opts.param),
    variants: opts.variant ? [findVariant(entry.spec, opts.variant)] : entry.spec.variants,
  }));

  const runs: Run[] = [];
  for (const { entry, params, variants } of plans) {
    const manifest = loadExpected(entry.spec.id, entry.manifestDir);
    const recorded: Record<string, ExpectedVariant> = {};
    for (const v of variants) {
      const progress = progressLine(`${entry.spec.id}/${v.name}`);
      const options: CheckOptions = { variant: v.name, params, maxStates, maxDepth, onProgress: progress.onProgress, successors: opts.successors };
      const result = check(entry.spec, options);
      progress.done();
      const countsComparable = opts.param.length === 0 && maxDepth === undefined;
      // A cut-short search has nothing comparable but the fact that it was cut short.
      const mismatches =
        result.kind === 'bounded-out'
          ? [{ what: 'search', expected: 'complete', actual: `bounded-out at ${result.reason}` }]
          : opts.writeExpected
            ? []
            : compare(result, manifest?.variants[v.name], countsComparable);
      const traceFiles = opts.traces ? counterexampleFiles(result).map((t) => writeTraceFile(opts.out, t)) : [];
      runs.push({ entry, result, mismatches, traceFiles });
      recorded[v.name] = observed(result);
    }
    if (opts.writeExpected) {
      const incomplete = runs.filter((r) => r.entry === entry && r.result.kind === 'bounded-out');
      if (incomplete.length > 0) {
        throw new UsageError(`${entry.spec.id}: cannot record a manifest from an incomplete search`, 'raise --max-states until every variant completes');
      }
      console.error(`wrote ${writeExpected({ model: entry.spec.id, variants: recorded }, entry.manifestDir)}`);
    }
  }
  console.log(opts.json ? json(runs) : report(runs, opts.verbose ?? false));
  return runs.every((r) => r.mismatches.length === 0) ? 0 : 1;
}
