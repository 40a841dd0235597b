import { describe, expect, test } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';
import { check } from '../../src/explore/check.js';
import { rcBench } from '../../bench/rc-bench.machine.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream, written };
}

describe('progress on stderr', () => {
  test('rewrites one line on a terminal, and clears it when done', () => {
    const { stream, written } = fakeStream(true);
    const p = progressLine('rc-bench/default', stream);
    p.onProgress!({ distinct: 120_345, expanded: 100_000, transitions: 400_000, depth: 23, elapsedMs: 2000 });
    p.done();
    expect(written[0]).toBe('\r\x1b[K  rc-bench/default: 120,345 states (100,000 expanded), 400,000 transitions, depth 23, 60,173 states/s');
    expect(written[1]).toBe('\r\x1b[K');
  });

  test('stays silent when stderr is not a terminal', () => {
    const { stream, written } = fakeStream(false);
    const p = progressLine('x', stream);
    expect(p.onProgress).toBeUndefined();
    p.done();
    expect(written).toEqual([]);
  });

  test('the search reports as it goes, at the interval asked for', () => {
    const reports: number[] = [];
    check(rcBench, { params: { N: 16 }, progressEveryMs: 0, onProgress: (p) => reports.push(p.distinct) });
    // One report per 4,096 states expanded when the interval is zero: 78,030 states.
    expect(reports.length).toBe(19);
    expect(reports).toEqual([...reports].sort((a, b) => a - b));
  });
});
