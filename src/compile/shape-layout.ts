/**
 * The generic layout: [header, leaves...], one 32-bit integer per leaf of
 * the context. The context's shape (its keys, sorted; array lengths; the
 * kind of every leaf) is interned once, and for each shape a packer and an
 * unpacker are generated, so packing a context of a known shape is a run of
 * type checks and array stores. Leaves: 32-bit integers as themselves,
 * booleans as 0/1, null as 0, strings and other numbers as indices into
 * intern tables. The header holds the configuration (15 bits) and the shape
 * (16 bits).
 *
 * Equality of records is exactly equality of canonical JSON (key.ts):
 * object keys are sorted and keys holding undefined are left out.
 */
import { canonicalJson } from '../explore/key.js';
import type { Layout } from './layout.js';

type PackFn = (ctx: unknown, out: Int32Array, pos: number) => number;
type UnpackFn = (rec: Int32Array, pos: number) => unknown;
type Kind = 'i' | 'f' | 'b' | 's' | 'n' | 'u';
type Desc = { k: Kind } | { k: 'o'; keys: string[]; of: Desc[] } | { k: 'a'; of: Desc[] };

interface Shape {
  readonly id: number;
  readonly width: number;
  readonly pack: PackFn;
  readonly unpack: UnpackFn;
  /** Top-level leaf fields: record position (after the header) and kind. */
  readonly slots: Map<string, { pos: number; kind: Kind }>;
}

const MAX_CONFIGS = 1 << 15;
const MAX_SHAPES = 1 << 16;

function describe(v: unknown): Desc {
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

function signature(d: Desc): string {
  if (d.k === 'o') return `{${d.keys.map((k, i) => `${JSON.stringify(k)}:${signature(d.of[i])}`).join(',')}}`;
  if (d.k === 'a') return `[${d.of.map(signature).join(',')}]`;
  return d.k;
}

function width(d: Desc): number {
  if (d.k === 'o' || d.k === 'a') return d.of.reduce((s, x) => s + width(x), 0);
  return d.k === 'u' ? 0 : 1;
}

export class ShapeLayout implements Layout {
  readonly name = 'shape';
  readonly fixedWidth = 0;
  private readonly shapes: Shape[] = [];
  private readonly bySig = new Map<string, Shape>();
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly floats: number[] = [];
  private readonly floatIds = new Map<number, number>();

  private str = (s: string): number => {
    let i = this.stringIds.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, i);
    }
    return i;
  };

  private flt = (x: number): number => {
    let i = this.floatIds.get(x);
    if (i === undefined) {
      i = this.floats.length;
      this.floats.push(x);
      this.floatIds.set(x, i);
    }
    return i;
  };

  /** The widest record seen so far (for scratch buffers). */
  maxWidth = 1;

  pack(config: number, context: unknown, out: Int32Array, hint: number): number {
    if (config >= MAX_CONFIGS) throw new Error(`the compiled path supports at most ${MAX_CONFIGS} configurations`);
    let shape = hint >= 0 ? this.shapes[hint] : undefined;
    let end = shape && out.length >= 1 + shape.width ? shape.pack(context, out, 1) : -1;
    if (end < 0) {
      shape = this.shapeOf(context);
      if (out.length < 1 + shape.width) return -(1 + shape.width);
      end = shape.pack(context, out, 1);
    }
    out[0] = (shape!.id << 15) | config;
    return end;
  }

  unpack(rec: Int32Array, off: number): unknown {
    return this.shapes[rec[off] >>> 15].unpack(rec, off + 1);
  }

  configOf(rec: Int32Array, off: number): number {
    return rec[off] & 0x7fff;
  }

  setConfig(rec: Int32Array, off: number, config: number): void {
    if (config >= MAX_CONFIGS) throw new Error(`the compiled path supports at most ${MAX_CONFIGS} configurations`);
    rec[off] = (rec[off] & ~0x7fff) | config;
  }

  hintOf(rec: Int32Array, off: number): number {
    return rec[off] >>> 15;
  }

  write(out: Int32Array, hint: number, key: string, v: unknown): boolean {
    const slot = this.shapes[hint].slots.get(key);
    if (!slot) return false;
    const p = 1 + slot.pos;
    switch (slot.kind) {
      case 'i':
        if (typeof v !== 'number' || (v | 0) !== v) return false;
        out[p] = v;
        return true;
      case 'b':
        if (typeof v !== 'boolean') return false;
        out[p] = v ? 1 : 0;
        return true;
      case 's':
        if (typeof v !== 'string') return false;
        out[p] = this.str(v);
        return true;
      case 'n':
        return v === null;
      case 'f':
        if (typeof v !== 'number' || (v | 0) === v || !Number.isFinite(v)) return false;
        out[p] = this.flt(v);
        return true;
      default:
        return false;
    }
  }

  private shapeOf(v: unknown): Shape {
    const d = describe(v);
    const sig = signature(d);
    let s = this.bySig.get(sig);
    if (!s) {
      if (this.shapes.length >= MAX_SHAPES) throw new Error(`the compiled path supports at most ${MAX_SHAPES} context shapes`);
      s = this.compile(this.shapes.length, d);
      this.shapes.push(s);
      this.bySig.set(sig, s);
      this.maxWidth = Math.max(this.maxWidth, 1 + s.width);
    }
    return s;
  }

  private compile(id: number, d: Desc): Shape {
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
    const slots = new Map<string, { pos: number; kind: Kind }>();
    const unpackExpr = (d: Desc, top?: string): string => {
      if (top !== undefined && d.k !== 'o' && d.k !== 'a' && d.k !== 'u') slots.set(top, { pos: p, kind: d.k });
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
          return `{${d.keys.map((k, i) => `${JSON.stringify(k)}: ${unpackExpr(d.of[i], top === undefined && d === root ? k : undefined)}`).join(', ')}}`;
      }
    };
    const root = d;
    const body = unpackExpr(d);
    // Code generated from the shape's own description; property names are JSON-quoted.
    const pack = new Function('str', 'flt', `return function pack(ctx, out, pos) { ${checks.join('\n')} return pos; };`)(this.str, this.flt) as PackFn;
    const unpack = new Function('S', 'F', `return function unpack(r, pos) { return ${body}; };`)(this.strings, this.floats) as UnpackFn;
    return { id, width: width(d), pack, unpack, slots };
  }
}
