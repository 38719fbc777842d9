/** The runs this node holds: their leases, kept alive by heartbeats; a lost lease or a cancel asked elsewhere stops the run. */
import type { Logger } from '../logger.js';
import type { ClaimedJob, JobQueue, Lease } from './job.js';
import type { WorkerPool } from './worker-pool.js';

/** One claimed job on this node. */
export interface Run {
  readonly lease: Lease;
  /** A cancel arrived (here, from another node, or before the worker got the job): the run ends CANCELLED. */
  cancelRequested: boolean;
  /**
   * The lease no longer holds (another node requeued the job and may run it; a drain gave it back): the run
   * is stopped and whatever it still produces is discarded, no image rows, no outcome.
   */
  lost: boolean;
}

export class ActiveRuns {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly queue: JobQueue,
    private readonly pool: WorkerPool | undefined,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.runs.size;
  }

  add(job: ClaimedJob): Run {
    const run: Run = { lease: { id: job.id, claimedBy: job.claimedBy, attempts: job.attempts }, cancelRequested: job.cancelRequested, lost: false };
    this.runs.set(job.id, run);
    return run;
  }

  get(id: string): Run | undefined {
    return this.runs.get(id);
  }

  delete(id: string): void {
    this.runs.delete(id);
  }

  all(): Run[] {
    return [...this.runs.values()];
  }

  /** Asks the worker running `id` here to stop between steps; false when this node does not run it. */
  cancel(id: string): boolean {
    const run = this.runs.get(id);
    if (!run) return false;
    run.cancelRequested = true;
    this.pool?.cancel(id);
    return true;
  }

  /** Stops a run whose results must not count any more; `why` goes to the log. */
  abandon(run: Run, why: string): void {
    if (run.lost) return;
    run.lost = true;
    this.pool?.cancel(run.lease.id);
    this.logger.warn({ jobId: run.lease.id, attempts: run.lease.attempts }, `${why}: the run is stopped and its results discarded`);
  }

  /**
   * One heartbeat for every run here. A run whose lease is gone (its heartbeats did not arrive in time and
   * another node requeued the job) is stopped; a cancel flagged in the database is applied (the fallback for
   * a missed notification).
   */
  async beat(): Promise<void> {
    const held = this.all().filter((run) => !run.lost);
    if (held.length === 0) return;
    const { lost, cancelRequested } = await this.queue.heartbeat(held.map((run) => run.lease));
    for (const id of lost) {
      const run = this.runs.get(id);
      if (run) this.abandon(run, 'the job is no longer this node\'s (requeued elsewhere)');
    }
    for (const id of cancelRequested) if (!this.runs.get(id)?.cancelRequested) this.cancel(id);
  }
}
