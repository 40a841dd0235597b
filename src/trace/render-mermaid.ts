/**
 * A trace as a Mermaid sequence diagram: each event is a message between
 * the participants the model's lanes assign it to, with the fields it
 * changed as a note; a lasso's cycle is a `loop` block.
 */
import type { Lanes } from '../model/spec.js';
import type { Trace } from './types.js';
import { changeText, diffStates, eventLabel, flatten } from './diff.js';

const DEFAULT_LANES: Lanes = { participants: ['environment', 'model'], of: () => ['environment', 'model'] };
const MAX_NOTE_FIELDS = 4;

/** Mermaid treats `;` and `#` specially in message text; keep text to safe characters. */
export function mermaidText(s: string): string {
  return s
    .replace(/;/g, ',')
    .replace(/#/g, 'no. ')
    .replace(/[{}<>]/g, (c) => ({ '{': '(', '}': ')', '<': '‹', '>': '›' })[c]!)
    .replace(/\s+/g, ' ')
    .trim();
}

function id(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

export function renderMermaid(t: Trace, lanes: Lanes = DEFAULT_LANES): string {
  const lines = ['sequenceDiagram'];
  for (const p of lanes.participants) lines.push(`  participant ${id(p)} as ${mermaidText(p)}`);
  const states = [t.initial, ...t.steps.map((s) => s.state)];
  const first = id(lanes.participants[0]);
  const last = id(lanes.participants[lanes.participants.length - 1]);
  const span = first === last ? first : `${first},${last}`;
  let inLoop = false;
  if (t.loop && !t.loop.stutter && t.loop.start === 0) {
    lines.push('  loop repeats forever');
    inLoop = true;
  }
  t.steps.forEach((step, i) => {
    const [from, to] = lanes.of(step.event);
    const pad = inLoop ? '    ' : '  ';
    lines.push(`${pad}${id(from)}->>${id(to)}: ${i + 1}. ${mermaidText(eventLabel(step.event))}`);
    const changes = diffStates(states[i], step.state);
    if (changes.length > 0) {
      const shown = changes.slice(0, MAX_NOTE_FIELDS).map(changeText);
      if (changes.length > MAX_NOTE_FIELDS) shown.push(`and ${changes.length - MAX_NOTE_FIELDS} more`);
      lines.push(`${pad}Note over ${id(to)}: ${mermaidText(shown.join(', '))}`);
    }
    if (t.loop && !t.loop.stutter && i + 1 === t.loop.start) {
      lines.push('  loop repeats forever');
      inLoop = true;
    }
  });
  if (inLoop) lines.push('  end');
  if (t.loop?.stutter) lines.push(`  Note over ${span}: stays here forever, no weakly fair event is enabled`);
  if (t.failingEvent) lines.push(`  Note over ${span}: ${mermaidText(eventLabel(t.failingEvent))} makes the machine throw`);
  return lines.join('\n');
}
