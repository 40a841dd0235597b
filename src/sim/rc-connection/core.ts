/**
 * A CPU core with two priority levels, as the kernel schedules IPoIB's
 * work: softirq work (NAPI polls, net_tx_action) runs before process work
 * (netperf, netserver, the CM and reap work queues) at every job boundary.
 * Jobs are short (a sendto, one completion) so running each to its end
 * stands in for preemption. Busy time is kept per category for CPU shares.
 */
import type { EventQueue } from '../event-queue.js';

export interface Job {
  readonly category: string;
  /** Called when the job starts; returns its CPU cost in ns (state may have changed since submission). */
  start(): number;
  /** Called when its cost has elapsed. */
  end(): void;
}

export class PriorityCore {
  private readonly softirq: Job[] = [];
  private readonly process: Job[] = [];
  private running = false;
  private current: Job | null = null;
  busyNs = 0;
  readonly byCategory = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly q: EventQueue,
  ) {}

  submit(job: Job, level: 'softirq' | 'process'): void {
    (level === 'softirq' ? this.softirq : this.process).push(job);
    if (!this.running) this.next();
  }

  get idle(): boolean {
    return !this.running;
  }

  private next(): void {
    const job = this.softirq.shift() ?? this.process.shift();
    if (!job) {
      this.running = false;
      return;
    }
    this.running = true;
    const cost = job.start();
    if (!(cost >= 0)) throw new Error(`${this.name}: bad cost ${cost} for ${job.category}`);
    this.busyNs += cost;
    this.byCategory.set(job.category, (this.byCategory.get(job.category) ?? 0) + cost);
    this.current = job;
    this.q.after(cost, this.finish);
  }

  private readonly finish = (): void => {
    const job = this.current!;
    this.current = null;
    job.end();
    this.next();
  };

  share(category: string): number {
    return this.busyNs > 0 ? (this.byCategory.get(category) ?? 0) / this.busyNs : 0;
  }
}
