/**
 * Flattening states into named fields and diffing consecutive states, so a
 * trace shows only what each step changed (as TLC's difftrace does).
 * Arrays of plain values stay one field (a ring of buffer states reads better
 * whole); objects, and arrays of objects, are opened up.
 */
import type { EventObject } from 'xstate';
import type { TraceState } from './types.js';

export type Fields = Map<string, string>;

function compact(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function walk(v: unknown, path: string, out: Fields): void {
  if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) {
    v.forEach((x, i) => walk(x, `${path}[${i}]`, out));
  } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) out.set(path, '{}');
    for (const k of keys) walk((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, compact(v));
  }
}

/**
 * The state value as dotted paths: `state = waiting.a` for nested states,
 * one `state.<region>` field per region of a parallel state.
 */
function walkValue(v: unknown, path: string, out: Fields): void {
  if (typeof v === 'string') {
    out.set(path, v);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const inner: Fields = new Map();
    walkValue((v as Record<string, unknown>)[keys[0]], path, inner);
    if (inner.size === 0) out.set(path, keys[0]);
    for (const [k, x] of inner) out.set(k, k === path ? `${keys[0]}.${x}` : x);
    return;
  }
  for (const k of keys.sort()) walkValue((v as Record<string, unknown>)[k], `${path}.${k}`, out);
}

/** The state value first (`state`, or `state.<region>`), then the context's fields by name. */
export function flatten(s: TraceState): Fields {
  const out: Fields = new Map();
  walkValue(s.value, 'state', out);
  const c = s.context;
  if (c !== null && c !== undefined && !(typeof c === 'object' && Object.keys(c).length === 0)) walk(c, '', out);
  return out;
}

export interface Change {
  readonly field: string;
  readonly before?: string;
  readonly after?: string;
}

/** Whether `field` is opened up into sub-fields in `f` (a list that went from [] to holding objects, or back). */
function openedUp(f: Fields, field: string): boolean {
  for (const k of f.keys()) if (k.startsWith(`${field}[`) || k.startsWith(`${field}.`)) return true;
  return false;
}

/** The parent of a sub-field, if it stands as one field in `f` (e.g. `ring` for `ring[0].len` when ring = []). */
function collapsedInto(f: Fields, field: string): boolean {
  for (let i = field.length - 1; i > 0; i--) {
    if ((field[i] === '[' || field[i] === '.') && f.has(field.slice(0, i))) return true;
  }
  return false;
}

export function diff(a: Fields, b: Fields): Change[] {
  const out: Change[] = [];
  for (const [k, v] of b) if (a.get(k) !== v) out.push({ field: k, before: a.get(k), after: v });
  // A list element that went away is one change, not one per field of it.
  const gone = new Set<string>();
  for (const [k, v] of a) {
    if (b.has(k) || openedUp(b, k) || collapsedInto(b, k)) continue;
    const end = k.lastIndexOf(']');
    const element = end > 0 ? k.slice(0, end + 1) : '';
    if (element && element !== k && !openedUp(b, element)) {
      if (!gone.has(element)) out.push({ field: element, before: '{…}' });
      gone.add(element);
    } else {
      out.push({ field: k, before: v });
    }
  }
  return out;
}

export function changeText(c: Change): string {
  if (c.before === undefined) return `${c.field} = ${c.after}`;
  if (c.after === undefined) return `${c.field} removed (was ${c.before})`;
  return `${c.field}: ${c.before} → ${c.after}`;
}

/** `SEND size=small` for `{ type: 'SEND', size: 'small' }`. */
export function eventLabel(e: EventObject): string {
  const rest = Object.keys(e)
    .filter((k) => k !== 'type')
    .sort()
    .map((k) => `${k}=${compact((e as Record<string, unknown>)[k])}`);
  return [e.type, ...rest].join(' ');
}
