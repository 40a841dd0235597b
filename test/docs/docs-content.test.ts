/**
 * The committed documentation: every SVG plot well-formed XML with the
 * series of its simulation, and every relative link pointing at a file.
 * Freshness is `rxspec docs --check` (test/cli); Mermaid blocks are parsed
 * in mermaid.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { staleness, writeDocs } from '../../src/docs/generate.js';
import { svgPlot } from '../../src/docs/svg-plot.js';
import { anchor } from '../../src/docs/model-page.js';
import { registry } from '../../src/cli/registry.js';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const markdown = files(DOCS).filter((f) => f.endsWith('.md'));

describe('staleness names every changed, missing and extra file', () => {
  test('on a folder that differs from the generated files in each way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxspec-docs-'));
    const generated = [
      { path: 'README.md', content: '# index\n' },
      { path: 'models/a.md', content: 'a\n' },
      { path: 'traces/a.x.json', content: '{}\n' },
    ];
    writeDocs(dir, generated);
    expect(staleness(dir, generated)).toEqual({ changed: [], missing: [], extra: [] });
    writeFileSync(join(dir, 'models/a.md'), 'edited by hand\n');
    rmSync(join(dir, 'traces/a.x.json'));
    writeFileSync(join(dir, 'models/old.md'), 'gone\n');
    expect(staleness(dir, generated)).toEqual({ changed: ['models/a.md'], missing: ['traces/a.x.json'], extra: ['models/old.md'] });
    // Writing brings the folder back, removing what generation no longer makes.
    writeDocs(dir, generated);
    expect(staleness(dir, generated)).toEqual({ changed: [], missing: [], extra: [] });
  });

  test('every model and fixture has its page in the committed docs/', () => {
    for (const e of registry) expect(existsSync(join(DOCS, `${e.group === 'model' ? 'models' : 'fixtures'}/${e.spec.id}.md`))).toBe(true);
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

  // Which series a plot must have is its simulation's business: docs --check (test/cli) proves every
  // SVG is what the simulation generates now. Here: each is well-formed, each series is drawn, and the
  // legend names exactly the series drawn.
  test.each(plots.map((p) => [p.slice(DOCS.length), p]))('%s is well-formed, every series drawn and in the legend', (_name, path) => {
    const svg = readFileSync(path, 'utf8');
    const names = seriesOf(svg);
    expect(names.length).toBeGreaterThan(0);
    const doc = parser.parse(svg);
    const groups = [doc.svg.g].flat();
    for (const g of groups.filter((x: { class?: string }) => x.class === 'series')) {
      expect(String(g.polyline.points).trim().split(/\s+/).length, `${g['data-name']} has a line`).toBeGreaterThanOrEqual(1);
    }
    const legend = groups.filter((x: { class?: string }) => x.class === 'legend').map((x: { text: { '#text': string } }) => String(x.text['#text']));
    expect(legend).toEqual(names);
  });
});

describe('links within a page reach one of its headings', () => {
  test("anchors are GitHub's: lower case, punctuation dropped, spaces as hyphens", () => {
    expect(anchor('The state machine (`copybreak-2008` variant)')).toBe('the-state-machine-copybreak-2008-variant');
    expect(anchor('`net-dma-2.6.32.2` (version)')).toBe('net-dma-26322-version');
  });

  test.each(markdown.map((f) => [f.slice(DOCS.length), f]))('%s', (_name, f) => {
    const text = readFileSync(f, 'utf8');
    // Headings outside code fences only.
    const headings = new Set(text.replace(/```[\s\S]*?```/g, '').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => anchor(l.replace(/^#+ /, ''))));
    const targets = [...text.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]);
    expect(targets.filter((t) => !headings.has(t))).toEqual([]);
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
