import { describe, expect, test } from 'vitest';
import { fromPromise, raise, setup } from 'xstate';
import { XStateSuccessors } from '../../src/explore/xstate-successors.js';
import { UnsupportedMachineError } from '../../src/errors/unsupported-machine-error.js';

const instance = (machine: any) => ({ machine, inputs: [undefined], events: () => [{ type: 'GO' }] });

describe('machines the checker refuses up front', () => {
  test('invoke, naming the state node', () => {
    const m = setup({ actors: { fetcher: fromPromise(async () => 1) } }).createMachine({
      id: 'inv',
      initial: 'a',
      states: { a: { on: { GO: 'b' } }, b: { invoke: { src: 'fetcher' } } },
    });
    expect(() => new XStateSuccessors(instance(m))).toThrow(UnsupportedMachineError);
    expect(() => new XStateSuccessors(instance(m))).toThrow("machine 'inv' uses `invoke` in state node 'b'");
  });

  test('after (a delayed transition)', () => {
    const m = setup({}).createMachine({ id: 'timer', initial: 'a', states: { a: { after: { 1000: 'b' } }, b: {} } });
    expect(() => new XStateSuccessors(instance(m))).toThrow(/`after` \(a delayed transition\) in state node 'a'/);
  });

  test('a delayed raise', () => {
    const m = setup({}).createMachine({
      id: 'delayed',
      initial: 'a',
      states: { a: { entry: raise({ type: 'GO' }, { delay: 10 }), on: { GO: 'b' } }, b: {} },
    });
    expect(() => new XStateSuccessors(instance(m))).toThrow(/a delayed event \(entry\) in state node 'a'/);
  });

  test('a custom action with a side effect, when it would run', () => {
    const m = setup({ actions: { sideEffect: () => {} } }).createMachine({
      id: 'effects',
      initial: 'a',
      states: { a: { on: { GO: { target: 'b', actions: 'sideEffect' } } }, b: {} },
    });
    const succ = new XStateSuccessors(instance(m));
    const [s] = succ.initial();
    expect(() => succ.step(s, { type: 'GO' })).toThrow(/the action 'sideEffect', whose side effect a pure step cannot see/);
  });
});
