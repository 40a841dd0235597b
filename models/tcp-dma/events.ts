/**
 * The event alphabet at a state, as interned constants. The reader's events
 * are offered in the states that define them (their guards decide); segment arrivals are offered only
 * while the message has units left, and before the call only in one shape,
 * since PSH and the checksum flag do not matter to a queued skb.
 */
import type { EventObject } from 'xstate';
import type { ModelState } from '../../src/model/spec.js';
import type { TcpDmaContext } from './context.js';
import type { TcpDmaParams } from './params.js';
import type { SegmentArrives } from './steps/environment.js';

const ev = (type: string): EventObject => ({ type });
/** The reader's events by state: the machine's guards pick the one that applies. */
const READER: Readonly<Record<string, readonly EventObject[]>> = {
  idle: [ev('RECVMSG')],
  locked: [ev('COPY_SKB'), ev('BREAK'), ev('SK_WAIT_DATA'), ev('RELEASE_SOCK')],
  sleeping: [ev('WAKE_UP')],
  exiting: [ev('RETURN')],
};
const DMA_COMPLETE: EventObject = { type: 'DMA_COMPLETE' };
const FORK: EventObject = { type: 'FORK' };
const SIGNAL: EventObject = { type: 'SIGNAL' };

export const SEGMENTS: readonly SegmentArrives[] = [1, 2].flatMap((len) =>
  [false, true].flatMap((psh) =>
    (['verified', 'unverified'] as const).map((csum) => ({ type: 'SEGMENT_ARRIVES' as const, len, psh, csum })),
  ),
);

export function eventsAt(s: ModelState<TcpDmaContext>, p: TcpDmaParams): readonly EventObject[] {
  const c = s.context;
  if (s.matches('returned')) return c.cookies.length > 0 ? [DMA_COMPLETE] : [];
  const state = String(s.value);
  const out: EventObject[] = [...(READER[state] ?? []), DMA_COMPLETE];
  if (state === 'sleeping') out.push(SIGNAL);
  // A fork matters only before a CPU copy into the pinned buffer, and those are taken from `locked` (see the machine's header).
  if (s.matches('locked')) out.push(FORK);
  const left = p.messageLen - c.arrived;
  // PSH and the checksum flag matter only to the early copy, so only while the buffer is pinned.
  const canonical = c.pinned !== 'pinned';
  for (const e of SEGMENTS) {
    const last = e.len === left;
    if (e.len > left || (last && !e.psh)) continue;
    if (canonical && (e.csum === 'unverified' || e.psh !== last)) continue;
    out.push(e);
  }
  return out;
}
