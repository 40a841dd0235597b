/**
 * The seed's experiment as a discrete-event simulation: an iperf sender
 * pushing 1448-byte segments through a window, and a receiver whose one CPU
 * runs the softirq and the iperf reader (recv of 2 MB in a loop) with the
 * 2.6.32.2 logic of tcp_recvmsg: the pin decision, DMA or CPU copies from
 * the receive queue, the prequeue, the early copy with its three stop
 * conditions, descriptors issued past ioat_pending_level or at the exit,
 * the exit's wait for the last cookie, and unpinning. Every cost comes from
 * the host profile; the receive window closes when the reader falls behind,
 * so a CPU that cannot keep up shows as lower throughput.
 */
import { copyNs, dmaCopyNs, wireNs } from '../cost-model.js';
import { EventQueue } from '../event-queue.js';
import { Server } from '../server.js';
import { PriorityCpu } from './cpu.js';
import type { HostProfile } from './costs.js';

export interface IperfConfig {
  readonly profile: HostProfile;
  readonly netDma: boolean;
  /** recv() len: iperf -l. */
  readonly readBytes: number;
  /** sk_rcvlowat, bytes. */
  readonly rcvlowat: number;
  /** iperf -w: SO_RCVBUF and SO_SNDBUF before the kernel doubles them; also the window cap. */
  readonly windowBytes: number;
  readonly mss: number;
  readonly copybreak: number;
  readonly pendingLevel: number;
  readonly durationNs: number;
  readonly warmupNs: number;
  /** truesize of a 1448-byte segment's skb. */
  readonly truesize: number;
}

export interface IperfResult {
  readonly mbitPerSec: number;
  /** Share of the CPU's busy time spent in CPU copies (what oprofile attributes to __copy_tofrom_user). */
  readonly copyShare: number;
  readonly cpuUtilization: number;
  /** Share of delivered bytes that a DMA engine copied. */
  readonly dmaFraction: number;
  readonly reads: number;
  readonly pinnedReads: number;
  /** CPU busy time per category, ns. */
  readonly cpuByCategory: Readonly<Record<string, number>>;
}

interface Skb {
  bytes: number;
}

