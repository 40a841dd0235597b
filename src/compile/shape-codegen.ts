/**
 * Shapes of contexts for the generic layout: a description of a value's
 * structure (sorted keys, array lengths, the kind of every leaf), its width
 * in record integers, and the code generated for hot shapes.
 */
import { canonicalJson } from '../explore/key.js';

export type PackFn = (ctx: unknown, out: Int32Array, pos: number) => number;
export type UnpackFn = (rec: Int32Array, pos: number) => unknown;
export type Kind = 'i' | 'f' | 'b' | 's' | 'n' | 'u';
export type Desc = { k: Kind } | { k: 'o'; keys: string[]; of: Desc[] } | { k: 'a'; of: Desc[] };

/** The description of a plain-data value (throws the canonical error for anything else). */
export function describe(v: unknown): Desc {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) return canonicalJson(v) as never; // throws the canonical error
      return { k: (v | 0) === v ? 'i' : 'f' };
    case 'boolean':
      return { k: 'b' };
    case 'string':
      return { k: 's' };
    case 'undefined':
      return { k: 'u' };
    case 'object': {
      if (v === null) return { k: 'n' };
      if (Array.isArray(v)) return { k: 'a', of: v.map(describe) };
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return canonicalJson(v) as never;
      const keys = Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort();
      return { k: 'o', keys, of: keys.map((k) => describe((v as Record<string, unknown>)[k])) };
    }
    default:
      return canonicalJson(v) as never;
  }
}

export function width(d: Desc): number {
  if (d.k === 'o' || d.k === 'a') return d.of.reduce((s, x) => s + width(x), 0);
  return d.k === 'u' ? 0 : 1;
}

/**
 * Generates a shape's packer (type checks and stores, -1 on any mismatch)
 * and unpacker (one object literal), from the shape's own description:
 * property names are JSON-quoted, so no context data becomes code.
 */
export function generate(
d: Desc,
str: (s: string) => number,
flt: (x: number) => number,
strings: readonly string[],
floats: readonly number[],
): { pack: PackFn; unpack: UnpackFn } {
  const checks: string[] = [];
  let n = 0;
  const packLines = (d: Desc, expr: string): void => {
    const v = `v${n++}`;
    checks.push(`const ${v} = ${expr};`);
    switch (d.k) {
      case 'i':
        checks.push(`if (typeof ${v} !== 'number' || (${v} | 0) !== ${v}) return -1; out[pos++] = ${v};`);
        break;
      case 'f':
        checks.push(`if (typeof ${v} !== 'number' || (${v} | 0) === ${v} || !Number.isFinite(${v})) return -1; out[pos++] = flt(${v});`);
        break;
      case 'b':
        checks.push(`if (typeof ${v} !== 'boolean') return -1; out[pos++] = ${v} ? 1 : 0;`);
        break;
      case 's':
        checks.push(`if (typeof ${v} !== 'string') return -1; out[pos++] = str(${v});`);
        break;
      case 'n':
        checks.push(`if (${v} !== null) return -1; out[pos++] = 0;`);
        break;
      case 'u':
        checks.push(`if (${v} !== undefined) return -1;`);
        break;
      case 'a':
        checks.push(`if (!Array.isArray(${v}) || ${v}.length !== ${d.of.length}) return -1;`);
        d.of.forEach((x, i) => packLines(x, `${v}[${i}]`));
        break;
      case 'o':
        checks.push(`if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v}) || Object.getPrototypeOf(${v}) !== Object.prototype) return -1;`);
        checks.push(`{ let c = 0; for (const k in ${v}) if (${v}[k] !== undefined) c++; if (c !== ${d.keys.length}) return -1; }`);
        d.keys.forEach((k, i) => packLines(d.of[i], `${v}[${JSON.stringify(k)}]`));
        break;
    }
  };
  packLines(d, 'ctx');
  let p = 0;
  const unpackExpr = (d: Desc): string => {
    switch (d.k) {
      case 'i':
        return `r[pos + ${p++}]`;
      case 'f':
        return `F[r[pos + ${p++}]]`;
      case 'b':
        return `r[pos + ${p++}] === 1`;
      case 's':
        return `S[r[pos + ${p++}]]`;
      case 'n':
        p++;
        return 'null';
      case 'u':
        return 'undefined';
      case 'a':
        return `[${d.of.map((x) => unpackExpr(x)).join(', ')}]`;
      case 'o':
        return `{${d.keys.map((k, i) => `${JSON.stringify(k)}: ${unpackExpr(d.of[i])}`).join(', ')}}`;
    }
  };
  const body = unpackExpr(d);
  // Code generated from the shape's own description; property names are JSON-quoted.
  const pack = new Function('str', 'flt', `return function pack(ctx, out, pos) { ${checks.join('\n')} return pos; };`)(str, flt) as PackFn;
  const unpack = new Function('S', 'F', `return function unpack(r, pos) { return ${body}; };`)(strings, floats) as UnpackFn;
  return { pack, unpack };
}
