/**
 * The plain-text rendering of a trace: the initial state in full, then one
 * numbered step per event with only the fields that changed, and for a lasso
 * where its premise held and where its cycle starts and closes.
 */
import type { Trace } from './types.js';
import { changeText, diffStates, eventLabel, flatten } from './diff.js';

export function renderText(t: Trace, indent = ''): string {
  const lines: string[] = [];
  const states = [t.initial, ...t.steps.map((s) => s.state)];
  const loop = t.loop;
  const mark = (i: number) => {
    if (loop && i === loop.from) lines.push(`${indent}    (the premise holds from here on, and the goal never does)`);
    if (loop && !loop.stutter && i === loop.start) lines.push(`${indent}── the cycle starts at state ${i} ──`);
  };
  lines.push(`${indent}State 0 (initial)`);
  for (const [k, v] of flatten(t.initial)) lines.push(`${indent}    ${k} = ${v}`);
  mark(0);
  t.steps.forEach((step, i) => {
    lines.push(`${indent}Step ${i + 1}  ${eventLabel(step.event)}`);
    const changes = diffStates(states[i], step.state);
    if (changes.length === 0) lines.push(`${indent}    (no field changed)`);
    for (const c of changes) lines.push(`${indent}    ${changeText(c)}`);
    mark(i + 1);
  });
  if (loop?.stutter) {
    lines.push(`${indent}── stays in state ${loop.start} forever: no weakly fair event is enabled there ──`);
  } else if (loop) {
    lines.push(`${indent}── back to state ${loop.start}: the cycle repeats forever ──`);
  }
  if (t.failingEvent) lines.push(`${indent}Then ${eventLabel(t.failingEvent)}: the machine throws`);
  return lines.join('\n');
}
