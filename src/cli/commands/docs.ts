/**
 * rxspec docs [--check]: generates docs/ from the models (writing, and
 * removing files generation no longer makes), or with --check regenerates in
 * memory and exits 1 naming every stale, missing or extra file.
 */
import { resolve } from 'node:path';
import { loadExpected } from '../../explore/manifest-file.js';
import { generateDocs, staleness, writeDocs } from '../../docs/generate.js';
import { registry } from '../registry.js';
import { color, duration } from '../output.js';

export function runDocs(opts: { check?: boolean; out: string }): number {
  const t0 = performance.now();
  const sources = registry.map((e) => ({ spec: e.spec, group: e.group, manifest: loadExpected(e.spec.id, e.manifestDir) }));
  const times: string[] = [];
  // Replay commands in the pages name the repository's docs/ folder wherever the files are written.
  const files = generateDocs(sources, 'docs', (id, ms) => times.push(`${id} ${duration(ms)}`));
  const dir = resolve(opts.out);
  const elapsed = duration(performance.now() - t0);
  if (opts.check) {
    const s = staleness(dir, files);
    const stale = [...s.changed.map((p) => `${p} (changed)`), ...s.missing.map((p) => `${p} (missing)`), ...s.extra.map((p) => `${p} (no longer generated)`)];
    if (stale.length === 0) {
      console.log(`${opts.out}/ is up to date: ${files.length} files checked in ${elapsed}`);
      return 0;
    }
    console.log(color.red(`${opts.out}/ is stale: ${stale.length} files differ from what the models generate:`));
    for (const x of stale) console.log(`  ${x}`);
    console.log('regenerate with: npx rxspec docs');
    return 1;
  }
  const s = writeDocs(dir, files);
  console.log(`wrote ${files.length} files to ${opts.out}/ in ${elapsed} (${s.changed.length} changed, ${s.missing.length} new, ${s.extra.length} removed)`);
  console.log(color.dim(`  ${times.join(', ')}`));
  return 0;
}
