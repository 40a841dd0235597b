/**
 * One CPU core with two priorities: softirq work (packet processing, the
 * early copy, DMA completion interrupts) preempts process-context work (the
 * reader's system calls, copies, pinning, spinning) and the preempted job
 * resumes where it stopped, as on a kernel without threaded interrupts.
 * Busy time is counted as it is spent, per category (like
 * src/sim/server.ts), so CPU shares and utilisation cover exactly the
 * measured interval.
 */
import type { EventQueue } from '../event-queue.js';

export type Priority = 'softirq' | 'process';

interface Job {
  remaining: number;
  readonly category: string;
  readonly done?: () => void;
}

export class PriorityCpu {
  busyNs = 0;
  readonly byCategory = new Map<string, number>();
  private readonly queues: Record<Priority, Job[]> = { softirq: [], process: [] };
  private running: { job: Job; prio: Priority; startedAt: number; token: number } | null = null;
  private token = 0;

  constructor(private readonly q: EventQueue) {}

  submit(prio: Priority, costNs: number, category: string, done?: () => void): void {
    if (!(costNs >= 0)) throw new Error(`cpu: negative or NaN cost ${costNs}`);
    const job: Job = { remaining: costNs, category, done };
    const r = this.running;
    if (r && r.prio === 'process' && prio === 'softirq') {
      this.spend(r.job, this.q.now - r.startedAt);
      this.queues.process.unshift(r.job);
      this.running = null;
    }
    this.queues[prio].push(job);
    if (!this.running) this.next();
  }

  /** Time spent on `job`, counted now (so a measurement can start and stop between jobs). */
  private spend(job: Job, ns: number): void {
    job.remaining -= ns;
    this.busyNs += ns;
    this.byCategory.set(job.category, (this.byCategory.get(job.category) ?? 0) + ns);
  }

  private next(): void {
    const prio: Priority | null = this.queues.softirq.length > 0 ? 'softirq' : this.queues.process.length > 0 ? 'process' : null;
    if (!prio) return;
    const job = this.queues[prio].shift()!;
    const token = ++this.token;
    this.running = { job, prio, startedAt: this.q.now, token };
    this.q.at(this.q.now + Math.max(0, job.remaining), () => {
      if (this.running?.token !== token) return; // preempted meanwhile
      this.running = null;
      this.spend(job, job.remaining);
      job.done?.();
      // done() may have submitted work, which starts at once on an idle core: start nothing twice.
      if (!this.running) this.next();
    });
  }
}
