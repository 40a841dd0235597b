/**
 * Conformance: the reference implementation on real bytes and the machine
 * take the same steps. A random walk over the machine's enabled events (the
 * checker's own semantics) drives both; after every step the socket's
 * sequence numbers, queues, outstanding descriptors and reader phase agree,
 * and every user-buffer slot the machine calls landed holds the stream's
 * bytes as the application sees them. Every variant, bugs included: the
 * implementation must be wrong in exactly the machine's way.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { spec } from '../../../models/tcp-dma/index.js';
import type { TcpDmaContext } from '../../../models/tcp-dma/context.js';
import { slotHow, slotOffset } from '../../../models/tcp-dma/steps/user-buffer.js';
import { checkParams } from '../../../src/model/params.js';
import { XStateSuccessors } from '../../../src/explore/xstate-successors.js';
import { Session } from '../../../src/impl/tcp-dma/session.js';
import { streamBytes } from '../../../src/impl/tcp-dma/stream.js';

/** Bytes per model unit in the lockstep run: small, so every byte is checked cheaply. */
const U = 8;
const P = checkParams(spec.params);
/** The socket for a variant's check bounds (a variant may override some, as early-copy-out-of-order does). */
const cfgFor = (p: typeof P) => ({
  pageBytes: 2 * U,
  copybreak: p.copybreak * U,
  rcvbuf: p.rcvbuf * U,
  pendingLevel: p.ioatPendingLevel,
  truesize: (len: number) => len + U, // params.truesize: payload plus one unit
  splitAtPages: false, // the model's one descriptor per copy call
});

function agree(c: TcpDmaContext, state: string, s: Session): void {
  const sk = s.sk;
  expect(sk.copiedSeq, 'copied_seq').toBe(c.copiedSeq * U);
  expect(sk.rcvNxt, 'rcv_nxt').toBe(c.rcvNxt * U);
  expect(sk.receiveQueue.map((q) => [q.seq, q.data.length]), 'receive queue').toEqual(c.queue.map((q) => [q.seq * U, q.len * U]));
  expect(sk.backlog.length, 'backlog').toBe(c.backlog.length);
  expect(sk.prequeue.length, 'prequeue').toBe(c.prequeue.length);
  expect(sk.asyncWaitQueue.map((q) => q.seq), 'async wait queue').toEqual(c.asyncWait.map((q) => q.seq * U));
  expect(s.channel.outstanding, 'outstanding DMA').toBe(c.cookies.length);
  expect(sk.overrun, 'overrun').toBe(c.overrun * U);
  const phase = s.reader?.phase ?? (s.outcomes.length > 0 ? 'returned' : 'idle');
  expect(phase, 'reader phase').toBe(state);
  if (state === 'sleeping') expect(sk.woken, 'woken').toBe(c.woken);
  if (state === 'returned') expect(s.outcomes[0].result, 'result').toBe(typeof c.result === 'number' ? c.result * U : c.result);
  for (let i = 0; i < c.ubuf.length; i++) {
    const seen = s.buffer.read(i * U, U);
    const slot = c.ubuf[i];
    if (slot === '') continue;
    const want = streamBytes(slotOffset(slot) * U, U);
    const how = slotHow(slot);
    if (how === 'cpu' || how === 'dma') expect([...seen], `slot ${i} (${slot})`).toEqual([...want]);
    else expect([...seen], `slot ${i} (${slot}) must not be visible yet`).not.toEqual([...want]);
  }
}

function drive(s: Session, e: EventObject, input: Record<string, unknown>): void {
  switch (e.type) {
    case 'RECVMSG': {
      const r = input as { len: number; rcvlowat: number; peek: boolean; waitall: boolean; lowLatency: boolean };
      s.startRead({ ...r, len: r.len * U, rcvlowat: r.rcvlowat * U });
      return;
    }
    case 'SEGMENT_ARRIVES': {
      const a = e as EventObject & { len: number; psh: boolean; csum: string };
      expect(s.arrive(a.len * U, a.psh, a.csum === 'verified'), 'the window lets the segment in').toBe(true);
      return;
    }
    case 'DMA_COMPLETE':
      expect(s.completeDma()).toBe(true);
      return;
    case 'FORK':
      s.fork();
      return;
    case 'SIGNAL':
      expect(s.signal()).toBe(true);
      return;
    default:
      expect(s.step(), 'the reader\'s step').toBe(e.type);
  }
}

describe('tcp-dma: the implementation follows the machine step for step', () => {
  for (const v of spec.variants) {
    test(`${v.name}: 120 random walks`, () => {
      const p = { ...P, ...v.params };
      const cfg = cfgFor(p);
      const instance = spec.instantiate(p, v.behaviour);
      const succ = new XStateSuccessors(instance);
      const starts = succ.initial();
      fc.assert(
        fc.property(fc.nat(starts.length - 1), fc.array(fc.nat(), { minLength: 30, maxLength: 30 }), (start, choices) => {
          let snap: AnyMachineSnapshot = starts[start];
          const input = instance.inputs[start] as Record<string, unknown>;
          const session = new Session(cfg, v.behaviour, (input.len as number) * U);
          for (const pick of choices) {
            const next: { e: EventObject; s: AnyMachineSnapshot }[] = [];
            succ.expand(snap, succ.key(snap), (i, n) => next.push({ e: succ.event(i), s: n }));
            if (next.length === 0) break;
            const { e, s } = next[pick % next.length];
            drive(session, e, input);
            snap = s;
            agree(snap.context as TcpDmaContext, String(snap.value), session);
          }
        }),
        { seed: 4096, numRuns: 120 },
      );
    });
  }
});
