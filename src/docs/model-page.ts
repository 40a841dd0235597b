/**
 * One model's page: what it models and leaves out, its sources, the state
 * diagram and transition table drawn from the machine, parameters,
 * properties with their verdicts per variant, goal witnesses, every
 * variant's counterexamples (sequence diagram, numbered trace, replay
 * command), and the simulation's tables and plots.
 */
import type { ParamDecl } from '../model/params.js';
import { checkParams } from '../model/params.js';
import type { AnyModelSpec, SimReport } from '../model/spec.js';
import type { CheckResult } from '../explore/result.js';
import type { ExpectedManifest } from '../explore/expected.js';
import { verdictText } from '../explore/expected.js';
import { DEADLOCK_DOC, DEADLOCK_PROPERTY } from '../explore/check.js';
import { renderMermaid } from '../trace/render-mermaid.js';
import { renderText } from '../trace/render-text.js';
import { stateDiagram } from './state-diagram.js';
import { transitionTable } from './transition-table.js';
import { fence, mdTable } from './markdown.js';

export interface PageInput {
  readonly spec: AnyModelSpec;
  readonly results: readonly CheckResult[];
  readonly manifest?: ExpectedManifest;
  readonly sim?: SimReport;
  /** Trace file path (repo-relative) per `${variant}.${property}`. */
  readonly traceFiles: ReadonlyMap<string, string>;
  /** Plot file names (relative to the page) in the simulation's plot order. */
  readonly plotFiles: readonly string[];
  /** Link back to the index, relative to the page. */
  readonly indexLink: string;
  /** Prefix from the page to the repository root. */
  readonly toRoot: string;
}

const ms = (x?: number) => (x === undefined ? '—' : x < 1000 ? `${x} ms` : `${(x / 1000).toFixed(1)} s`);

function params(spec: AnyModelSpec): string {
  const rows = Object.entries(spec.params as Record<string, ParamDecl>).map(([k, d]) => [
    `\`${k}\``,
    String(d.default),
    String(d.check),
    d.kind === 'int' ? `${d.min}..${d.max}` : d.kind === 'bool' ? 'true, false' : d.values.join(', '),
    d.doc,
    d.source,
    d.why ?? (d.check === d.default ? '(the kernel value)' : ''),
  ]);
  return rows.length ? mdTable(['parameter', 'default (kernel, seed or environment)', 'check bound', 'range', 'meaning', 'source', 'why the check bound'], rows) : 'This model has no parameters.';
}

