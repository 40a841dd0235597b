/**
 * iperf's reader in the cost model: recv() of `readBytes` in a loop, each a
 * tcp_recvmsg (Linux 2.6.32.2, with the zero-window fixes where the kernel
 * variant has them) run as a chain of process-context jobs on the CPU. The
 * socket is owned from lock_sock at entry (through pinning and the copy
 * loop) until sk_wait_data releases it, and again from the wake-up through
 * the exit's spin and unpinning: segments arriving meanwhile wait on the
 * backlog, unACKed, until release_sock runs them in the reader's context.
 */
import type { TcpDmaBehaviour } from '../../../models/tcp-dma/variants.js';
import { pinDecision, rcvlowatTarget } from '../../../models/tcp-dma/steps/decision.js';
import { copyNs, type HostCosts } from '../cost-model.js';
import type { SimChannel } from './channel.js';
import type { RecvPathCosts } from './costs.js';
import type { PriorityCpu } from './cpu.js';
import type { Receiver, RecvWork } from './receiver.js';

/** One poll of dma_async_memcpy_complete in the exit's spin (the driver's is_complete and its cleanup pass), ns. */
const POLL_NS = 250;

export interface ReaderConfig {
  readonly readBytes: number;
  readonly rcvlowat: number;
  readonly copybreak: number;
  readonly kernel: TcpDmaBehaviour;
}

export interface ReaderStats {
  reads: number;
  pinnedReads: number;
  /** Bytes returned to the application. */
  delivered: number;
}

export class Reader {
  phase: 'syscall' | 'running' | 'sleeping' | 'exiting' = 'syscall';
  len = 0;
  copied = 0;
  target = 1;
  pinned = false;
  readonly stats: ReaderStats = { reads: 0, pinnedReads: 0, delivered: 0 };
  /** Made runnable since prepare_to_wait (data_ready, a direct copy, the early copy's wake-up). */
  private woken = false;
  private wakePending = false;

  constructor(
    private readonly cpu: PriorityCpu,
    private readonly r: Receiver,
    private readonly channel: SimChannel | null,
    private readonly host: HostCosts,
    private readonly path: RecvPathCosts,
    private readonly cfg: ReaderConfig,
    private readonly dmaSetupNs: number,
  ) {}

  private job(costNs: number, category: string, then: () => void): void {
    this.cpu.submit('process', costNs, category, then);
  }

  /** Charges work the receive path did on the reader's behalf, then continues. */
  private charge(w: RecvWork, then: () => void): void {
    if (w.cpuCopyBytes > 0) this.job(copyNs(this.host, w.cpuCopyBytes), 'copy', () => this.charge({ ...w, cpuCopyBytes: 0 }, then));
    else if (w.dmaDescs > 0) this.job(w.dmaDescs * this.dmaSetupNs, 'dma-setup', then);
    else then();
  }

  /** The receive path wakes the reader (sk_data_ready, or TASK_RUNNING set by a direct copy). */
  wake(): void {
    if (this.phase !== 'sleeping') {
      this.woken = true;
      return;
    }
    if (this.wakePending) return;
    this.wakePending = true;
    this.job(this.host.wakeupNs, 'sched', () => {
      this.wakePending = false;
      this.phase = 'running';
      this.r.owned = true; // lock_sock after schedule_timeout
      this.afterWait();
    });
  }

  start(): void {
    this.phase = 'syscall';
    this.job(this.path.syscallNs, 'syscall', () => this.entry());
  }

  private get pages(): number {
    return Math.ceil(this.cfg.readBytes / this.path.pageBytes);
  }

  private entry(): void {
    const r = this.r;
    r.owned = true; // lock_sock
    r.iov = 0;
    this.len = this.cfg.readBytes;
    this.copied = 0;
    this.target = rcvlowatTarget(false, this.cfg.rcvlowat, this.len);
    const decision = pinDecision({
      channel: this.cfg.kernel.netDma && this.channel !== null,
      available: r.queuedBytes(),
      target: this.target,
      len: this.len,
      copybreak: this.cfg.copybreak,
      pinsOnlyAboveCopybreak: this.cfg.kernel.pinsOnlyAboveCopybreak,
      peek: false,
      peekExcludesDma: this.cfg.kernel.peekExcludesDma,
      lowLatency: false,
      lowLatencyExcludesDma: this.cfg.kernel.lowLatencyExcludesDma,
    });
    this.pinned = decision === 'pinned';
    r.dmaBound = this.pinned;
    this.stats.reads++;
    if (this.pinned) this.stats.pinnedReads++;
    this.phase = 'running';
    if (this.pinned) this.job(this.pages * this.path.pinPageNs, 'pin', () => this.loop());
    else this.loop();
  }

