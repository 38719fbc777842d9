/** The claim order as this process last read it, so that a queue position is a lookup, not a scan of the queue. */
import type { QueuedJobRef } from '../../generation/job.js';

/** The QUEUED jobs in claim order, and each one's 1-based place. */
export interface ClaimOrder {
  /** In claim order, each with its attempts counter. */
  readonly jobs: readonly QueuedJobRef[];
  readonly positions: ReadonlyMap<string, number>;
}

export interface ClaimOrderSnapshotOptions<Row> {
  /** Reads every QUEUED job's row. */
  read(): Promise<readonly Row[]>;
  /** Works out the claim order of the rows (first to be claimed first). */
  order(rows: readonly Row[]): QueuedJobRef[];
  id(row: Row): string;
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

interface Snapshot<Row> {
  rows: readonly Row[];
  version: number;
  startedAt: number;
}

/**
 * One snapshot of the claim order per process, read from the database at most once per `minIntervalMs`,
 * again once it is `maxAgeMs` old, and shared by every asker. A change made through this process (`changed()`:
 * a claim, cancel, retry) makes the next asker wait for a read that started after it, so what this process
 * did is always reflected; concurrent askers share that one read however many they are. Jobs queued here
 * (`added()`) join the snapshot without a read: the order is worked out again from the rows it holds, so a
 * stream of enqueues costs no scan of the queue, and an enqueued job knows its place at once.
 */
export class ClaimOrderSnapshot<Row> {
  private snapshot: Snapshot<Row> | undefined;
  /** Rows queued here since (or while) the snapshot was read, by id, with when they were added. */
  private additions = new Map<string, { row: Row; addedAt: number }>();
  /** The order worked out from the snapshot and the additions, until either changes. */
  private worked: ClaimOrder | undefined;
  /** Counts the changes made here; a snapshot covers those counted before its read started. */
  private version = 0;
  private reading: Promise<void> | undefined;
  private lastReadAt = -Infinity;
  private readCount = 0;

  constructor(private readonly options: ClaimOrderSnapshotOptions<Row>) {}

  /** Something here changed the queue (after it committed): the next `current()` reads again. */
  changed(): void {
    this.version++;
  }

  /** Jobs queued here (after their statement committed), with the rows a read would return for them. */
  added(rows: readonly Row[]): void {
    const addedAt = performance.now();
    for (const row of rows) this.additions.set(this.options.id(row), { row, addedAt });
    this.worked = undefined;
  }

  /** How many times the claim order was read from the database (tests count it: it must not follow the askers). */
  get reads(): number {
    return this.readCount;
  }

  /** The claim order, covering every change made here before the call and at most `maxAgeMs` old. */
  async current(): Promise<ClaimOrder> {
    const wanted = this.version;
    for (;;) {
      const snapshot = this.snapshot;
      if (snapshot && snapshot.version >= wanted && performance.now() - snapshot.startedAt < this.options.maxAgeMs) return this.workOut(snapshot);
      await (this.reading ??= this.readOnce());
    }
  }

  private workOut(snapshot: Snapshot<Row>): ClaimOrder {
    if (this.worked) return this.worked;
    const read = new Set(snapshot.rows.map((row) => this.options.id(row)));
    const rows = [...snapshot.rows, ...[...this.additions.values()].filter(({ row }) => !read.has(this.options.id(row))).map(({ row }) => row)];
    const jobs = this.options.order(rows);
    this.worked = { jobs, positions: new Map(jobs.map((job, index) => [job.id, index + 1])) };
    return this.worked;
  }

  private async readOnce(): Promise<void> {
    try {
      const spacing = Math.min(this.options.minIntervalMs, this.options.maxAgeMs);
      const wait = this.lastReadAt + spacing - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const version = this.version;
      const startedAt = performance.now();
      this.lastReadAt = startedAt;
      const rows = await this.options.read();
      this.readCount++;
      // A read that started after an addition has its row (added after its commit), or saw it claimed.
      for (const [id, { addedAt }] of this.additions) if (addedAt < startedAt) this.additions.delete(id);
      this.snapshot = { rows, version, startedAt };
      this.worked = undefined;
    } finally {
      this.reading = undefined;
    }
  }
}
