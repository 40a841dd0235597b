/**
 * The bit-packed layout, for models that declare the finite domain of every
 * context field: a state is a fixed number of 32-bit words holding the
 * configuration and each field in just the bits its domain needs (no field
 * straddles two words). Packers and unpackers are generated per model. A
 * value outside its declared domain raises DomainViolation, and the check
 * falls back to the generic layout, saying which field broke its domain.
 */
import type { ContextDomains, Domain } from '../model/domains.js';
import type { Layout } from './layout.js';

export class DomainViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DomainViolation';
  }
}

interface Leaf {
  /** JavaScript access path from the context, e.g. ["ring"][2]["len"]. */
  readonly access: string;
  /** Human path, e.g. ring[2].len. */
  readonly path: string;
  readonly domain: Extract<Domain, { kind: 'int' } | { kind: 'oneOf' }>;
  readonly bits: number;
  word: number;
  shift: number;
  /** The field's bits in its word, precomputed. */
  mask: number;
}

const bitsFor = (n: number) => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

function size(d: Leaf['domain']): number {
  return d.kind === 'int' ? d.max - d.min + 1 : d.values.length;
}

function describe(d: Domain): string {
  if (d.kind === 'int') return `${d.min}..${d.max}`;
  if (d.kind === 'oneOf') return `one of ${d.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (d.kind === 'array') return `an array of ${d.length}`;
  return 'an object';
}

/** Why a context does not fit its domains (the slow path behind a failed pack). */
export function domainMismatch(v: unknown, d: Domain, path: string): string | undefined {
  const at = path || '(the context)';
  if (d.kind === 'int') {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < d.min || v > d.max) return `context field '${at}' is ${JSON.stringify(v)}, outside its declared domain ${describe(d)}`;
    return undefined;
  }
  if (d.kind === 'oneOf') return d.values.includes(v as never) ? undefined : `context field '${at}' is ${JSON.stringify(v)}, outside its declared domain ${describe(d)}`;
  if (d.kind === 'array') {
    if (!Array.isArray(v) || v.length !== d.length) return `context field '${at}' is not ${describe(d)}`;
    for (let i = 0; i < d.length; i++) {
      const m = domainMismatch(v[i], d.of, `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `context field '${at}' is not an object`;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (o[k] !== undefined && !(k in d.fields)) return `context field '${path ? `${path}.${k}` : k}' has no declared domain`;
  }
  for (const k of Object.keys(d.fields)) {
    const m = domainMismatch(o[k], d.fields[k], path ? `${path}.${k}` : k);
    if (m) return m;
  }
  return undefined;
}

export class DomainLayout implements Layout {
  readonly name = 'bit-packed';
  readonly fixedWidth: number;
  /** Bits a one-word record uses (configuration and fields), or 0 when records take several words. */
  readonly keyBits: number;
  private readonly root: Domain;
  private readonly configMask: number;
  /** The configuration's bits in word 0 (for generated code). */
  get configMaskBits(): number {
    return this.configMask;
  }
  private readonly packFn: (ctx: unknown, out: Int32Array, config: number) => number;
  private readonly unpackFn: (r: Int32Array, off: number) => unknown;
  private readonly slots = new Map<string, Leaf>();

