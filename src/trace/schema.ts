/**
 * The schema of a trace file, checked on load. A file is data only: it is
 * parsed as JSON and validated field by field, and nothing in it is ever
 * evaluated. The error names the first wrong field by its path.
 */
import { z } from 'zod';
import { TRACE_FORMAT, TRACE_VERSION } from './types.js';

const event = z.object({ type: z.string().min(1) }).passthrough();
const state = z.object({ value: z.unknown(), context: z.unknown() }).strict();

export const traceFileSchema = z
  .object({
    format: z.literal(TRACE_FORMAT),
    version: z.literal(TRACE_VERSION),
    model: z.string().min(1),
    variant: z.string().min(1),
    params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
    property: z
      .object({
        name: z.string().min(1),
        kind: z.enum(['invariant', 'deadlock', 'liveness', 'goal', 'error']),
        doc: z.string(),
        role: z.enum(['counterexample', 'witness']),
      })
      .strict(),
    trace: z
      .object({
        input: z.unknown(),
        initial: state,
        steps: z.array(z.object({ event, state }).strict()),
        failingEvent: event.optional(),
        loop: z
          .object({ start: z.int().min(0), stutter: z.boolean(), from: z.int().min(0) })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

/** "steps[3].event.type: expected string, received number" for the first issue. */
export function describeIssue(issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  const path = first.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
    .join('');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${path || '(top level)'}: ${first.message}${more}`;
}
