/**
 * rxspec docs: generates docs/ from the models, their check results and
 * their simulations, entirely in memory, so that writing and checking for
 * staleness share one code path. Output is deterministic: no timestamps, no
 * measured times except those recorded in the manifests, stable ordering.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { AnyModelSpec } from '../model/spec.js';
import { check } from '../explore/check.js';
import type { ExpectedManifest } from '../explore/expected.js';
import { counterexampleFiles, traceFileName, witnessFiles } from '../trace/file.js';
import { indexPage, type IndexEntry } from './index-page.js';
import { modelPage } from './model-page.js';
import { svgPlot } from './svg-plot.js';

export interface DocsSource {
  readonly spec: AnyModelSpec;
  readonly group: 'model' | 'fixture';
  readonly manifest?: ExpectedManifest;
}

export interface DocsFile {
  /** Path relative to the docs folder, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

/** The simulation seed used for the documentation (fixed, so pages are reproducible). */
export const DOCS_SEED = 1;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Generates every file; `docsDir` is how the repository names the folder (for replay commands). */
export function generateDocs(sources: readonly DocsSource[], docsDir = 'docs', onModel?: (id: string, ms: number) => void): DocsFile[] {
  const files: DocsFile[] = [];
  const index: IndexEntry[] = [];
  for (const { spec, group, manifest } of sources) {
    const t0 = performance.now();
    const folder = group === 'model' ? 'models' : 'fixtures';
    const results = spec.variants.map((v) => check(spec, { variant: v.name }));
    const traceFiles = new Map<string, string>();
    // Each goal's witness is documented from the first variant (baseline first) that reaches it.
    const witnessed = new Set<string>();
    for (const r of results) {
      const witnesses = witnessFiles(r, spec).filter((w) => !witnessed.has(w.property.name));
      for (const w of witnesses) witnessed.add(w.property.name);
      const traces = [...counterexampleFiles(r), ...witnesses];
      for (const t of traces) {
        const path = `traces/${traceFileName(t)}`;
        files.push({ path, content: JSON.stringify(t, null, 2) + '\n' });
        traceFiles.set(`${t.variant}.${t.property.name}`, `${docsDir}/${path}`);
      }
    }
    const sim = spec.simulation?.run({ seed: DOCS_SEED });
    const plotFiles = (sim?.plots ?? []).map((p, i) => `${spec.id}/${i + 1}-${slug(p.title)}.svg`);
    sim?.plots.forEach((p, i) => files.push({ path: `${folder}/${plotFiles[i]}`, content: svgPlot(p) }));
    const page = `${folder}/${spec.id}.md`;
    files.push({
      path: page,
      content: modelPage({ spec, results, manifest, sim, traceFiles, plotFiles, indexLink: '../README.md', toRoot: '../../' }) + '\n',
    });
    index.push({ spec, group, page, results, manifest });
    onModel?.(spec.id, performance.now() - t0);
  }
  files.push({ path: 'README.md', content: indexPage(index) + '\n' });
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

export interface Staleness {
  readonly changed: string[];
  readonly missing: string[];
  /** Files in docs/ that generation no longer produces. */
  readonly extra: string[];
}

export function staleness(dir: string, files: readonly DocsFile[]): Staleness {
  const wanted = new Map(files.map((f) => [f.path, f.content]));
  const present = listFiles(dir);
  return {
    changed: files.filter((f) => present.includes(f.path) && readFileSync(join(dir, f.path), 'utf8') !== f.content).map((f) => f.path),
    missing: files.filter((f) => !present.includes(f.path)).map((f) => f.path),
    extra: present.filter((p) => !wanted.has(p)),
  };
}

/** Writes the files and removes what generation no longer produces. */
export function writeDocs(dir: string, files: readonly DocsFile[]): Staleness {
  const s = staleness(dir, files);
  for (const p of s.extra) rmSync(join(dir, p));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return s;
}
