/**
 * fast-check commands driving a receiver Session: segments arriving, reads
 * starting, the reader stepping, the DMA engine completing, another thread
 * forking, a signal. The model is what the sender and application know;
 * the real system is the Session on real bytes. Every read that returns is
 * checked with readIsExact, so a failure names the byte that went wrong.
 */
import fc from 'fast-check';
import type { ReadRequest } from '../../src/impl/tcp-dma/recvmsg.js';
import { readIsExact, Session } from '../../src/impl/tcp-dma/session.js';
import { readRequest, segment } from './arbitraries.js';

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

class Arrive implements Cmd {
  constructor(readonly seg: { len: number; psh: boolean; verified: boolean }) {}
  check = (m: Readonly<SenderView>) => m.sent < 1 << 20;
  run(m: SenderView, s: Session): void {
    s.arrive(this.seg.len, this.seg.psh, this.seg.verified);
    m.sent += this.seg.len;
  }
  toString = () => `arrive(${this.seg.len}${this.seg.psh ? ', PSH' : ''}${this.seg.verified ? '' : ', csum unverified'})`;
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

/** Arrivals, reader runs and completions listed more than once: fc.commands picks uniformly among its arbitraries. */
export const commands = fc.commands(
  [
    arrive,
    arrive,
    arrive,
    readRequest.map((r): Cmd => new StartRead(r)),
    runReader,
    runReader,
    fc.constant<Cmd>(new StepReader()),
    dmaComplete,
    dmaComplete,
    fc.constant<Cmd>(new Fork()),
    fc.constant<Cmd>(new Signal()),
  ],
  { maxCommands: 60, size: 'medium' },
);

export const initialView = (): SenderView => ({ sent: 0, reading: false, reads: 0 });
