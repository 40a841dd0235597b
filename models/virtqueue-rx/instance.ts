/** One explorable instance: the machine at fixed parameters and behaviour, its event alphabet and its end states. */
import type { ModelInstance, ModelState } from '../../src/model/spec.js';
import type { Behaviour } from './behaviour.js';
import type { Ctx, MachineInput } from './context.js';
import type { RefillOomEvent, VirtqueueRxEvent } from './events.js';
import { u16Distance } from './kernel.js';
import type { VirtqueueRxParams } from './params.js';
import { virtqueueRxMachine } from './virtqueue-rx.machine.js';

export function eventAlphabet(p: VirtqueueRxParams, b: Behaviour): readonly VirtqueueRxEvent[] {
  const partial = <T extends RefillOomEvent['type']>(type: T) =>
    Array.from({ length: p.ringSize }, (_, posted) => ({ type, posted }) as RefillOomEvent);
  const lengths = [p.smallLen, p.mtuLen, p.gsoLen, ...(b.device === 'oversized' ? [p.oversizeLen] : [])];
  return [
    { type: 'OPEN' },
    ...partial('OPEN_OOM').slice(1),
    ...lengths.map((len) => ({ type: 'DEVICE_RX', len }) as const),
    { type: 'RECEIVE' },
    ...Array.from({ length: p.ringSize + 2 }, (_, num) => ({ type: 'RECEIVE_MISPARSE', num }) as const),
    { type: 'RECEIVE_HEAD_OOM' },
    { type: 'RECEIVE_NSKB_OOM' },
    { type: 'NAPI_COMPLETE' },
    ...partial('NAPI_COMPLETE_OOM'),
    { type: 'REFILL_WORK' },
    ...partial('REFILL_WORK_OOM'),
    { type: 'SKB_FREE' },
  ];
}

/** Traffic is over and everything is settled: nothing left to send, consume, read or refill. */
export function isQuiescent(s: ModelState<Ctx>): boolean {
  const c = s.context;
  return (
    c.left === 0 && u16Distance(c.lastUsed, c.used) === 0 && c.sock.length === 0 && c.refill === 'none' && s.matches('idle')
  );
}

export function instantiate(p: VirtqueueRxParams, b: Behaviour): ModelInstance {
  const alphabet = eventAlphabet(p, b);
  const input: MachineInput = { start: p.startIndex };
  return {
    machine: virtqueueRxMachine(p, b),
    inputs: [input],
    events: () => alphabet,
    isEndState: isQuiescent,
  };
}
