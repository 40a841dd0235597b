/**
 * A receiver session: the sender's stream arriving segment by segment, an
 * application reading it with a sequence of tcp_recvmsg calls into one
 * reused buffer (as iperf does), the DMA engine and forks in between. After
 * every read the application's view of its buffer is compared with the
 * stream's bytes: the data-integrity oracle.
 */
import type { TcpDmaBehaviour } from '../../../models/tcp-dma/variants.js';
import { DmaChannel } from './dma-engine.js';
import { Reader, type ReadRequest, type ReaderStep, type ReadResult } from './recvmsg.js';
import { TcpSocket, type SocketConfig } from './socket.js';
import { makeSegment, streamBytes } from './stream.js';
import { PhysicalMemory, UserBuffer } from './user-memory.js';

export interface ReadOutcome {
  readonly request: ReadRequest;
  readonly start: number;
  readonly result: ReadResult;
  /** Stream bytes the application should see. */
  readonly expected: Uint8Array;
  /** What it sees through its mapping when the call returns. */
  readonly seen: Uint8Array;
  /** Where the stream's read position ended (copied_seq). */
  readonly copiedSeq: number;
  readonly overrun: number;
  readonly freedUnderDma: number;
  readonly dmaOutstanding: number;
  readonly unpins: number;
  readonly pinned: boolean;
}

export class Session {
  readonly mem: PhysicalMemory;
  readonly channel: DmaChannel;
  readonly sk: TcpSocket;
  readonly buffer: UserBuffer;
  reader: Reader | null = null;
  sent = 0;
  readonly outcomes: ReadOutcome[] = [];

  constructor(
    readonly cfg: SocketConfig,
    readonly behaviour: TcpDmaBehaviour,
    bufferBytes: number,
  ) {
    this.mem = new PhysicalMemory(cfg.pageBytes);
    this.channel = new DmaChannel(this.mem, cfg.pendingLevel);
    this.sk = new TcpSocket(cfg, behaviour, this.mem, this.channel);
    this.buffer = new UserBuffer(this.mem, bufferBytes);
  }

  /**
   * The next segment of the stream reaches tcp_v4_rcv, if the receive window
   * lets the sender send it (false: held back). After a checksum drop the
   * sender goes back to what the receiver holds.
   */
  arrive(len: number, psh: boolean, csumVerified: boolean, corrupt = false): boolean {
    this.sent = this.sk.nextExpected();
    if (!this.sk.windowOpen()) return false;
    this.sk.receive(makeSegment(this.sent, len, psh, csumVerified, corrupt));
    this.sent = this.sk.nextExpected();
    return true;
  }

  startRead(req: ReadRequest): void {
    if (this.reader) throw new Error('a read is already in progress');
    this.reader = new Reader(this.sk, this.buffer, req, this.behaviour);
  }

  /** One reader step; when it returns, the application looks at its buffer. */
  step(): ReaderStep {
    const r = this.reader!;
    const s = r.step();
    if (r.phase === 'returned') {
      const n = typeof r.result === 'number' ? r.result : 0;
      this.outcomes.push({
        request: r.req,
        start: r.start,
        result: r.result!,
        expected: streamBytes(r.start, n),
        seen: this.buffer.read(0, Math.min(n, this.buffer.length)),
        copiedSeq: this.sk.copiedSeq,
        overrun: this.sk.overrun,
        freedUnderDma: this.sk.freedUnderDma,
        dmaOutstanding: this.channel.outstanding,
        unpins: r.unpins,
        pinned: r.pinned,
      });
      this.reader = null;
    }
    return s;
  }

  /** Run the reader until it blocks or returns. */
  runReader(limit = 10_000): void {
    for (let i = 0; i < limit && this.reader && this.reader.next() !== null; i++) this.step();
  }

  /**
   * The kernel and a fair sender run, in turns, until the read in progress
   * returns or nothing can move: the reader takes a step when it can, the
   * engine completes what was issued, and the sender sends a verified MSS
   * segment (PSH every fourth) while the window is open. Returns false if a
   * read is still pending when nothing can move (or after `limit` turns).
   */
  settle(mss = 1448, limit = 20_000): boolean {
    for (let turn = 0; this.reader && turn < limit; turn++) {
      let moved = false;
      if (this.reader.next() !== null) {
        this.step();
        moved = true;
      }
      if (this.reader && this.completeDma()) moved = true;
      if (this.reader && this.arrive(mss, turn % 4 === 3, true)) moved = true;
      if (!moved || this.sk.overrun > 0) return false; // stuck, or already writing past the buffer
    }
    return this.reader === null;
  }

  completeDma(): boolean {
    if (!this.channel.canComplete) return false;
    this.channel.completeOne();
    return true;
  }

  fork(): void {
    this.buffer.fork();
  }

  signal(): boolean {
    return this.reader?.signal() ?? false;
  }
}

/** What must hold after every read: the application saw exactly the stream's next bytes, and nothing else went wrong. */
export function readIsExact(o: ReadOutcome): string | null {
  if (o.overrun > 0) return `${o.overrun} bytes copied past the user buffer`;
  if (o.freedUnderDma > 0) return `${o.freedUnderDma} skbs freed while their DMA copy was outstanding`;
  if (o.dmaOutstanding > 0) return `returned with ${o.dmaOutstanding} DMA descriptors outstanding`;
  if (o.pinned && o.unpins !== 1) return `pinned once, unpinned ${o.unpins} times`;
  if (o.result === 'EINTR') return o.copiedSeq === o.start ? null : 'EINTR after consuming data';
  if (o.result > o.request.len) return `returned ${o.result} > len ${o.request.len}`;
  const consumed = o.copiedSeq - o.start;
  if (consumed !== (o.request.peek ? 0 : o.result)) return `returned ${o.result} but consumed ${consumed}`;
  for (let i = 0; i < o.result; i++) {
    if (o.seen[i] !== o.expected[i]) return `byte ${i} (stream offset ${o.start + i}) is ${o.seen[i]}, the stream has ${o.expected[i]}`;
  }
  return null;
}
