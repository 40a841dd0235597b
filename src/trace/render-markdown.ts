/** A trace as a Markdown table: step, event, and the fields that changed. */
import type { Trace } from './types.js';
import { changeText, diffStates, eventLabel, flatten } from './diff.js';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(t: Trace): string {
  const states = [t.initial, ...t.steps.map((s) => s.state)];
  const rows = ['| # | event | state after the step (changed fields) |', '|---|---|---|'];
  const init = [...flatten(t.initial)].map(([k, v]) => `\`${cell(`${k} = ${v}`)}\``).join(', ');
  rows.push(`| 0 | *(initial)* | ${init} |`);
  t.steps.forEach((step, i) => {
    const changes = diffStates(states[i], step.state).map((c) => `\`${cell(changeText(c))}\``);
    const notes: string[] = [];
    if (t.loop && !t.loop.stutter && i + 1 === t.loop.start) notes.push('**cycle starts here**');
    if (t.loop && i + 1 === t.loop.from) notes.push('**premise holds from here**');
    rows.push(`| ${i + 1} | \`${cell(eventLabel(step.event))}\` | ${[...notes, ...changes].join(', ') || '(no change)'} |`);
  });
  if (t.loop?.stutter) rows.push(`| ∞ | *(stutter)* | stays in state ${t.loop.start} forever: no weakly fair event is enabled |`);
  else if (t.loop) rows.push(`| ∞ | *(loop)* | back to state ${t.loop.start}; the cycle repeats forever |`);
  if (t.failingEvent) rows.push(`| ✗ | \`${cell(eventLabel(t.failingEvent))}\` | the machine throws |`);
  return rows.join('\n');
}
