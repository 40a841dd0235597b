/**
 * Every Mermaid block in docs/ parses with Mermaid's own parser (mermaid 11,
 * which runs headless given a DOM window: happy-dom provides one).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Window } from 'happy-dom';
import { describe, expect, test } from 'vitest';
import { renderMermaid } from '../../src/trace/render-mermaid.js';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const blocks = files(DOCS)
  .filter((f) => f.endsWith('.md'))
  .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m, i) => [`${f.slice(DOCS.length)} #${i + 1}`, m[1]] as const));

// Mermaid sanitises labels with DOMPurify, which needs a window at import time.
const win = new Window();
Object.assign(globalThis, { window: win, document: win.document });
const { default: mermaid } = await import('mermaid');

describe('Mermaid accepts every diagram in docs/', () => {
  test('there are diagrams to parse, and the parser rejects a broken one', async () => {
    expect(blocks.length).toBeGreaterThan(5);
    await expect(mermaid.parse('sequenceDiagram\n  A->>: broken')).rejects.toThrow();
  });

  test.each(blocks)('%s', async (_where, src) => {
    await expect(mermaid.parse(src)).resolves.toMatchObject({ diagramType: expect.stringMatching(/^(sequence|stateDiagram)$/) });
  });

  test('event payloads with Mermaid syntax characters still parse', async () => {
    const trace = {
      input: null,
      initial: { value: 'idle', context: { note: 'a;b' } },
      steps: [{ event: { type: 'SEND', hdr: { flags: '#PSH;ACK', len: 1 } }, state: { value: 'idle', context: { note: 'x: {y} <z>' } } }],
    };
    await expect(mermaid.parse(renderMermaid(trace))).resolves.toBeTruthy();
  });
});
