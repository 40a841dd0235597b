/**
 * The committed documentation: fresh (what the models generate now), every
 * SVG plot well-formed XML with its series, and every relative link pointing
 * at a file. (Mermaid blocks are parsed in mermaid.test.ts.)
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { generateDocs, staleness } from '../../src/docs/generate.js';
import { svgPlot } from '../../src/docs/svg-plot.js';
import { loadExpected } from '../../src/explore/manifest-file.js';
import { registry } from '../../src/cli/registry.js';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const markdown = files(DOCS).filter((f) => f.endsWith('.md'));
const sources = registry.map((e) => ({ spec: e.spec, group: e.group, manifest: loadExpected(e.spec.id, e.manifestDir) }));

describe('docs/ is what the models generate', () => {
  const generated = generateDocs(sources);

  test('no file is stale, missing or left over (regenerate with: npx rxspec docs)', () => {
    expect(staleness(DOCS, generated)).toEqual({ changed: [], missing: [], extra: [] });
  });

  test('generation is deterministic', () => {
    expect(generateDocs(sources)).toEqual(generated);
  });

  test('every model and fixture has its page', () => {
    for (const e of registry) expect(generated.map((f) => f.path)).toContain(`${e.group === 'model' ? 'models' : 'fixtures'}/${e.spec.id}.md`);
  });
});

describe('SVG plots', () => {
  const plots = files(DOCS).filter((f) => f.endsWith('.svg'));
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
  const seriesOf = (svg: string): string[] => {
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = parser.parse(svg);
    const groups = [doc.svg.g].flat().filter((g: { class?: string }) => g.class === 'series');
    return groups.map((g: { 'data-name': string }) => g['data-name']);
  };

  test('a generated plot is well-formed XML with one group per series, names escaped', () => {
    const svg = svgPlot({
      title: 'throughput <vs> load',
      xLabel: 'offered load (Mbit/s)',
      yLabel: 'received (Mbit/s)',
      series: [
        { name: 'pre-copybreak & RNR', points: [[100, 90], [500, 115]] },
        { name: 'copybreak', points: [[100, 100], [500, 315]] },
      ],
    });
    expect(seriesOf(svg)).toEqual(['pre-copybreak & RNR', 'copybreak']);
  });

  test.each(plots.map((p) => [p.slice(DOCS.length), p]))('%s is well-formed with the series of its simulation', (_name, path) => {
    const svg = readFileSync(path, 'utf8');
    const id = path.slice(DOCS.length).split('/')[1];
    const spec = registry.find((e) => e.spec.id === id)!.spec;
    const plot = spec.simulation!.run({ seed: 1 }).plots[Number(path.split('/').at(-1)!.split('-')[0]) - 1];
    expect(seriesOf(svg)).toEqual(plot.series.map((s) => s.name));
  });
});

describe('links between the documents resolve', () => {
  test.each(markdown.map((f) => [f.slice(DOCS.length), f]))('%s', (_name, f) => {
    const text = readFileSync(f, 'utf8');
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l) && !l.startsWith('#'));
    const broken = links.filter((l) => !existsSync(resolve(dirname(f), l.split('#')[0])));
    expect(broken).toEqual([]);
  });
});
