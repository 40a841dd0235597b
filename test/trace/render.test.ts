import { describe, expect, test } from 'vitest';
import { check } from '../../src/explore/check.js';
import type { Violated } from '../../src/explore/result.js';
import { renderMarkdown } from '../../src/trace/render-markdown.js';
import { mermaidText, renderMermaid } from '../../src/trace/render-mermaid.js';
import { renderText } from '../../src/trace/render-text.js';
import { changeText, diff, diffStates, flatten } from '../../src/trace/diff.js';
import { arbiter, dieHard } from '../fixtures/index.js';

const dieHardTrace = (check(dieHard) as Violated).violations[0].trace!;
const lasso = (check(arbiter, { variant: 'grant-only-in-a' }) as Violated).violations.find((v) => v.property === 'requestEventuallyServed')!.trace!;

describe('text rendering shows only what each step changed', () => {
  test('Die Hard', () => {
    const text = renderText(dieHardTrace);
    expect(text.split('\n').slice(0, 8)).toEqual([
      'State 0 (initial)',
      '    big = 0',
      '    small = 0',
      'Step 1  FILL_BIG',
      '    big: 0 → 5',
      'Step 2  BIG_TO_SMALL',
      '    big: 5 → 2',
      '    small: 0 → 3',
    ]);
  });

  test('a lasso marks its premise, where the cycle starts and that it closes', () => {
    expect(renderText(lasso)).toBe(
      [
        'State 0 (initial)',
        '    state = idle',
        'Step 1  REQUEST',
        '    state: idle → waiting.a',
        '    (the premise holds from here on, and the goal never does)',
        '── the cycle starts at state 1 ──',
        'Step 2  TICK',
        '    state: waiting.a → waiting.b',
        'Step 3  TICK',
        '    state: waiting.b → waiting.a',
        '── back to state 1: the cycle repeats forever ──',
      ].join('\n'),
    );
  });
});

describe('markdown and mermaid', () => {
  test('markdown is a table with one row per step and the loop', () => {
    const md = renderMarkdown(lasso).split('\n');
    expect(md[0]).toBe('| # | event | state after the step (changed fields) |');
    expect(md).toHaveLength(2 + 1 + 3 + 1);
    expect(md.at(-1)).toBe('| ∞ | *(loop)* | back to state 1; the cycle repeats forever |');
  });

  test('mermaid puts the cycle in a loop block, with the lanes the model gives', () => {
    const lanes = { participants: ['client', 'arbiter'], of: () => ['client', 'arbiter'] as const };
    const m = renderMermaid(lasso, lanes).split('\n');
    expect(m.slice(0, 3)).toEqual(['sequenceDiagram', '  participant client as client', '  participant arbiter as arbiter']);
    expect(m).toContain('  loop repeats forever');
    expect(m.at(-1)).toBe('  end');
  });

  test('mermaid text never carries the characters Mermaid treats as syntax', () => {
    expect(mermaidText('a;b #3 {x} <y>')).toBe('a,b no. 3 (x) ‹y›');
  });
});

describe('diffs of lists', () => {
  const step = (a: unknown, b: unknown) => diff(flatten({ value: 's', context: a }), flatten({ value: 's', context: b })).map(changeText);

  test('an empty list that fills with objects shows the new fields, not the list going away', () => {
    expect(step({ ring: [] }, { ring: [{ p: 1 }] })).toEqual(['ring[0].p = 1']);
  });

  test('a list element that goes away is one change', () => {
    expect(step({ ring: [{ p: 1, len: 2 }, { p: 3, len: 4 }] }, { ring: [{ p: 1, len: 2 }] })).toEqual(['ring[1] removed (was {…})']);
  });

  test('a list of objects that empties shows the empty list', () => {
    expect(step({ ring: [{ p: 1 }] }, { ring: [] })).toEqual(['ring = []']);
  });
});

describe('a step that takes an element off a list is one removal', () => {
  const ring = (...ids: number[]) => ids.map((id) => ({ id, wc: 'ok' }));
  const at = (context: unknown) => ({ value: 's', context });

  test('the completion taken off the front is removed; the sends behind it are not read as changed', () => {
    const changes = diffStates(at({ ring: ring(0, 1, 2), n: 0 }), at({ ring: ring(1, 2), n: 1 })).map(changeText);
    expect(changes).toEqual(['n: 0 → 1', 'ring[0] removed (was {"id":0,"wc":"ok"})']);
  });

  test('an element changed in place is diffed field by field, one appended is added whole', () => {
    const before = at({ ring: [{ id: 0, wc: 'pending' }] });
    const after = at({ ring: [{ id: 0, wc: 'rnr' }, { id: 1, wc: 'pending' }] });
    expect(diffStates(before, after).map(changeText)).toEqual(['ring[0].wc: pending → rnr', 'ring[1] = {"id":1,"wc":"pending"}']);
  });
});
