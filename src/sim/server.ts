/**
 * A serial resource: a CPU core, a link, a DMA channel. Work queues behind
 * whatever the resource is already doing; its busy time gives utilization,
 * and per-category busy time gives the CPU share of each kind of work (the
 * "share of CPU spent copying" that oprofile reported in the seeds).
 */
import type { EventQueue } from './event-queue.js';

export class Server {
  private busyUntil = 0;
  busyNs = 0;
  readonly byCategory = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly q: EventQueue,
  ) {}

  /** Time at which the resource is next free. */
  get freeAt(): number {
    return Math.max(this.busyUntil, this.q.now);
  }

  /** Queues `costNs` of work; returns the completion time and schedules `done` then. */
  serve(costNs: number, category: string, done?: () => void): number {
    if (!(costNs >= 0)) throw new Error(`${this.name}: negative or NaN cost ${costNs}`);
    const end = this.freeAt + costNs;
    this.busyUntil = end;
    this.busyNs += costNs;
    this.byCategory.set(category, (this.byCategory.get(category) ?? 0) + costNs);
    if (done) this.q.at(end, done);
    return end;
  }

  utilization(elapsedNs: number): number {
    return elapsedNs > 0 ? this.busyNs / elapsedNs : 0;
  }

  share(category: string): number {
    return this.busyNs > 0 ? (this.byCategory.get(category) ?? 0) / this.busyNs : 0;
  }
}
