/**
 * Canonical keys for states and events. Two snapshots are the same state
 * exactly when their state values and contexts are equal as data, whatever
 * the order their properties were created in, so object keys are sorted.
 * Contexts must be plain data (numbers, strings, booleans, null, arrays,
 * plain objects): anything else would make equal states look different, or
 * different ones look equal, so it is refused with the path to the field.
 */
import { ModelDefinitionError } from '../errors/model-definition-error.js';

declare const stateKeyBrand: unique symbol;
declare const eventKeyBrand: unique symbol;
/** The canonical serialization of (state value, context): the visited-set key. */
export type StateKey = string & { readonly [stateKeyBrand]: true };
/** The canonical serialization of an event object. */
export type EventKey = string & { readonly [eventKeyBrand]: true };

function refuse(path: string, what: string): never {
  throw new ModelDefinitionError(
    `context field '${path}' holds ${what}, which is not plain data`,
    'keep contexts to numbers, strings, booleans, null, arrays and plain objects (use arrays for sets and records for maps)',
  );
}

/**
 * JSON (and so every trace file) writes an undefined array element as null,
 * while a guard can tell them apart: two different states would share a key.
 */
function undefinedElement(path: string): never {
  throw new ModelDefinitionError(
    `context field '${path}' is undefined: an array element must be data, and JSON cannot tell undefined from null`,
    'use null for an empty array slot',
  );
}

function write(v: unknown, path: string): string {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) refuse(path, String(v));
      return String(v);
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) {
          if (v[i] === undefined) undefinedElement(`${path}[${i}]`);
          s += (i ? ',' : '') + write(v[i], `${path}[${i}]`);
        }
        return s + ']';
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) refuse(path, `a ${proto?.constructor?.name ?? 'class instance'}`);
      const keys = Object.keys(v).sort();
      let s = '{';
      let first = true;
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) continue;
        s += (first ? '' : ',') + JSON.stringify(k) + ':' + write(x, path ? `${path}.${k}` : k);
        first = false;
      }
      return s + '}';
    }
    default:
      return refuse(path, `a ${typeof v}`);
  }
}

/** Canonical JSON: sorted object keys, no undefined fields, finite numbers only. */
export function canonicalJson(v: unknown, path = ''): string {
  return write(v, path);
}

export function stateKey(value: unknown, context: unknown): StateKey {
  return (write(value, '(state value)') + '|' + write(context, '')) as StateKey;
}

export function eventKey(event: unknown): EventKey {
  return write(event, '(event)') as EventKey;
}

/** A deep copy as plain JSON data (for traces and reports). */
export function toPlain<T>(v: T): T {
  return JSON.parse(canonicalJson(v)) as T;
}
