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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const holdsObjects = (v: unknown): v is unknown[] => Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null);

/** A removed or added list element, in one line (long ones cut). */
function element(v: unknown): string {
  const s = compact(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

/**
 * Pairs of indices (i in a, j in b) of a longest common subsequence of two
 * lists, by deep equality: the elements a step left alone, wherever they moved.
 */
function commonElements(a: readonly unknown[], b: readonly unknown[]): [number, number][] {
  const ka = a.map((x) => JSON.stringify(x));
  const kb = b.map((x) => JSON.stringify(x));
  const n = a.length;
  const m = b.length;
  const L = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = ka[i] === kb[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (ka[i] === kb[j]) out.push([i++, j++]);
    else if (L[i + 1][j] >= L[i][j + 1]) i++;
    else j++;
  }
  return out;
}

function diffValue(a: unknown, b: unknown, path: string, out: Change[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const sub = path ? `${path}.${k}` : k;
      if (a[k] === undefined) flattenInto(b[k], sub, (f, v) => out.push({ field: f, after: v }));
      else if (b[k] === undefined) out.push({ field: sub, before: element(a[k]) });
      else diffValue(a[k], b[k], sub, out);
    }
    return;
  }
  if (holdsObjects(a) && holdsObjects(b)) {
    // Align the lists first, so an element that moved (a completion taken off the front of a ring) is not read as every later slot changing.
    const common = [...commonElements(a, b), [a.length, b.length] as [number, number]];
    let i = 0;
    let j = 0;
    for (const [ci, cj] of common) {
      const paired = Math.min(ci - i, cj - j);
      for (let k = 0; k < paired; k++) diffValue(a[i + k], b[j + k], `${path}[${j + k}]`, out);
      for (let k = paired; k < ci - i; k++) out.push({ field: `${path}[${i + k}]`, before: element(a[i + k]) });
      for (let k = paired; k < cj - j; k++) out.push({ field: `${path}[${j + k}]`, after: element(b[j + k]) });
      i = ci + 1;
      j = cj + 1;
    }
    return;
  }
  const fa: Fields = new Map();
  const fb: Fields = new Map();
  flattenInto(a, path, (f, v) => fa.set(f, v));
  flattenInto(b, path, (f, v) => fb.set(f, v));
  out.push(...diff(fa, fb));
}

function flattenInto(v: unknown, path: string, put: (field: string, value: string) => void): void {
  const f: Fields = new Map();
  walk(v, path, f);
  for (const [k, x] of f) put(k, x);
}

/**
 * What a step changed: the state value's fields, then the context's, with
 * lists of objects aligned on the elements the step left alone, so an
 * element taken off a list is one removal, not a shift of every slot after it.
 */
export function diffStates(a: TraceState, b: TraceState): Change[] {
  const va: Fields = new Map();
  const vb: Fields = new Map();
  walkValue(a.value, 'state', va);
  walkValue(b.value, 'state', vb);
  const out = diff(va, vb);
  diffValue(a.context ?? {}, b.context ?? {}, '', out);
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
