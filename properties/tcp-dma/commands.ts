/**
 * fast-check commands driving a receiver Session: segments arriving (held
 * back while the window is closed), reads starting, the reader stepping, the
 * DMA engine completing, another thread forking, a signal. The model is what
 * the sender and application know; the real system is the Session on real
 * bytes. Every read that returns is checked with readIsExact, so a failure
 * names the byte that went wrong; and after the last command the read in
 * progress must return once the kernel and the sender run fairly (the
 * liveness oracle), so a read that can never return fails too.
 */
import fc from 'fast-check';
import type { ReadRequest } from '../../src/impl/tcp-dma/recvmsg.js';
import { readIsExact, Session } from '../../src/impl/tcp-dma/session.js';
import { readRequest, segment, type SegmentShape } from './arbitraries.js';

export interface SenderView {
  sent: number;
  reading: boolean;
  /** Reads started, to bound a run. */
  reads: number;
}

type Cmd = fc.Command<SenderView, Session>;

/** Asserts the read the last step completed, if any. */
function checkReturned(s: Session, before: number): void {
  if (s.outcomes.length === before) return;
  const o = s.outcomes[s.outcomes.length - 1];
  const why = readIsExact(o);
  if (why) throw new Error(`read ${JSON.stringify(o.request)} from stream offset ${o.start} returned ${o.result}: ${why}`);
}

/**
 * The liveness oracle: the read in progress, if any, returns once the kernel
 * and a fair sender run, and returns exact bytes.
 */
export function readEventuallyReturns(s: Session): void {
  const r = s.reader;
  if (!r) return;
  const before = s.outcomes.length;
  if (!s.settle()) {
    const sk = s.sk;
    if (sk.overrun > 0) throw new Error(`read ${JSON.stringify(r.req)}: ${sk.overrun} bytes copied past the user buffer, and it never returns`);
    throw new Error(
      `read ${JSON.stringify(r.req)} never returns: the reader is ${r.phase} with the receive window ` +
        `${sk.windowOpen() ? 'open' : 'closed'} (sk_rmem_alloc ${sk.rmemAlloc} of sk_rcvbuf ${sk.cfg.rcvbuf}, ` +
        `${sk.asyncWaitQueue.length} skbs on sk_async_wait_queue), copied ${r.copied} of target ${r.target}`,
    );
  }
  checkReturned(s, before);
}

class Arrive implements Cmd {
  constructor(readonly seg: SegmentShape) {}
  check = (m: Readonly<SenderView>) => m.sent < 1 << 20;
  run(m: SenderView, s: Session): void {
    if (s.arrive(this.seg.len, this.seg.psh, this.seg.verified, this.seg.corrupt)) m.sent += this.seg.len;
  }
  toString = () => {
    const csum = this.seg.corrupt ? ', corrupt' : this.seg.verified ? '' : ', csum unverified';
    return `arrive(${this.seg.len}${this.seg.psh ? ', PSH' : ''}${csum})`;
  };
}

/** The sender fills the open window with MSS segments (a bulk sender such as iperf), PSH on the last. */
class FillWindow implements Cmd {
  check = (m: Readonly<SenderView>) => m.sent < 1 << 20;
  run(m: SenderView, s: Session): void {
    for (let i = 0; i < 256 && s.sk.windowOpen(); i++) {
      if (s.arrive(1448, !s.sk.windowOpen(), true)) m.sent += 1448;
    }
  }
  toString = () => 'fillWindow';
}

class StartRead implements Cmd {
  constructor(readonly req: ReadRequest) {}
  check = (m: Readonly<SenderView>) => !m.reading;
  run(m: SenderView, s: Session): void {
    s.startRead(this.req);
    m.reading = true;
    m.reads++;
  }
  toString = () => {
    const r = this.req;
    const flags = [r.peek && 'MSG_PEEK', r.waitall && 'MSG_WAITALL', r.lowLatency && 'tcp_low_latency'].filter(Boolean).join('|');
    return `recvmsg(len ${r.len}${flags ? ', ' + flags : ''}, rcvlowat ${r.rcvlowat})`;
  };
}

/** The reader runs until it blocks or returns. */
class RunReader implements Cmd {
  check = (m: Readonly<SenderView>) => m.reading;
  run(m: SenderView, s: Session): void {
    const before = s.outcomes.length;
    s.runReader();
    checkReturned(s, before);
    if (!s.reader) m.reading = false;
  }
  toString = () => 'runReader';
}

/** One reader step (when not blocked), so arrivals can land between copy-loop iterations. */
class StepReader implements Cmd {
  check = (m: Readonly<SenderView>) => m.reading;
  run(m: SenderView, s: Session): void {
    if (!s.reader || s.reader.next() === null) return;
    const before = s.outcomes.length;
    s.step();
    checkReturned(s, before);
    if (!s.reader) m.reading = false;
  }
  toString = () => 'stepReader';
}

class CompleteDma implements Cmd {
  check = () => true;
  run(_m: SenderView, s: Session): void {
    s.completeDma();
  }
  toString = () => 'dmaComplete';
}

class Fork implements Cmd {
  check = () => true;
  run(_m: SenderView, s: Session): void {
    s.fork();
  }
  toString = () => 'fork';
}

class Signal implements Cmd {
  check = (m: Readonly<SenderView>) => m.reading;
  run(_m: SenderView, s: Session): void {
    s.signal();
  }
  toString = () => 'signal';
}

const arrive = segment.map((seg): Cmd => new Arrive(seg));
const runReader = fc.constant<Cmd>(new RunReader());
const dmaComplete = fc.constant<Cmd>(new CompleteDma());

/**
 * Arrivals, reader runs and completions listed more than once: fc.commands
 * picks uniformly among its arbitraries. `forks: false` leaves out the fork,
 * so only the reads' liveness and bytes are at stake, not the stale mapping.
 */
export function sessionCommands(options: { forks: boolean } = { forks: true }) {
  return fc.commands(
    [
      arrive,
      arrive,
      arrive,
      fc.constant<Cmd>(new FillWindow()),
      readRequest.map((r): Cmd => new StartRead(r)),
      runReader,
      runReader,
      fc.constant<Cmd>(new StepReader()),
      dmaComplete,
      dmaComplete,
      ...(options.forks ? [fc.constant<Cmd>(new Fork())] : []),
      fc.constant<Cmd>(new Signal()),
    ],
    { maxCommands: 60, size: 'medium' },
  );
}

export const initialView = (): SenderView => ({ sent: 0, reading: false, reads: 0 });