  /** Throws when the domains cannot be laid out (a field wider than 31 bits). */
  constructor(domains: ContextDomains, maxConfigs: number) {
    this.root = { kind: 'object', fields: domains };
    const leaves: Leaf[] = [];
    const structure: string[] = [];
    const walk = (d: Domain, access: string, path: string, top: string | undefined): void => {
      if (d.kind === 'object') {
        const keys = Object.keys(d.fields).sort();
        structure.push(`{ const o = ctx${access}; if (typeof o !== 'object' || o === null || Array.isArray(o)) return -1; let c = 0; for (const k in o) if (o[k] !== undefined) c++; if (c !== ${keys.length}) return -1; }`);
        for (const k of keys) walk(d.fields[k], `${access}[${JSON.stringify(k)}]`, path ? `${path}.${k}` : k, access === '' ? k : undefined);
      } else if (d.kind === 'array') {
        structure.push(`if (!Array.isArray(ctx${access}) || ctx${access}.length !== ${d.length}) return -1;`);
        for (let i = 0; i < d.length; i++) walk(d.of, `${access}[${i}]`, `${path}[${i}]`, undefined);
      } else {
        if (d.kind === 'int' && (!Number.isInteger(d.min) || !Number.isInteger(d.max) || d.max < d.min)) throw new Error(`the domain of '${path}' is not an integer range`);
        const bits = bitsFor(size(d));
        if (bits > 31) throw new Error(`the domain of '${path}' needs ${bits} bits; at most 31 fit a field`);
        const leaf: Leaf = { access, path, domain: d, bits, word: 0, shift: 0, mask: 0 };
        leaves.push(leaf);
        if (top !== undefined) this.slots.set(top, leaf);
      }
    };
    walk(this.root, '', '', undefined);
    // Word 0 starts with the configuration; fields fill words greedily, none straddling two.
    const configBits = Math.max(1, bitsFor(maxConfigs));
    this.configMask = (1 << configBits) - 1;
    let word = 0;
    let used = configBits;
    for (const leaf of leaves) {
      if (used + leaf.bits > 32) {
        word++;
        used = 0;
      }
      leaf.word = word;
      leaf.shift = used;
      leaf.mask = ((2 ** leaf.bits - 1) << used) | 0;
      used += leaf.bits;
    }
    this.fixedWidth = word + 1;
    this.keyBits = word === 0 ? used : 0;
    const tables: unknown[][] = [];
    const pack: string[] = [...structure];
    const words = Array.from({ length: this.fixedWidth }, (_, i) => `w${i}`);
    pack.unshift(`let ${words.map((w, i) => `${w} = ${i === 0 ? 'config' : '0'}`).join(', ')};`);
    const unpackValue = new Map<Leaf, string>();
    leaves.forEach((leaf, n) => {
      const v = `v${n}`;
      pack.push(`const ${v} = ctx${leaf.access};`);
      const field = leaf.bits === 0 ? '0' : `((r[off + ${leaf.word}] >>> ${leaf.shift}) & ${(2 ** leaf.bits - 1) >>> 0})`;
      if (leaf.domain.kind === 'int') {
        const { min, max } = leaf.domain;
        pack.push(`if (typeof ${v} !== 'number' || (${v} | 0) !== ${v} || ${v} < ${min} || ${v} > ${max}) return -1;`);
        if (leaf.bits) pack.push(`w${leaf.word} |= (${v} - ${min}) << ${leaf.shift};`);
        unpackValue.set(leaf, `(${field} + ${min})`);
      } else {
        const t = tables.length;
        tables.push([...leaf.domain.values]);
        const cases = leaf.domain.values.map((x, i) => `${v} === T[${t}][${i}] ? ${i} : `).join('');
        pack.push(`const i${n} = ${cases}-1; if (i${n} < 0) return -1;`);
        if (leaf.bits) pack.push(`w${leaf.word} |= i${n} << ${leaf.shift};`);
        unpackValue.set(leaf, `T[${t}][${field}]`);
      }
    });
    pack.push(`${words.map((w, i) => `out[${i}] = ${w};`).join(' ')} return ${this.fixedWidth};`);
    let li = 0;
    const unpackExpr = (d: Domain): string => {
      if (d.kind === 'object') return `{${Object.keys(d.fields).sort().map((k) => `${JSON.stringify(k)}: ${unpackExpr(d.fields[k])}`).join(', ')}}`;
      if (d.kind === 'array') return `[${Array.from({ length: d.length }, () => unpackExpr(d.of)).join(', ')}]`;
      return unpackValue.get(leaves[li++])!;
    };
    const body = unpackExpr(this.root);
    // Generated from the declared domains; property names are JSON-quoted.
    this.packFn = new Function('T', `return function pack(ctx, out, config) { ${pack.join('\n')} };`)(tables);
    this.unpackFn = new Function('T', `return function unpack(r, off) { return ${body}; };`)(tables);
  }

  pack(config: number, context: unknown, out: Int32Array): number {
    if (config > this.configMask) throw new Error('internal: more configurations than the layout counted');
    if (out.length < this.fixedWidth) return -this.fixedWidth;
    const n = this.packFn(context, out, config);
    if (n < 0) throw new DomainViolation(domainMismatch(context, this.root, '') ?? 'the context does not fit its declared domains');
    return n;
  }

  unpack(rec: Int32Array, off: number): unknown {
    return this.unpackFn(rec, off);
  }

  configOf(rec: Int32Array, off: number): number {
    return rec[off] & this.configMask;
  }

  setConfig(rec: Int32Array, off: number, config: number): void {
    rec[off] = (rec[off] & ~this.configMask) | config;
  }

  hintOf(): number {
    return 0;
  }

  write(out: Int32Array, _hint: number, key: string, v: unknown): boolean {
    const leaf = this.slots.get(key);
    return leaf ? this.writeField(out, leaf, v) : false;
  }

  /** Where a top-level field lives and what it may hold (for generated code). */
  leafOf(key: string): Readonly<Leaf> | undefined {
    return this.slots.get(key);
  }

  field(_hint: number, key: string): unknown {
    return this.slots.get(key);
  }

  writeField(out: Int32Array, ref: unknown, v: unknown): boolean {
    const leaf = ref as Leaf;
    let x: number;
    if (leaf.domain.kind === 'int') {
      if (typeof v !== 'number' || (v | 0) !== v || v < leaf.domain.min || v > leaf.domain.max) return false;
      x = v - leaf.domain.min;
    } else {
      x = leaf.domain.values.indexOf(v as never);
      if (x < 0) return false;
    }
    if (leaf.bits === 0) return true;
    out[leaf.word] = (out[leaf.word] & ~leaf.mask) | (x << leaf.shift);
    return true;
  }
}