function properties(spec: AnyModelSpec, results: readonly CheckResult[]): string {
  const props = [
    ...spec.invariants.map((p) => ({ name: p.name, kind: 'invariant', doc: p.doc })),
    ...(spec.checkDeadlock !== false ? [{ name: DEADLOCK_PROPERTY, kind: 'deadlock', doc: DEADLOCK_DOC }] : []),
    ...spec.liveness.map((p) => ({ name: p.name, kind: `leads-to, fair: ${p.fair.join(', ') || 'none'}`, doc: p.doc })),
    ...spec.goals.map((p) => ({ name: p.name, kind: 'goal', doc: p.doc })),
  ];
  // In a variant with pruned states, 'holds' and 'unreached' speak only of behaviours up to the first violation.
  const cell = (r: CheckResult, name: string) => {
    const v = r.verdicts.find((x) => x.property === name);
    if (!v) return '—';
    const t = verdictText(v);
    const mark = r.stats.pruned && (v.verdict === 'holds' || v.verdict === 'unreached') ? '*' : '';
    return v.verdict === 'violated' || v.verdict === 'unreached' ? `**${t}**${mark}` : `${t}${mark}`;
  };
  const table = mdTable(
    ['property', 'kind', 'meaning', ...results.map((r) => `\`${r.variant}\``)],
    props.map((p) => [`\`${p.name}\``, p.kind, p.doc, ...results.map((r) => cell(r, p.name))]),
  );
  const pruned = results.filter((r) => r.stats.pruned > 0);
  if (pruned.length === 0) return table;
  const which = pruned.map((r) => `\`${r.variant}\` (${r.stats.pruned.toLocaleString('en-US')} states)`).join(', ');
  return `${table}\n\n\\* The checker does not explore past a state that violates an invariant (unless the invariant is marked as violated by design). In ${which} such states were not expanded, so a starred verdict covers the behaviours up to their first violation, not what could follow it; a leads-to property is \`unknown\` there when a behaviour from its premise can reach such a state without meeting its goal.`;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const variantHeading = (v: { name: string; kind: string }) => `\`${v.name}\` (${v.kind})`;

/** Counterexamples already printed on the page, by property and trace, with where. */
type Printed = Map<string, { variant: string; anchor: string }>;

function variantSection(spec: AnyModelSpec, r: CheckResult, input: PageInput, printed: Printed): string[] {
  const v = spec.variants.find((x) => x.name === r.variant)!;
  const out = [`### ${variantHeading(v)}`, '', v.doc, ''];
  if (v.catches.length) out.push(`Exists to violate: ${v.catches.map((c) => `\`${c}\``).join(', ')}.`, '');
  if (r.kind !== 'violated') {
    out.push(r.kind === 'holds' ? 'Every property holds at the check bounds.' : `The search was cut short (${r.reason}).`, '');
    return out;
  }
  for (const x of r.violations) {
    const heading = `${x.property} (${x.kind})`;
    out.push(`#### ${heading}`, '', `*${x.doc}*`, '', x.message + '.', '');
    for (const u of x.unforced ?? []) out.push(`- \`${u.type}\`: ${u.reason}`);
    if (x.unforced?.length) out.push('');
    if (!x.trace) continue;
    const file = input.traceFiles.get(`${r.variant}.${x.property}`);
    const replay = file ? `Replay: \`npx rxspec replay ${file}\` ([trace file](${input.toRoot}${file}))` : '';
    // A variant that inherits a finding shows the same behaviour: point to it rather than print it again.
    const key = `${x.property}\u0000${JSON.stringify(x.trace)}`;
    const earlier = printed.get(key);
    if (earlier) {
      out.push(`The same ${x.trace.steps.length}-step counterexample as in [\`${earlier.variant}\`](#${earlier.anchor}).`, '');
      if (replay) out.push(replay, '');
      continue;
    }
    printed.set(key, { variant: r.variant, anchor: anchor(variantHeading(v)) });
    out.push(fence('mermaid', renderMermaid(x.trace, spec.lanes)), '');
    out.push(`<details><summary>The trace, step by step (${x.trace.steps.length} steps)</summary>`, '', fence('text', renderText(x.trace)), '', '</details>', '');
    if (replay) out.push(replay, '');
  }
  return out;
}

/** The variant whose witness documents a goal: the baseline's if it reaches it, else the first that does. */
export function witnessFor(results: readonly CheckResult[], goal: string): { variant: string; trace: CheckResult['witnesses'][number]['trace'] } | undefined {
  for (const r of results) {
    const w = r.witnesses.find((x) => x.goal === goal);
    if (w) return { variant: r.variant, trace: w.trace };
  }
  return undefined;
}

function goals(spec: AnyModelSpec, results: readonly CheckResult[], input: PageInput): string[] {
  if (spec.goals.length === 0) return [];
  const baseline = results[0].variant;
  const out = ['## Goals and their shortest witnesses', '', 'Each goal is a state the model must be able to reach (a vacuity check on the properties); its witness comes from the baseline variant, or from the first variant that reaches it.', ''];
  for (const g of spec.goals) {
    const w = witnessFor(results, g.name);
    out.push(`### ${g.name}`, '', g.doc, '');
    if (!w) {
      out.push('**Unreachable** in every variant at the check bounds.', '');
      continue;
    }
    const where = w.variant === baseline ? '' : ` in the \`${w.variant}\` variant (the \`${baseline}\` variant does not reach it)`;
    out.push(`Reached in ${w.trace.steps.length} steps${where}.`, '', `<details><summary>The witness, step by step</summary>`, '', fence('text', renderText(w.trace)), '', '</details>', '');
    const file = input.traceFiles.get(`${w.variant}.${g.name}`);
    if (file) out.push(`Replay: \`npx rxspec replay ${file}\``, '');
  }
  return out;
}

function simulation(sim: SimReport, plotFiles: readonly string[]): string[] {
  const out = ['## Simulation', ''];
  for (const t of sim.tables) {
    out.push(`### ${t.title}`, '', mdTable(t.columns, t.rows), '');
    for (const n of t.notes ?? []) out.push(`> ${n}`, '');
  }
  sim.plots.forEach((p, i) => out.push(`![${p.title}](${plotFiles[i]})`, ''));
  if (sim.findings.length) out.push('### Findings', '', ...sim.findings.map((f) => `- ${f}`), '');
  return out;
}

