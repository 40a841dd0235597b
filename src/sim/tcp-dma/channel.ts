/**
 * A DMA_MEMCPY channel as the cost model sees it: descriptors submitted by
 * tx_submit, an engine that runs them one at a time once started, and the
 * completions the CPU can see (the cookie dma_async_is_complete compares).
 * fsldma (drivers/dma/fsldma.c @2.6.32.2): tx_submit only appends to the
 * link chain; issue_pending starts an idle engine, which then follows links
 * appended while it runs; every link raises an end-of-segment interrupt,
 * and completions that land before the handler runs share it; the handler
 * advances the completed cookie and the tasklet frees the descriptors.
 * ioat2/3: the engine runs what was issued, and tx_submit issues by itself
 * once more than ioat_pending_level wait; completions are polled.
 */
import { dmaCopyNs, type DmaEngineCosts } from '../cost-model.js';
import type { EventQueue } from '../event-queue.js';
import type { EngineRules, RecvPathCosts } from './costs.js';
import type { PriorityCpu } from './cpu.js';

export class SimChannel {
  lastSubmitted = 0;
  /** The highest cookie the CPU sees as complete. */
  lastComplete = 0;
  interrupts = 0;
  private readonly waiting: { id: number; bytes: number }[] = [];
  private issuedUpTo = 0;
  private running = false;
  private hwDone = 0;
  private irqPending = false;

  constructor(
    private readonly q: EventQueue,
    private readonly cpu: PriorityCpu,
    private readonly dma: DmaEngineCosts,
    private readonly path: RecvPathCosts,
    private readonly rules: EngineRules,
  ) {}

  /** tx_submit: a cookie for one descriptor of `bytes`. */
  submit(bytes: number): number {
    const id = ++this.lastSubmitted;
    this.waiting.push({ id, bytes });
    if (this.lastSubmitted - this.issuedUpTo > this.rules.pendingLevel) this.issue();
    else if (this.running && this.rules.followsAppended) this.issuedUpTo = id; // linked into the running chain
    return id;
  }

  /** dma_async_memcpy_issue_pending. */
  issue(): void {
    this.issuedUpTo = this.lastSubmitted;
    if (!this.running) this.runNext();
  }

  isComplete(cookie: number): boolean {
    return cookie <= this.lastComplete;
  }

  get allComplete(): boolean {
    return this.lastComplete === this.lastSubmitted;
  }

  private runNext(): void {
    const head = this.waiting[0];
    if (!head || head.id > this.issuedUpTo) {
      this.running = false;
      return;
    }
    this.running = true;
    this.waiting.shift();
    this.q.after(this.path.dmaLinkNs + dmaCopyNs(this.dma, head.bytes), () => {
      this.hwDone = head.id;
      this.completed(head.id);
      this.runNext();
    });
  }

  private completed(id: number): void {
    if (this.path.dmaIrqNs === 0) {
      // Polled: the completion write-back becomes visible after the engine's completion latency.
      this.q.after(this.dma.completionNs, () => this.reap(id));
      return;
    }
    if (this.irqPending) return; // the pending interrupt covers this link too
    this.irqPending = true;
    this.q.after(this.dma.completionNs, () =>
      this.cpu.submit('softirq', this.path.dmaIrqNs, 'dma-completion', () => {
        this.interrupts++;
        this.irqPending = false;
        this.reap(this.hwDone);
      }),
    );
  }

  /** The completed cookie advances to `upTo`; each newly completed descriptor is freed on the CPU. */
  private reap(upTo: number): void {
    const n = upTo - this.lastComplete;
    if (n <= 0) return;
    this.lastComplete = upTo;
    this.cpu.submit('softirq', n * this.path.dmaReapDescNs, 'dma-completion');
  }
}
