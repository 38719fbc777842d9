/** Tells subscribers when their job's place in the queue moved: coalesced, and only for the places that changed. */
import type { Logger } from '../logger.js';
import type { EventBus } from './events.js';
import type { JobQueue, QueuedJobRef } from './job.js';

export interface PositionPublisherOptions {
  /** At most one recompute per interval, however many changes here ask for one. */
  intervalMs: number;
  /**
   * Set when other processes share the queue (PostgreSQL): a claim on a worker node or a job queued on another
   * API node moves places this process told. While it has told places of queued jobs, it looks again every
   * `watchMs` and corrects those that moved, so every subscriber ends up with the right place on any node.
   */
  watchMs?: number;
}

/**
 * The QUEUED events that move a job's place. Whatever changes the queue here (an enqueue, a claim, a cancel,
 * a retry) calls `changed()`; within one interval the claim order is read once and a QUEUED event goes out
 * for each job whose place differs from the one this process last told (a job it never told is told now).
 * Every process that changes the queue publishes like this, so a claim on a worker node reaches the
 * subscribers of every API node through the event bus.
 */
export class QueuePositionPublisher {
  /** The place this process last told for each job still queued, and for which of its waits (`placeKey`). */
  private told = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private lastRunAt = -Infinity;
  private stopped = false;

  constructor(
    private readonly queue: Pick<JobQueue, 'queuedJobs'>,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly options: PositionPublisherOptions,
  ) {}

  /** The job's place, already published by whoever accepted it: not told again unless it moves. */
  published(job: QueuedJobRef, position: number): void {
    this.told.set(job.id, placeKey(job, position));
  }

  /** The queue changed here: publish the places that moved, within one interval. */
  changed(): void {
    if (this.running) this.again = true;
    else this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(intervalMs = this.options.intervalMs): void {
    if (this.timer || this.stopped) return;
    const wait = Math.max(0, this.lastRunAt + intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.running = true;
    this.lastRunAt = performance.now();
    try {
      const jobs = await this.queue.queuedJobs();
      const told = new Map<string, string>();
      jobs.forEach((job, index) => {
        const position = index + 1;
        const key = placeKey(job, position);
        // A job requeued since its place was told is told again, even at the same place: its state went back to QUEUED.
        if (this.told.get(job.id) !== key) this.bus.publish({ type: 'QUEUED', generationId: job.id, position, attempts: job.attempts });
        told.set(job.id, key);
      });
      this.told = told;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not publish queue positions');
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      this.schedule();
    } else if (this.options.watchMs !== undefined && this.told.size > 0) {
      this.schedule(this.options.watchMs);
    }
  }
}

function placeKey(job: QueuedJobRef, position: number): string {
  return `${job.attempts}:${position}`;
}
