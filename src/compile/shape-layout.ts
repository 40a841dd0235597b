/**
 * The generic layout: [header, leaves...], one 32-bit integer per leaf of
 * the context. The context's shape (its keys, sorted; array lengths; the
 * kind of every leaf) is interned. A context is packed by one walk that
 * writes its leaves and hashes its structure (key ids, array lengths, leaf
 * kinds: numbers only, no strings built); the shape is then found by that
 * hash and confirmed against its description. A shape that becomes hot
 * (used HOT_SHAPE times) gets a generated packer and unpacker,
 * so packing a context of a common shape is a run of type checks and array
 * stores, while models whose contexts take many shapes (variable-length
 * lists) do not pay for code generation on every new one. Leaves: 32-bit integers as themselves,
 * booleans as 0/1, null as 0, strings and other numbers as indices into
 * intern tables. The header holds the configuration (15 bits) and the shape
 * (16 bits).
 *
 * Equality of records is exactly equality of canonical JSON (key.ts):
 * object keys are sorted and keys holding undefined are left out.
 */
import { canonicalJson } from '../explore/key.js';
import type { Layout } from './layout.js';
import { describe, fits, generate, width, type Desc, type Kind, type PackFn, type UnpackFn } from './shape-codegen.js';

interface Shape {
  readonly id: number;
  readonly width: number;
  readonly desc: Desc;
  uses: number;
  pack?: PackFn;
  unpack?: UnpackFn;
  /** Top-level leaf fields: record position (after the header) and kind. */
  readonly slots: Map<string, { pos: number; kind: Kind }>;
}

const MAX_CONFIGS = 1 << 15;
/** Uses after which a shape gets generated code. */
const HOT_SHAPE = 64;
const MAX_SHAPES = 1 << 16;

