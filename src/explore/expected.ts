/**
 * Expected outcomes as data: a per-model manifest (models/<m>/expected.json)
 * of every variant's verdicts, counterexample lengths and state counts at the
 * check bounds. Tests and `rxspec check` compare each run with it, so a model
 * that silently changes (a property that stops failing, a state space that
 * grows) fails CI. `rxspec check <m> --write-expected` records a fresh one.
 */
import type { CheckResult, Verdict } from './result.js';

/** "holds", "violated in 7", "reached in 4", "unreached" or "unknown". */
export type VerdictText = string;

export interface ExpectedVariant {
  /** Wall time of the run when the manifest was recorded (informational: never compared). */
  readonly timeMs?: number;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly verdicts: Readonly<Record<string, VerdictText>>;
}

export interface ExpectedManifest {
  readonly model: string;
  readonly variants: Readonly<Record<string, ExpectedVariant>>;
}

export function verdictText(v: Verdict): VerdictText {
  if ((v.verdict === 'violated' || v.verdict === 'reached') && v.length !== undefined) return `${v.verdict} in ${v.length}`;
  return v.verdict;
}

export function observed(r: CheckResult): ExpectedVariant {
  return {
    timeMs: Math.round(r.stats.elapsedMs),
    states: r.stats.distinct,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    verdicts: Object.fromEntries(r.verdicts.map((v) => [v.property, verdictText(v)])),
  };
}

export interface Mismatch {
  readonly what: string;
  readonly expected: string;
  readonly actual: string;
}

/**
 * Differences between a run and its manifest entry. `countsToo` is false
 * when the run used parameters other than the check bounds, where only the
 * verdicts (not their lengths or the state counts) are comparable.
 */
export function compare(r: CheckResult, e: ExpectedVariant | undefined, countsToo = true): Mismatch[] {
  if (!e) return [{ what: 'manifest entry', expected: '(present)', actual: 'missing: run rxspec check --write-expected' }];
  const o = observed(r);
  const out: Mismatch[] = [];
  if (countsToo) {
    for (const k of ['states', 'transitions', 'depth'] as const) {
      if (o[k] !== e[k]) out.push({ what: k, expected: String(e[k]), actual: String(o[k]) });
    }
  }
  const strip = (t: string | undefined) => (countsToo || !t ? t : t.replace(/ in \d+$/, ''));
  for (const name of new Set([...Object.keys(e.verdicts), ...Object.keys(o.verdicts)])) {
    const want = strip(e.verdicts[name]);
    const got = strip(o.verdicts[name]);
    if (want !== got) out.push({ what: name, expected: want ?? '(absent)', actual: got ?? '(absent)' });
  }
  return out;
}
