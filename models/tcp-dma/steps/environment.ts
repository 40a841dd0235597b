/**
 * What happens to the reader rather than by it: segments arriving from the
 * wire, the DMA channel finishing a cookie, another thread forking (which
 * makes the buffer's pages copy-on-write), and signals and timeouts.
 */
import type { TcpDmaContext } from '../context.js';
import type { TcpDmaParams } from '../params.js';
import type { TcpDmaBehaviour } from '../variants.js';
import { rcvEstablished, softirqReceive, windowOpen } from './rcv-established.js';
import { completeHead, draft } from './user-buffer.js';

export interface SegmentArrives {
  readonly type: 'SEGMENT_ARRIVES';
  readonly len: number;
  readonly psh: boolean;
  readonly csum: 'verified' | 'unverified';
}

/** Where the reader is, as far as an arriving segment is concerned. */
export type ReaderPhase = 'idle' | 'owned' | 'sleeping';

/** The receive window is open, the next segment of the message fits it, and the message's last segment carries PSH. */
export function segmentFits(c: TcpDmaContext, e: SegmentArrives, p: TcpDmaParams): boolean {
  const end = c.arrived + e.len;
  return end <= p.messageLen && (end < p.messageLen || e.psh) && windowOpen(c, p);
}

/**
 * tcp_v4_rcv: with no reader in the call the segment is queued; while the
 * reader owns the socket it waits on the backlog; while the reader sleeps
 * the softirq runs it (early copy, prequeue, or queue).
 */
export function segmentArrives(
  c0: TcpDmaContext,
  e: SegmentArrives,
  phase: ReaderPhase,
  b: TcpDmaBehaviour,
  p: TcpDmaParams,
): TcpDmaContext {
  const c = draft(c0);
  const seg = { seq: c.arrived, len: e.len, psh: e.psh, verified: e.csum === 'verified' };
  c.arrived += e.len;
  if (phase === 'idle') {
    rcvEstablished(c, seg, false, b, p);
    c.woken = false; // sk_data_ready with nobody waiting
  } else if (phase === 'owned') c.backlog.push(seg);
  else softirqReceive(c, seg, b, p);
  return c;
}

export function headIssued(c: TcpDmaContext): boolean {
  return c.cookies.length > 0 && c.cookies[0].issued;
}

export function dmaComplete(c0: TcpDmaContext): TcpDmaContext {
  const c = draft(c0);
  completeHead(c);
  return c;
}

/** A fork matters only while DMA may target the pinned frames; it happens at most once per call. */
export function canFork(c: TcpDmaContext): boolean {
  return c.pinned === 'pinned' && !c.forked;
}

export function fork(c: TcpDmaContext): TcpDmaContext {
  return { ...c, forked: true };
}

export function interrupt(c: TcpDmaContext, why: 'signal' | 'timeout'): TcpDmaContext {
  return { ...c, interrupted: why, woken: true };
}