  /** One turn of the do/while: copy the head skb, or handle the empty queue. */
  private loop(): void {
    const r = this.r;
    if (this.len === 0) return this.exit();
    const skb = r.queue[0];
    if (skb) {
      const used = Math.min(skb.bytes - skb.used, this.len);
      const done = (cookie: number) => {
        skb.used += used;
        r.copiedSeq += used;
        this.copied += used;
        this.len -= used;
        if (skb.used === skb.bytes) r.eatHead(cookie);
        this.loop();
      };
      if (!this.pinned) {
        r.iov += used;
        r.cpuBytes += used;
        return this.job(copyNs(this.host, used), 'copy', () => done(0));
      }
      const { cookie, descs } = r.dmaCopy(used);
      if (this.cfg.kernel.freeSkbsPeriodically) this.channel!.issue();
      return this.job(descs * this.dmaSetupNs, 'dma-setup', () => done(cookie));
    }
    if (this.copied >= this.target && r.backlog.length === 0) return this.exit();
    r.sendAck(); // tcp_cleanup_rbuf
    r.ucopy.task = true;
    r.ucopy.len = this.len;
    if (r.prequeue.length > 0) return this.charge(r.runPrequeue(true), () => this.collect(() => this.loop()));
    this.beforeWait(() => {
      this.woken = false; // prepare_to_wait
      this.releaseSock(() => {
        if (this.copied < this.target && r.queue.length === 0 && !this.woken) {
          r.owned = false;
          this.phase = 'sleeping';
          return;
        }
        this.afterWait();
      });
    });
  }

  /** 73852e8151b7 issues what is pending; 15c041759bfc first drains and frees on a zero window. */
  private beforeWait(then: () => void): void {
    const k = this.cfg.kernel;
    const r = this.r;
    if (!this.pinned) return then();
    if (k.flushOnZeroWindow && r.window() === 0 && r.asyncWait.length > 0) {
      this.channel!.issue();
      return this.spin(() => {
        r.freeAsync(true);
        r.sendAck();
        then();
      });
    }
    if (k.freeSkbsPeriodically) this.channel!.issue();
    then();
  }

  /** release_sock: the backlog runs in the reader's context, one segment at a time, until it is empty. */
  private releaseSock(then: () => void): void {
    const seg = this.r.backlog.shift();
    if (!seg) return then();
    this.charge(this.r.rcvEstablished(seg, true), () => this.releaseSock(then));
  }

  /** After sk_wait_data or release/lock: reap (73852e8151b7), ucopy.wakeup = 0, collect the chunk, the prequeue. */
  private afterWait(): void {
    const r = this.r;
    if (this.pinned && this.cfg.kernel.freeSkbsPeriodically) {
      this.channel!.issue();
      if (r.freeAsync(false) > 0) r.sendAck();
    }
    r.ucopy.wakeup = false;
    this.collect(() => {
      if (r.prequeue.length === 0) return this.loop();
      this.charge(r.runPrequeue(true), () => this.collect(() => this.loop()));
    });
  }

  /** len - ucopy.len bytes reached the buffer behind the reader's back. */
  private collect(then: () => void): void {
    const r = this.r;
    if (r.ucopy.task) {
      const chunk = this.len - r.ucopy.len;
      this.copied += chunk;
      this.len -= chunk;
    }
    then();
  }

  private spin(then: () => void): void {
    if (this.channel!.allComplete) return then();
    this.job(POLL_NS, 'dma-wait', () => this.spin(then));
  }

  /** Uninstall the reader; issue and wait for the last cookie, purge, unpin (all still owning the socket); ACK; release. */
  private exit(): void {
    const r = this.r;
    this.phase = 'exiting';
    const finish = () => {
      r.dmaBound = false;
      r.sendAck(); // tcp_cleanup_rbuf
      this.stats.delivered += this.copied;
      this.releaseSock(() => {
        r.owned = false;
        this.start();
      });
    };
    const leave = () => {
      r.ucopy.task = false;
      r.ucopy.len = 0;
      if (!this.pinned) return finish();
      this.channel!.issue();
      this.spin(() => {
        r.freeAsync(true);
        this.job(this.pages * this.path.unpinPageNs, 'pin', finish);
      });
    };
    if (!r.ucopy.task || r.prequeue.length === 0) return leave();
    r.ucopy.len = this.copied > 0 ? this.len : 0;
    this.charge(r.runPrequeue(true), () => (this.copied > 0 ? this.collect(leave) : leave()));
  }
}
