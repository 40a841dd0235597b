/**
 * Trace files: writing a result's counterexamples and witnesses, and loading
 * one back with every malformation reported as a TraceFormatError naming the
 * file, the problem and the fix.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceFormatError } from '../errors/trace-format-error.js';
import type { CheckResult } from '../explore/result.js';
import type { AnyModelSpec } from '../model/spec.js';
import { describeIssue, traceFileSchema } from './schema.js';
import { TRACE_FORMAT, TRACE_VERSION, type TraceFile } from './types.js';

/** Every counterexample of a result as a trace file (unreachable goals have none). */
export function counterexampleFiles(r: CheckResult): TraceFile[] {
  if (r.kind !== 'violated') return [];
  return r.violations
    .filter((v) => v.trace)
    .map((v) => ({
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      model: r.model,
      variant: r.variant,
      params: r.params,
      property: { name: v.property, kind: v.kind, doc: v.doc, role: 'counterexample' },
      trace: v.trace!,
    }));
}

export function witnessFiles(r: CheckResult, spec: AnyModelSpec): TraceFile[] {
  return r.witnesses.map((w) => ({
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    model: r.model,
    variant: r.variant,
    params: r.params,
    property: { name: w.goal, kind: 'goal', doc: spec.goals.find((g) => g.name === w.goal)?.doc ?? w.doc, role: 'witness' },
    trace: w.trace,
  }));
}

export function traceFileName(t: TraceFile): string {
  return `${t.model}.${t.variant}.${t.property.name}.json`;
}

/** Writes the file into `dir` (created if needed) and returns its path. */
export function writeTraceFile(dir: string, t: TraceFile): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, traceFileName(t));
  writeFileSync(path, JSON.stringify(t, null, 2) + '\n');
  return path;
}

export function loadTraceFile(path: string): TraceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFormatError(
      path,
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a trace file' : `cannot be read (${code ?? (err as Error).message})`,
      'check the path; rxspec check --out <dir> writes trace files there',
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new TraceFormatError(path, `is not valid JSON (${(err as Error).message}); the file may be truncated`);
  }
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== TRACE_FORMAT) {
    throw new TraceFormatError(path, `is not an rxspec trace (its "format" field is not "${TRACE_FORMAT}")`);
  }
  const version = (data as { version?: unknown }).version;
  if (version !== TRACE_VERSION) {
    throw new TraceFormatError(
      path,
      `is trace format version ${JSON.stringify(version)}, but this rxspec reads version ${TRACE_VERSION}`,
      'replay it with the rxspec that wrote it, or re-run rxspec check to write a version 1 trace',
    );
  }
  const parsed = traceFileSchema.safeParse(data);
  if (!parsed.success) throw new TraceFormatError(path, `has a malformed field: ${describeIssue(parsed.error.issues)}`);
  const t = parsed.data as TraceFile;
  const states = t.trace.steps.length + 1;
  if (t.trace.loop && (t.trace.loop.start >= states || t.trace.loop.from >= states)) {
    throw new TraceFormatError(path, `has a loop that starts past its last state (${states - 1})`);
  }
  if (t.trace.loop && t.trace.loop.from > t.trace.loop.start) {
    // The premise must hold before the cycle or on it: a later index would skip part of the cycle when looking for the goal.
    throw new TraceFormatError(path, `has a loop whose premise state (${t.trace.loop.from}) comes after the cycle's start (${t.trace.loop.start})`);
  }
  return t;
}
