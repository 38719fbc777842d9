/** The claim order as this process last read it, so that a queue position is a lookup, not a scan of the queue. */
import type { QueuedJobRef } from '../../generation/job.js';

/** The QUEUED jobs in claim order, and each one's 1-based place. */
export interface ClaimOrder {
  /** In claim order, each with its attempts counter. */
  readonly jobs: readonly QueuedJobRef[];
  readonly positions: ReadonlyMap<string, number>;
}

export interface ClaimOrderSnapshotOptions {
  /**
   * How old a snapshot may be before it is read again: the longest a change made by another process (a
   * claim on a worker node, a job queued on another API node) goes unseen here.
   */
  maxAgeMs: number;
  /**
   * The least time between two reads (at most maxAgeMs): under a stream of changes made here the database is
   * read once per interval, and every asker of that interval waits for the same read.
   */
  minIntervalMs: number;
}

/**
 * One snapshot of the claim order per process, read from the database at most once per `minIntervalMs`,
 * again once it is `maxAgeMs` old, and shared by every asker. A change made through this process (`changed()`: an enqueue, claim, cancel,
 * retry) makes the next asker wait for a read that started after it, so what this process did is always
 * reflected; concurrent askers share that one read however many they are.
 */
export class ClaimOrderSnapshot {
  private snapshot: { order: ClaimOrder; version: number; startedAt: number } | undefined;
  /** Counts the changes made here; a snapshot covers those counted before its read started. */
  private version = 0;
  private reading: Promise<void> | undefined;
  private lastReadAt = -Infinity;
  private readCount = 0;

  constructor(
    private readonly read: () => Promise<readonly QueuedJobRef[]>,
    private readonly options: ClaimOrderSnapshotOptions,
  ) {}

  /** Something here changed the queue (after it committed): the next `current()` reads again. */
  changed(): void {
    this.version++;
  }

  /** How many times the claim order was read and worked out (tests count it: it must not follow the askers). */
  get reads(): number {
    return this.readCount;
  }

  /** The claim order, covering every change made here before the call and at most `maxAgeMs` old. */
  async current(): Promise<ClaimOrder> {
    const wanted = this.version;
    for (;;) {
      const snapshot = this.snapshot;
      if (snapshot && snapshot.version >= wanted && performance.now() - snapshot.startedAt < this.options.maxAgeMs) return snapshot.order;
      await (this.reading ??= this.readOnce());
    }
  }

  private async readOnce(): Promise<void> {
    try {
      const spacing = Math.min(this.options.minIntervalMs, this.options.maxAgeMs);
      const wait = this.lastReadAt + spacing - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const version = this.version;
      const startedAt = performance.now();
      this.lastReadAt = startedAt;
      const jobs = await this.read();
      this.readCount++;
      this.snapshot = { order: { jobs, positions: new Map(jobs.map((job, index) => [job.id, index + 1])) }, version, startedAt };
    } finally {
      this.reading = undefined;
    }
  }
}
