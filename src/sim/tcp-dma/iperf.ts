/**
 * The seed's experiment as a discrete-event simulation: an iperf sender
 * pushing MSS segments through the receive window, and a receiver whose one
 * CPU runs the softirq (protocol work, the early copy's descriptor setup,
 * DMA completion interrupts) above the iperf reader (recv() in a loop, each a
 * tcp_recvmsg). sk_rcvbuf and skb->truesize come from the kernel's rules
 * (buffers.ts); the window closes as charged memory fills sk_rcvbuf, so a
 * reader that falls behind, or that holds skbs for its DMA copies, slows or
 * stops the sender. Deterministic: the traffic follows from the costs.
 */
import type { TcpDmaBehaviour } from '../../../models/tcp-dma/variants.js';
import { EventQueue } from '../event-queue.js';
import { advertisedWindow, rxTruesize, soRcvbuf, sysctlRmemMax } from './buffers.js';
import { SimChannel } from './channel.js';
import type { HostProfile } from './costs.js';
import { PriorityCpu } from './cpu.js';
import { Reader } from './reader.js';
import { Receiver } from './receiver.js';
import { Sender, type Segment } from './sender.js';

export interface IperfConfig {
  readonly profile: HostProfile;
  /** The tcp_recvmsg the receiver runs (netDma, freeSkbsPeriodically, flushOnZeroWindow are read). */
  readonly kernel: TcpDmaBehaviour;
  /** recv() len and the sender's write size: iperf -l. */
  readonly readBytes: number;
  /** sk_rcvlowat, bytes. */
  readonly rcvlowat: number;
  /** iperf -w: what iperf asks SO_RCVBUF for. */
  readonly windowBytes: number;
  readonly mss: number;
  /** From the receiver's ACK leaving to the sender acting on it, ns. */
  readonly ackDelayNs: number;
  readonly durationNs: number;
  readonly warmupNs: number;
  /** When the application first calls recv() (0: at once; later, the sender fills the window first), ns. */
  readonly firstReadNs?: number;
}

export interface Stall {
  readonly rmem: number;
  readonly rcvbuf: number;
  readonly asyncSkbs: number;
  readonly copied: number;
  readonly target: number;
}

export interface IperfResult {
  /** Payload that crossed the link during the measured window, Mbit/s: the throughput. */
  readonly mbitPerSec: number;
  /**
   * rcv_nxt's advance over the same window, Mbit/s: what the receiver acknowledged. Not a throughput: it
   * also counts segments that crossed the link during warm-up and waited on the backlog past its end, so it
   * can exceed the line rate. Kept so a test can show that the link bound catches that measure.
   */
  readonly ackedMbitPerSec: number;
  /** Share of the CPU's busy time spent in CPU copies (what oprofile attributes to __copy_tofrom_user). */
  readonly copyShare: number;
  readonly cpuUtilization: number;
  /** Share of the bytes copied to the user that the DMA engine was given (the rest the CPU copied). */
  readonly dmaFraction: number;
  /** Bytes the early copy handed to the engine while the reader slept or ran its backlog. */
  readonly earlyCopyBytes: number;
  /** Share of the bytes copied to the user that the early copy handed to the engine (its skbs are never charged). */
  readonly earlyFraction: number;
  readonly reads: number;
  readonly pinnedReads: number;
  readonly rcvbuf: number;
  readonly truesize: number;
  readonly interrupts: number;
  /** Segments that waited on the backlog (unACKed) because the reader owned the socket, and the most at once. */
  readonly backlogged: number;
  readonly backlogPeak: number;
  /** CPU busy time per category, ns. */
  readonly cpuByCategory: Readonly<Record<string, number>>;
  /** Set when the reader sleeps for good behind a zero window. */
  readonly stall: Stall | null;
}

/** sk_rcvbuf and truesize for a profile and an iperf -w request. */
export function receiveMemory(profile: HostProfile, windowBytes: number): { rcvbuf: number; truesize: number } {
  const b = profile.buffers!;
  return { rcvbuf: soRcvbuf(windowBytes, sysctlRmemMax(b, profile.path.pageBytes)), truesize: rxTruesize(b) };
}

