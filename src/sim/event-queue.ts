/**
 * The discrete-event core shared by every simulation: a clock in
 * nanoseconds and a binary heap of pending events, ordered by time and then
 * by scheduling order so that runs are deterministic.
 */
interface Pending {
  time: number;
  seq: number;
  fire: () => void;
}

export class EventQueue {
  now = 0;
  private heap: Pending[] = [];
  private seq = 0;
  /** Events fired so far (for statistics and runaway guards). */
  fired = 0;

  at(time: number, fire: () => void): void {
    if (!(time >= this.now)) throw new Error(`event scheduled in the past (${time} < ${this.now})`);
    const h = this.heap;
    h.push({ time, seq: this.seq++, fire });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], h[i])) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  after(delay: number, fire: () => void): void {
    this.at(this.now + delay, fire);
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Fires events in order until the queue is empty or the clock would pass `until`. */
  run(until: number): void {
    while (this.heap.length > 0 && this.heap[0].time <= until) {
      const e = this.pop();
      this.now = e.time;
      this.fired++;
      e.fire();
    }
    if (this.now < until) this.now = until;
  }

  private pop(): Pending {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function less(a: Pending, b: Pending): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
