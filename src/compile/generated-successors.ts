/**
 * Generated successor functions, for bit-packed records: one JavaScript
 * function per (configuration, event alphabet) that takes every event in
 * turn, tries its candidate transitions' guards in xstate's order, and for
 * the chosen transition writes the successor record directly: the next
 * configuration, and each field its single assign sets, with the field's
 * domain check and bit operations inlined.
 *
 * Every guard and assign function of the model is called from its own call
 * site in the generated code, so the engine can inline it; the generic path
 * pays a shared, megamorphic call for each. Whatever the generated code
 * does not cover (parallel selection, several actions, function-form
 * assigns, a value outside its domain, a guard that throws) is handed to
 * the generic path for that one event, which computes it exactly as before.
 */
import type { EventObject } from 'xstate';
import type { ActionEnv, ActionShape } from './actions.js';
import { classify } from './actions.js';
import type { Config } from './configs.js';
import type { DomainLayout } from './domain-layout.js';
import type { Stepper } from './step.js';

/**
 * Runs every event of the alphabet from one state; successors go to
 * `emit(k)` from `out`. With a visited bitmap, a successor seen before is
 * only counted: the count is returned (0 without a bitmap).
 */
export type GeneratedSuccessors = (context: unknown, rec: Int32Array, off: number, out: Int32Array, events: readonly EventObject[]) => number;

export interface Hooks {
  /** Interns out[0..width) as the successor of event k and reports it. */
  emit(k: number): void;
  /** With a visited bitmap: the one-word record `rec`, whose bit is clear, is the new successor of event k. */
  fresh(k: number, rec: number): void;
  /** The generic path for event k. */
  slow(k: number): void;
  /** Errors that must leave the generated code as they are (not be retried on the generic path). */
  fatal(err: unknown): boolean;
}

export function generateSuccessors(
  config: Config,
  indices: readonly number[],
  events: readonly EventObject[],
  stepper: Stepper,
  layout: DomainLayout,
  env: ActionEnv,
  hooks: Hooks,
  visited?: Int32Array,
): GeneratedSuccessors {
  const W = layout.fixedWidth;
  if (visited && W !== 1) throw new Error('internal: a visited bitmap needs one-word records');
  const consts: unknown[] = [];
  // Each constant is a const of the closure, not an array read, so every call site has one fixed callee to inline.
  const ref = (x: unknown) => {
    consts.push(x);
    return `k${consts.length - 1}`;
  };
  const words = Array.from({ length: W }, (_, i) => i);
  const lines: string[] = [`const ${words.map((i) => `w${i} = rec[off + ${i}]`).join(', ')};`, `let ${words.map((i) => `n${i} = 0`).join(', ')}, v, x, seen = 0;`];
  lines.push('GA.context = context; AA.context = context;');
  const sel = stepper.selector;

  events.forEach((event, k) => {
    const program = sel.programFor(config, indices[k], event.type);
    const body: string[] = [];
    if (program.flat?.length === 0) return; // no candidate transition: the event changes nothing here
    if (!program.flat) {
      body.push(`slow(${k});`);
    } else {
      body.push(`GA.event = events[${k}]; AA.event = events[${k}];`);
      const branches: string[] = [];
      for (const c of program.flat) {
        const plan = stepper.planOf(config, c.t);
        const shape = (plan.shape ??= classify(env, plan.actions)) as ActionShape;
        let test = 'true';
        if (c.check) {
          const g = c.guard;
          const plain = typeof g === 'function' && !('check' in g) ? g : typeof g === 'string' ? (stepper.guardImpl(g) as unknown) : undefined;
          test = typeof plain === 'function' && !('check' in (plain as object)) ? `${ref(plain)}(GA, undefined)` : `${ref(c.check)}(context, events[${k}], CFG)`;
        }
        const copy = words.map((i) => (i === 0 ? `n0 = (w0 & ${~layout.configMaskBits}) | ${plan.next.id};` : `n${i} = w${i};`)).join(' ');
        // With a bitmap the one-word record is its own index: a successor seen
        // before (or the source itself) costs a bit test, not a call.
        const store = visited
          ? `if (n0 !== w0) { if ((VB[n0 >>> 5] & (1 << (n0 & 31))) === 0) fresh(${k}, n0); else seen++; }`
          : `${words.map((i) => `out[${i}] = n${i};`).join(' ')} emit(${k});`;
        let act: string;
        if (shape.kind === 'none') {
          act = plan.next === config ? '' : `${copy} ${store}`;
        } else if (shape.kind === 'assign' && shape.keys && shape.keys.every((key) => layout.leafOf(key))) {
          const writes = shape.keys.map((key) => {
            const p = (shape.assignment as Record<string, unknown>)[key];
            const value = typeof p === 'function' ? `${ref(p)}(AA, ${ref(shape.params)})` : ref(p);
            const leaf = layout.leafOf(key)!;
            const w = `n${leaf.word}`;
            if (leaf.domain.kind === 'int') {
              const { min, max } = leaf.domain;
              return `v = ${value}; if (typeof v !== 'number' || (v | 0) !== v || v < ${min} || v > ${max}) { slow(${k}); break e${k}; } ${w} = (${w} & ${~leaf.mask}) | ((v - ${min}) << ${leaf.shift});`;
            }
            const vals = ref(leaf.domain.values);
            const cases = leaf.domain.values.map((_, i) => `v === ${vals}[${i}] ? ${i} : `).join('');
            return `v = ${value}; x = ${cases}-1; if (x < 0) { slow(${k}); break e${k}; } ${w} = (${w} & ${~leaf.mask}) | (x << ${leaf.shift});`;
          });
          act = `${copy} ${writes.join(' ')} ${store}`;
        } else {
          act = `slow(${k});`;
        }
        branches.push(`if (${test}) { ${act} }`);
      }
      body.push(branches.join(' else '));
    }
    // A guard or assign that throws goes to the generic path, which throws it in xstate's words.
    lines.push(`e${k}: try { ${body.join(' ')} } catch (err) { if (fatal(err)) throw err; slow(${k}); }`);
  });

  const bind = consts.length ? `const ${consts.map((_, i) => `k${i} = K[${i}]`).join(', ')};\n` : '';
  const src = `${bind}return function successors(context, rec, off, out, events) {\n${lines.join('\n')}\nreturn seen;\n};`;
  // Generated from the machine's definition and declared domains; model functions are passed in K.
  return new Function('K', 'GA', 'AA', 'CFG', 'emit', 'fresh', 'slow', 'fatal', 'VB', src)(
    consts,
    { context: undefined, event: undefined },
    { context: undefined, event: undefined, spawn: () => { throw new Error('spawn is not supported by the compiled successor path'); }, self: env.self, system: env.system },
    config,
    hooks.emit,
    hooks.fresh,
    hooks.slow,
    hooks.fatal,
    visited,
  ) as GeneratedSuccessors;
}
