/**
 * Model parameters: each has the kernel's default (with its source) and the
 * value used for exhaustive checking (with the reason it is smaller), and a
 * finite domain so bad command-line values are refused with the range.
 */
import { ParamError } from '../errors/param-error.js';

export type ParamValue = number | boolean | string;
export type ParamValues = Record<string, ParamValue>;

interface DeclCommon {
  /** What the parameter is, in the kernel's words. */
  readonly doc: string;
  /** Where the default comes from: file@commit, spec section, or reasoning. */
  readonly source: string;
  /** Why the check bound differs from the kernel default (required when it does). */
  readonly why?: string;
}

export interface IntDecl extends DeclCommon {
  readonly kind: 'int';
  readonly default: number;
  readonly check: number;
  readonly min: number;
  readonly max: number;
}

export interface BoolDecl extends DeclCommon {
  readonly kind: 'bool';
  readonly default: boolean;
  readonly check: boolean;
}

export interface EnumDecl extends DeclCommon {
  readonly kind: 'enum';
  readonly values: readonly string[];
  readonly default: string;
  readonly check: string;
}

export type ParamDecl = IntDecl | BoolDecl | EnumDecl;
export type ParamDecls<P extends ParamValues> = { readonly [K in keyof P]: ParamDecl };

/** The values used for exhaustive checking. */
export function checkParams<P extends ParamValues>(decls: ParamDecls<P>): P {
  const out: ParamValues = {};
  for (const [k, d] of Object.entries(decls)) out[k] = d.check;
  return out as P;
}

/** The kernel defaults. */
export function defaultParams<P extends ParamValues>(decls: ParamDecls<P>): P {
  const out: ParamValues = {};
  for (const [k, d] of Object.entries(decls)) out[k] = d.default;
  return out as P;
}

function describeDomain(d: ParamDecl): string {
  switch (d.kind) {
    case 'int':
      return `an integer from ${d.min} to ${d.max}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${d.values.join(', ')}`;
  }
}

/** Checks one value against its declaration; throws a ParamError naming the fix. */
export function validateParam(model: string, key: string, d: ParamDecl, value: unknown): ParamValue {
  const bad = () =>
    new ParamError(
      `parameter '${key}' of model '${model}' is ${JSON.stringify(value)}, but must be ${describeDomain(d)}`,
      `pass --param ${key}=<value> with ${describeDomain(d)}`,
    );
  switch (d.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < d.min || value > d.max) throw bad();
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'enum':
      if (typeof value !== 'string' || !d.values.includes(value)) throw bad();
      return value;
  }
}

/** Parses a command-line string for a declared parameter. */
export function parseParamText(model: string, key: string, d: ParamDecl, text: string): ParamValue {
  let value: unknown = text;
  if (d.kind === 'int') value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
  if (d.kind === 'bool') value = text === 'true' ? true : text === 'false' ? false : text;
  return validateParam(model, key, d, value);
}

/**
 * Applies overrides to a base assignment, refusing unknown keys and values
 * outside their domain.
 */
export function resolveParams<P extends ParamValues>(
  model: string,
  decls: ParamDecls<P>,
  base: P,
  overrides: Partial<Record<string, unknown>>,
): P {
  const out: ParamValues = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const d = (decls as Record<string, ParamDecl>)[key];
    if (!d) {
      const known = Object.keys(decls).join(', ') || '(none)';
      throw new ParamError(
        `model '${model}' has no parameter '${key}'`,
        `use one of: ${known} (rxspec list shows each with its range)`,
      );
    }
    out[key] = validateParam(model, key, d, value);
  }
  return out as P;
}
