/**
 * A Mermaid stateDiagram-v2 drawn from the machine definition: nested states
 * as composite states, parallel regions separated by `--`, transitions
 * labelled with the event and the guard, targetless transitions as
 * self-loops on the node that declares them (the machine itself is drawn as
 * the outermost composite state, so machine-wide events have a home).
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { pathOf, transitionsOf } from './machine-walk.js';

function sid(node: AnyStateNode | string): string {
  const p = typeof node === 'string' ? node : pathOf(node);
  return 's_' + (p === '' ? 'root' : p.replace(/[^A-Za-z0-9]/g, '_'));
}

function label(s: string): string {
  return s.replace(/[":;#{}]/g, ' ').replace(/\s+/g, ' ').trim();
}

export function stateDiagram(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  const edges: string[] = [];
  const declare = (node: AnyStateNode, indent: string) => {
    const children = Object.values(node.states) as AnyStateNode[];
    const name = node.path.length ? node.key : machine.id;
    if (children.length === 0) {
      lines.push(`${indent}state "${label(name)}" as ${sid(node)}`);
    } else {
      lines.push(`${indent}state "${label(name)}" as ${sid(node)} {`);
      if (node.type === 'parallel') {
        children.forEach((c, i) => {
          if (i > 0) lines.push(`${indent}  --`);
          declare(c, indent + '  ');
        });
      } else {
        const initial = node.initial?.target?.[0] as AnyStateNode | undefined;
        if (initial) lines.push(`${indent}  [*] --> ${sid(initial)}`);
        for (const c of children) declare(c, indent + '  ');
      }
      lines.push(`${indent}}`);
    }
    if (node.type === 'final') edges.push(`  ${sid(node)} --> [*]`);
    for (const t of transitionsOf(node)) {
      const text = label(`${t.event}${t.guard ? ` [${t.guard}]` : ''}`);
      const targets = t.targets.length ? t.targets : [t.source];
      for (const target of targets) edges.push(`  ${sid(t.source)} --> ${sid(target)} : ${text}`);
    }
  };
  lines.push(`  [*] --> ${sid(machine.root)}`);
  declare(machine.root, '  ');
  return [...lines, ...edges].join('\n');
}