export class ShapeLayout implements Layout {
  readonly name = 'shape';
  readonly fixedWidth = 0;
  private readonly shapes: Shape[] = [];
  /** Shapes by structural hash (a list, for the rare collision). */
  private readonly byHash = new Map<number, Shape[]>();
  private readonly keyIds = new Map<string, number>();
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
    const hinted = hint >= 0 ? this.shapes[hint] : undefined;
    if (hinted?.pack && out.length >= 1 + hinted.width) {
      const end = hinted.pack(context, out, 1);
      if (end >= 0) {
        out[0] = (hinted.id << 15) | config;
        return end;
      }
    }
    // One walk writes the leaves and hashes the structure; the shape is found (or made) after.
    this.h = 0x9e3779b9;
    this.packing = context;
    const end = this.walk(context, out, 1);
    if (end < 0) return -(Math.max(2 * out.length, this.maxWidth + 1));
    const h = this.h;
    let shape = this.byHash.get(h)?.find((x) => fits(x.desc, context));
    if (!shape) shape = this.addShape(h, describe(context));
    if (++shape.uses === HOT_SHAPE) {
      const code = generate(shape.desc, this.str, this.flt, this.strings, this.floats);
      shape.pack = code.pack;
      shape.unpack = code.unpack;
    }
    out[0] = (shape.id << 15) | config;
    return end;
  }

  /** The context being walked, for error messages that name a field's path. */
  private packing: unknown;

  /** Structural hash of the value being walked. */
  private h = 0;

  private token(t: number): void {
    this.h = Math.imul(this.h ^ t, 0x01000193) ^ (this.h >>> 13);
  }

  private keyId(k: string): number {
    let i = this.keyIds.get(k);
    if (i === undefined) this.keyIds.set(k, (i = this.keyIds.size + 16));
    return i;
  }

  /** Writes the leaves of `v` from out[pos] and hashes its structure; -1 when `out` is too short. */
  private walk(v: unknown, out: Int32Array, pos: number): number {
    if (pos < 0) return -1;
    switch (typeof v) {
      case 'number':
        if (pos >= out.length) return -1;
        if ((v | 0) === v) {
          this.token(1);
          out[pos] = v;
        } else {
          if (!Number.isFinite(v)) canonicalJson(v); // throws the canonical error
          this.token(2);
          out[pos] = this.flt(v);
        }
        return pos + 1;
      case 'boolean':
        if (pos >= out.length) return -1;
        this.token(3);
        out[pos] = v ? 1 : 0;
        return pos + 1;
      case 'string':
        if (pos >= out.length) return -1;
        this.token(4);
        out[pos] = this.str(v);
        return pos + 1;
      case 'undefined':
        this.token(5);
        return pos;
      case 'object': {
        if (v === null) {
          if (pos >= out.length) return -1;
          this.token(6);
          out[pos] = 0;
          return pos + 1;
        }
        if (Array.isArray(v)) {
          this.token(7);
          this.token(v.length);
          for (let i = 0; i < v.length; i++) {
            if (v[i] === undefined) canonicalJson(this.packing); // throws, naming the element's path
            pos = this.walk(v[i], out, pos);
            if (pos < 0) return -1;
          }
          return pos;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) canonicalJson(v); // throws, naming the class
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o);
        // Objects built by the same code list their keys in the same order: sort only when needed.
        for (let i = 1; i < keys.length; i++) {
          if (keys[i - 1] > keys[i]) {
            keys.sort();
            break;
          }
        }
        this.token(8);
        for (const k of keys) {
          if (o[k] === undefined) continue;
          this.token(this.keyId(k));
          pos = this.walk(o[k], out, pos);
          if (pos < 0) return -1;
        }
        this.token(9);
        return pos;
      }
      default:
        return canonicalJson(v) as never;
    }
  }

  unpack(rec: Int32Array, off: number): unknown {
    const shape = this.shapes[rec[off] >>> 15];
    return shape.unpack ? shape.unpack(rec, off + 1) : this.read(shape.desc, rec, { pos: off + 1 });
  }

  /** Interpretive unpacking, for shapes not (yet) compiled. */
  private read(d: Desc, r: Int32Array, at: { pos: number }): unknown {
    switch (d.k) {
      case 'i':
        return r[at.pos++];
      case 'f':
        return this.floats[r[at.pos++]];
      case 'b':
        return r[at.pos++] === 1;
      case 's':
        return this.strings[r[at.pos++]];
      case 'n':
        at.pos++;
        return null;
      case 'u':
        return undefined;
      case 'a':
        return d.of.map((x) => this.read(x, r, at));
      case 'o': {
        const o: Record<string, unknown> = {};
        d.keys.forEach((k, i) => (o[k] = this.read(d.of[i], r, at)));
        return o;
      }
    }
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
    return slot ? this.writeField(out, slot, v) : false;
  }

  field(hint: number, key: string): unknown {
    return this.shapes[hint].slots.get(key);
  }

  writeField(out: Int32Array, ref: unknown, v: unknown): boolean {
    const slot = ref as { pos: number; kind: Kind };
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

  private addShape(hash: number, d: Desc): Shape {
    if (this.shapes.length >= MAX_SHAPES) throw new Error(`the compiled path supports at most ${MAX_SHAPES} context shapes`);
    const slots = new Map<string, { pos: number; kind: Kind }>();
    if (d.k === 'o') {
      let p = 0;
      d.keys.forEach((k, i) => {
        const x = d.of[i];
        if (x.k !== 'o' && x.k !== 'a' && x.k !== 'u') slots.set(k, { pos: p, kind: x.k });
        p += width(x);
      });
    }
    const s: Shape = { id: this.shapes.length, width: width(d), desc: d, uses: 0, slots };
    this.shapes.push(s);
    const same = this.byHash.get(hash);
    if (same) same.push(s);
    else this.byHash.set(hash, [s]);
    this.maxWidth = Math.max(this.maxWidth, 1 + s.width);
    return s;
  }
}
