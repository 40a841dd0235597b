/** The transition table of a machine, as Markdown: state, event, guard, target, actions. */
import type { AnyStateMachine } from 'xstate';
import { allTransitions } from './machine-walk.js';
import { mdCell } from './markdown.js';

export function transitionTable(machine: AnyStateMachine): string {
  const rows = ['| state | event | guard | target | actions |', '|---|---|---|---|---|'];
  for (const t of allTransitions(machine)) {
    const cells = [
      t.source || `(${machine.id})`,
      `\`${t.event}\``,
      t.guard ?? '',
      t.targets.length ? t.targets.join(', ') : '(stays)',
      t.actions.join(', '),
    ];
    rows.push(`| ${cells.map(mdCell).join(' | ')} |`);
  }
  return rows.join('\n');
}