/** Runs one configuration; deterministic (the traffic is deterministic given the costs). */
export function simulateIperf(cfg: IperfConfig): IperfResult {
  const { host, link, dma, path } = cfg.profile;
  const q = new EventQueue();
  const cpu = new PriorityCpu(q);
  const wire = new Server('link', q);
  const engine = new Server('dma', q);
  const rcvbuf = 2 * cfg.windowBytes; // sock_setsockopt(SO_RCVBUF) doubles
  const pages = Math.ceil(cfg.readBytes / path.pageBytes);

  // Sender and socket.
  let nextSeq = 0;
  let pushedSeq = 0;
  let rcvNxt = 0;
  let edge = Math.min(cfg.windowBytes, (rcvbuf * 3) / 4);
  let rmem = 0; // charged truesize: receive queue and sk_async_wait_queue
  const queue: Skb[] = [];
  const prequeue: Skb[] = [];

  // The reader.
  type Phase = 'syscall' | 'running' | 'sleeping' | 'exiting';
  let phase: Phase = 'syscall';
  let pinned = false;
  let target = 1;
  let len = 0;
  let copied = 0;
  let ucopyTask = false;
  let ucopyLen = 0;
  let wakeup = false;
  let wakePending = false;
  let asyncCharged = 0;
  let pending = 0; // descriptors not yet issued
  let issuedUntil = 0; // when the last issued descriptor's completion is visible
  let unissuedBytes = 0;
  let iov = 0;

  // Accounting after warm-up.
  let measuring = false;
  let delivered = 0;
  let dmaBytes = 0;
  let reads = 0;
  let pinnedReads = 0;
  let busyAtWarmup = 0;
  let rcvNxtAtWarmup = 0;
  const catAtWarmup = new Map<string, number>();

  const rwnd = () => Math.max(0, Math.min(cfg.windowBytes, Math.floor(((rcvbuf - rmem) * 3) / 4)));
  const updateWindow = () => {
    edge = Math.max(edge, rcvNxt + rwnd());
    trySend();
  };

  function trySend(): void {
    while (nextSeq + cfg.mss <= edge) {
      const seq = nextSeq;
      nextSeq += cfg.mss;
      // tcp_push: PSH at the end of each write (one recv-sized write) and forced_push every half window.
      const psh = nextSeq % cfg.readBytes < cfg.mss || nextSeq - pushedSeq >= cfg.windowBytes / 2;
      if (psh) pushedSeq = nextSeq;
      wire.serve(wireNs(link, cfg.mss), 'wire', () => cpu.submit('softirq', host.rxPacketNs, 'protocol', () => softirq(seq, psh)));
    }
  }

  /** dma_memcpy_to_iovec splits a copy at user-page edges: one descriptor per page touched. */
  function descriptorsFor(bytes: number): number {
    return Math.floor((iov + bytes - 1) / path.pageBytes) - Math.floor(iov / path.pageBytes) + 1;
  }

  /** dma_skb_copy_datagram_iovec: one descriptor per page piece; issued once more than ioat_pending_level wait. */
  function submitDma(bytes: number): void {
    const n = descriptorsFor(bytes);
    iov += bytes;
    pending += n;
    unissuedBytes += bytes;
    if (measuring) dmaBytes += bytes;
    if (pending > cfg.pendingLevel) issue();
  }

  /** issue_pending: the engine runs the batch; each descriptor's completion is reaped on the CPU when it becomes visible. */
  function issue(): void {
    if (pending === 0) return;
    const n = pending;
    const done = engine.serve(dmaCopyNs(dma!, unissuedBytes), 'copy');
    const visible = done + dma!.completionNs;
    issuedUntil = Math.max(issuedUntil, visible);
    q.at(visible, () => cpu.submit('softirq', n * path.dmaReapNs, 'dma-completion'));
    pending = 0;
    unissuedBytes = 0;
  }

  function wake(): void {
    if (phase !== 'sleeping' || wakePending) return;
    wakePending = true;
    cpu.submit('process', host.wakeupNs, 'sched', () => {
      wakePending = false;
      phase = 'running';
      afterWait();
    });
  }

  function softirq(seq: number, psh: boolean): void {
    const bytes = cfg.mss;
    const inOrder = queue.length === 0 && prequeue.length === 0;
    rcvNxt = seq + bytes;
    if (phase === 'sleeping' && pinned && inOrder && bytes <= ucopyLen && !wakeup) {
      // tcp_dma_try_early_copy (the NIC verified the checksum): prep and submit each descriptor on the CPU.
      cpu.submit('softirq', descriptorsFor(bytes) * dma!.setupNs, 'dma-setup');
      submitDma(bytes);
      ucopyLen -= bytes;
      if (ucopyLen === 0 || psh || rmem > rcvbuf / 2) {
        wakeup = true;
        wake();
      }
    } else if (phase === 'sleeping' && !pinned && ucopyTask) {
      prequeue.push({ bytes });
      wake();
    } else {
      queue.push({ bytes });
      rmem += cfg.truesize;
      if (phase === 'sleeping') wake();
    }
    updateWindow();
  }

  function startRecv(): void {
    phase = 'syscall';
    cpu.submit('process', path.syscallNs, 'syscall', () => {
      len = cfg.readBytes;
      copied = 0;
      iov = 0;
      ucopyTask = false;
      target = Math.min(cfg.rcvlowat, len) || 1;
      const available = queue.reduce((s, k) => s + k.bytes, 0);
      pinned = cfg.netDma && dma !== undefined && available < target && len > cfg.copybreak;
      if (measuring) {
        reads++;
        if (pinned) pinnedReads++;
      }
      phase = 'running';
      if (pinned) cpu.submit('process', pages * path.pinPageNs, 'pin', loop);
      else loop();
    });
  }

  /** Collect what the early copy and direct copies put in the buffer, then run the prequeue in order. */
  function afterWait(): void {
    wakeup = false;
    if (ucopyTask) {
      copied += len - ucopyLen;
      len = ucopyLen;
    }
    drainPrequeue(loop);
  }

  function drainPrequeue(then: () => void): void {
    const skb = prequeue.shift();
    if (!skb) return then();
    const n = Math.min(skb.bytes, ucopyLen);
    cpu.submit('process', copyNs(host, n), 'copy', () => {
      iov += n;
      ucopyLen -= n;
      copied += n;
      len -= n;
      updateWindow();
      drainPrequeue(then);
    });
  }

  function loop(): void {
    if (len === 0) return exit();
    const skb = queue.shift();
    if (skb) {
      const used = Math.min(skb.bytes, len);
      const done = () => {
        copied += used;
        len -= used;
        if (used < skb.bytes) {
          skb.bytes -= used;
          queue.unshift(skb);
        } else if (pinned) asyncCharged += cfg.truesize; // sk_eat_skb: to sk_async_wait_queue, still charged
        else rmem -= cfg.truesize;
        updateWindow();
        loop();
      };
      if (pinned) {
        cpu.submit('process', descriptorsFor(used) * dma!.setupNs, 'dma-setup', () => {
          submitDma(used);
          done();
        });
      } else cpu.submit('process', copyNs(host, used), 'copy', () => {
        iov += used;
        done();
      });
      return;
    }
    if (copied >= target) return exit();
    ucopyTask = true;
    ucopyLen = len;
    if (prequeue.length > 0) return drainPrequeue(loop);
    phase = 'sleeping';
  }

  function exit(): void {
    phase = 'exiting';
    ucopyTask = false;
    ucopyLen = 0;
    const finish = () => {
      rmem -= asyncCharged;
      asyncCharged = 0;
      if (measuring) delivered += copied;
      updateWindow();
      startRecv();
    };
    if (!pinned) return finish();
    issue();
    // Spin until the last cookie completes (2.6.32.2 polls dma_async_memcpy_complete), then unpin.
    const spin = Math.max(0, issuedUntil - q.now);
    cpu.submit('process', spin, 'dma-wait', () => cpu.submit('process', pages * path.unpinPageNs, 'pin', finish));
  }

  trySend();
  startRecv();
  q.run(cfg.warmupNs);
  measuring = true;
  rcvNxtAtWarmup = rcvNxt;
  busyAtWarmup = cpu.busyNs;
  for (const [k, v] of cpu.byCategory) catAtWarmup.set(k, v);
  q.run(cfg.warmupNs + cfg.durationNs);

  const busy = cpu.busyNs - busyAtWarmup;
  const byCategory: Record<string, number> = {};
  for (const [k, v] of cpu.byCategory) byCategory[k] = v - (catAtWarmup.get(k) ?? 0);
  return {
    // What the sender's iperf reports: bytes acknowledged (in steady state, what the reader consumes).
    mbitPerSec: ((rcvNxt - rcvNxtAtWarmup) * 8 * 1e3) / cfg.durationNs,
    copyShare: busy > 0 ? (byCategory.copy ?? 0) / busy : 0,
    cpuUtilization: Math.min(1, busy / cfg.durationNs),
    dmaFraction: delivered > 0 ? Math.min(1, dmaBytes / delivered) : 0,
    reads,
    pinnedReads,
    cpuByCategory: byCategory,
  };
}