export function simulateIperf(cfg: IperfConfig): IperfResult {
  const { host, dma, path, engine } = cfg.profile;
  const { rcvbuf, truesize } = receiveMemory(cfg.profile, cfg.windowBytes);
  const q = new EventQueue();
  const cpu = new PriorityCpu(q);
  const channel = dma && engine ? new SimChannel(q, cpu, dma, path, engine) : null;
  // The sender, receiver and reader call each other through late-bound hooks.
  let reader: Reader | undefined;
  let sender: Sender | undefined;
  const receiver = new Receiver({ rcvbuf, truesize, mss: cfg.mss, pageBytes: path.pageBytes }, channel, {
    ack: (ackSeq, window) => q.after(cfg.ackDelayNs, () => sender!.ack(ackSeq, window)),
    wakeReader: () => reader!.wake(),
  });
  const deliver = (seg: Segment) => {
    cpu.submit('softirq', host.rxPacketNs, 'protocol', () => {
      const w = receiver.arrive(seg);
      if (w.dmaDescs > 0) cpu.submit('softirq', w.dmaDescs * dma!.setupNs, 'dma-setup');
    });
  };
  sender = new Sender(q, cfg.profile.link, cfg.mss, cfg.readBytes, advertisedWindow(rcvbuf, 0, cfg.mss), deliver);
  reader = new Reader(cpu, receiver, channel, host, path, { readBytes: cfg.readBytes, rcvlowat: cfg.rcvlowat, copybreak: engine?.copybreak ?? Infinity, kernel: cfg.kernel }, dma?.setupNs ?? 0);

  sender.send();
  const first = reader;
  q.at(cfg.firstReadNs ?? 0, () => first.start());
  q.run(cfg.warmupNs);
  const at0 = { crossed: sender.payloadCrossed(), rcvNxt: receiver.rcvNxt, busy: cpu.busyNs, dma: receiver.dmaBytes, cpu: receiver.cpuBytes, early: receiver.earlyBytes, reads: reader.stats.reads, pinned: reader.stats.pinnedReads, irq: channel?.interrupts ?? 0, backlogged: receiver.backlogged };
  receiver.backlogPeak = 0;
  const cat0 = new Map(cpu.byCategory);
  q.run(cfg.warmupNs + cfg.durationNs);

  const busy = cpu.busyNs - at0.busy;
  const byCategory: Record<string, number> = {};
  for (const [k, v] of cpu.byCategory) byCategory[k] = v - (cat0.get(k) ?? 0);
  const dmaBytes = receiver.dmaBytes - at0.dma;
  const copiedBytes = dmaBytes + receiver.cpuBytes - at0.cpu;
  const stalled = reader.phase === 'sleeping' && receiver.window() === 0 && sender.nextSeq + cfg.mss > sender.edge;
  return {
    // Payload that crossed the link in the window (Sender.payloadCrossed, read at both ends). Not rcv_nxt:
    // segments waiting on the backlog or for the softirq at either end have crossed the link but not yet
    // advanced rcv_nxt, so its change counts the backlog left at the end of warm-up inside the window and
    // can exceed the line rate. Not bytes returned by recv(): reads return up to a window at once. Over a
    // run the three differ by at most a window, which is what both iperf ends report in the long run.
    mbitPerSec: ((sender.payloadCrossed() - at0.crossed) * 8 * 1e3) / cfg.durationNs,
    ackedMbitPerSec: ((receiver.rcvNxt - at0.rcvNxt) * 8 * 1e3) / cfg.durationNs,
    copyShare: busy > 0 ? (byCategory.copy ?? 0) / busy : 0,
    cpuUtilization: busy / cfg.durationNs,
    dmaFraction: copiedBytes > 0 ? dmaBytes / copiedBytes : 0,
    earlyCopyBytes: receiver.earlyBytes - at0.early,
    earlyFraction: copiedBytes > 0 ? (receiver.earlyBytes - at0.early) / copiedBytes : 0,
    reads: reader.stats.reads - at0.reads,
    pinnedReads: reader.stats.pinnedReads - at0.pinned,
    rcvbuf,
    truesize,
    interrupts: (channel?.interrupts ?? 0) - at0.irq,
    backlogged: receiver.backlogged - at0.backlogged,
    backlogPeak: receiver.backlogPeak,
    cpuByCategory: byCategory,
    stall: stalled
      ? { rmem: receiver.rmem, rcvbuf, asyncSkbs: receiver.asyncWait.length, copied: reader.copied, target: reader.target }
      : null,
  };
}