/** The checker's vocabulary, once per page, for readers who have not used a model checker. */
function howToRead(input: PageInput): string[] {
  if (input.spec.sources.length === 0) return [];
  const dieHard = `${input.toRoot}docs/fixtures/die-hard.md`;
  return [
    '<details><summary>How to read this page</summary>',
    '',
    '- The checker explores **every** state the machine can reach at the check bounds (the small parameter values in the Parameters table), breadth first, so each counterexample is a shortest one.',
    '- An **invariant** must hold in every reachable state. "violated in 11" means the shortest behaviour that breaks it takes 11 steps (events); the sentence after the verdict says what is wrong in the last state.',
    '- A **leads-to** property `P ~> Q` says that whenever P holds, Q holds then or later. "fair: A, B" lists the events weak fairness guarantees: an event that stays enabled is eventually taken; any other event may simply never happen. Its counterexample is a **lasso**: a path to a state where P holds, then a cycle (or a state where the behaviour stops) that never reaches Q.',
    '- A **goal** is a state the model must be able to reach; it guards against properties that hold only because nothing happens. "not reached" in a version is expected when that version lacks the path.',
    '- A **variant** is a kernel version, a fix, or a bug (historical or seeded so that every property has a variant that breaks it); "violated, as expected" means the variant fails exactly the properties recorded for it.',
    '- A trace lists the initial state, then for each step the event and only the fields it changed (`field: before → after`; `list[i] removed (was …)` when an element leaves a list).',
    `- The engine's fixture [Die Hard](${dieHard}) shows all of this on a 16-state puzzle.`,
    '',
    '</details>',
    '',
  ];
}

/** The page's sections and its variants, linked: the pages are long. */
function contents(spec: AnyModelSpec, results: readonly CheckResult[], withSimulation: boolean): string[] {
  const link = (title: string, heading = title) => `[${title}](#${anchor(heading)})`;
  const machineHeading = `The state machine (\`${spec.variants[0].name}\` variant)`;
  const variants = results.map((r) => {
    const v = spec.variants.find((x) => x.name === r.variant)!;
    return `[\`${v.name}\`](#${anchor(variantHeading(v))})`;
  });
  return [
    `**Contents:** ${[
      link('Sources'),
      link('What is modelled'),
      link('What is left out'),
      link('The state machine', machineHeading),
      link('Parameters'),
      link('Properties and verdicts', 'Properties and verdicts at the check bounds'),
      ...(spec.goals.length ? [link('Goals', 'Goals and their shortest witnesses')] : []),
      link('Variants', 'Variants and their counterexamples'),
      ...(withSimulation ? [link('Simulation')] : []),
    ].join(' · ')}`,
    '',
    `**Variants:** ${variants.join(' · ')}`,
    '',
  ];
}

export function modelPage(input: PageInput): string {
  const { spec, results, manifest, sim } = input;
  const printed: Printed = new Map();
  const machine = spec.instantiate(checkParams(spec.params), spec.variants[0].behaviour).machine;
  const stats = mdTable(
    ['variant', 'kind', 'distinct states', 'transitions', 'depth', 'time (when recorded)'],
    results.map((r) => [
      `\`${r.variant}\``,
      spec.variants.find((v) => v.name === r.variant)!.kind,
      r.stats.distinct.toLocaleString('en-US'),
      r.stats.transitions.toLocaleString('en-US'),
      r.stats.depth,
      ms(manifest?.variants[r.variant]?.timeMs),
    ]),
  );
  return [
    `# ${spec.title}`,
    '',
    `*Generated by \`rxspec docs\` from the model \`${spec.id}\`; do not edit. [All models](${input.indexLink})*`,
    '',
    spec.summary,
    '',
    ...contents(spec, results, sim !== undefined),
    ...howToRead(input),
    '## Sources',
    '',
    ...(spec.sources.length ? spec.sources.map((s) => `- ${s}`) : ['(none: an engine fixture)']),
    '',
    '## What is modelled',
    '',
    spec.modelled,
    '',
    '## What is left out',
    '',
    spec.leftOut,
    '',
    `## The state machine (\`${spec.variants[0].name}\` variant)`,
    '',
    fence('mermaid', stateDiagram(machine)),
    '',
    '### Transitions',
    '',
    transitionTable(machine),
    '',
    '## Parameters',
    '',
    params(spec),
    '',
    '## Properties and verdicts at the check bounds',
    '',
    properties(spec, results),
    '',
    stats,
    '',
    ...goals(spec, results, input),
    '## Variants and their counterexamples',
    '',
    ...results.flatMap((r) => variantSection(spec, r, input, printed)),
    ...(sim ? simulation(sim, input.plotFiles) : []),
  ].join('\n');
}
