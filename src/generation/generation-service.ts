/** The generation service: accepts checked requests into the queue, runs queued jobs on the pool, records outcomes. */
import { LOCAL_ACCOUNT_ID } from '../accounts/viewer.js';
import type { Logger } from '../logger.js';
import { checkAccountUsage, jobRateWindowStart } from './account-limits.js';
import { ActiveRuns } from './active-runs.js';
import { JobRunner } from './job-runner.js';
import { DEFAULT_AFFINITY_WAIT_MS } from './loaded-sets.js';
import { readJobInputs } from './engine-request.js';
import type { EventBus } from './events.js';
import type { GenerateRequest } from './generation-request.js';
import type { GenerationRequests } from './generation-requests.js';
import { isAdmin, type Viewer } from '../accounts/viewer.js';
import type { AccountUsage, CheckedParams, Job, JobOrigin, JobQueue, Visibility } from './job.js';
import type { ImageSink, ImageSource } from './pictures.js';
import { JobObserver } from './job-observer.js';
import { QueuePositionPublisher } from './queue-positions.js';
import type { RemixOverrides } from './remix-request.js';
import type { UpscaleRequest } from './upscale-request.js';
import { QueueFullError } from './request-errors.js';
import type { GenerationServiceOptions, ModelFinder } from './service-options.js';
import type { WorkerPool } from './worker-pool.js';
import { READ_RETRY_DELAYS_MS, retryWrite, whileUnreachable } from './write-retry.js';

/** A RUNNING job whose heartbeat missed this many beats lost its node: any node requeues it. */
export const STALE_AFTER_BEATS = 5;
const DEFAULT_HEARTBEAT_MS = 2000;

/** At most one recompute of the QUEUED position events per this interval, however many changes ask. */
const POSITION_EVENTS_INTERVAL_MS = 50;

export type CancelResult = 'cancelled' | 'stopping' | 'not-active';

/** A job just accepted, with its 1-based place in the queue and where the request came from. */
export interface AcceptedJob {
  job: Job;
  position: number;
  origin: JobOrigin;
}

/**
 * Turns queued jobs into images: claims jobs from the queue whenever a worker is idle, runs them on the
 * pool, stores the images, records the outcome and publishes every step on the event bus.
 */
export class GenerationService {
  private pumping = false;
  private pumpAgain = false;
  private started = false;
  /** Set by stop(): no more claims; the runs here may still finish until the drain's bound. */
  private draining = false;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly runs: ActiveRuns;
  private readonly runner: JobRunner;
  private readonly finished = new Set<Promise<void>>();
  private readonly observer: JobObserver;
  private readonly positions: QueuePositionPublisher;

  constructor(
    private readonly queue: JobQueue,
    private readonly images: ImageSink & ImageSource,
    private readonly bus: EventBus,
    private readonly pool: WorkerPool | undefined,
    private readonly models: ModelFinder,
    private readonly requests: GenerationRequests,
    private readonly logger: Logger,
    private readonly options: GenerationServiceOptions,
  ) {
    this.positions = new QueuePositionPublisher(queue, bus, logger, {
      intervalMs: POSITION_EVENTS_INTERVAL_MS,
      ...(options.sharedQueue ? { watchMs: options.positionsMaxAgeMs ?? 1000 } : {}),
    });
    this.observer = options.observer ?? new JobObserver(undefined, undefined);
    this.runs = new ActiveRuns(queue, pool, logger);
    const hooks = { pump: () => this.pump(), publishPositions: () => this.positions.changed(), stopped: () => this.stopped };
    this.runner = new JobRunner(queue, images, bus, pool, this.runs, logger, options, hooks, this.observer);
  }

  /** How long a RUNNING job's heartbeat may be silent before any node requeues it. */
  get staleAfterMs(): number {
    return STALE_AFTER_BEATS * (this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  }

  /** Started and not shutting down (a node's /ready). */
  get ready(): boolean {
    return this.started && !this.draining;
  }

  /** Recovers jobs a crash left RUNNING, then starts working through the queue. */
  async start(): Promise<void> {
    const { sharedQueue, nodeId, signals } = this.options;
    await this.recoverInterrupted(sharedQueue ? this.staleAfterMs : 0, sharedQueue ? nodeId : undefined);
    const every = (ms: number, tick: () => void) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, () => {
      if (sharedQueue) void this.recoverInterrupted(this.staleAfterMs);
      void this.runs.beat().catch((error: unknown) => this.logger.warn({ err: error }, 'heartbeat failed'));
    });
    every(this.options.pollIntervalMs ?? 2000, () => this.pump());
    if (signals && this.pool) {
      this.unsubscribe.push(
        signals.onJobsAvailable(() => this.pump()),
        signals.onCancelRequested((id) => this.runs.cancel(id)),
      );
    }
    this.started = true;
    this.pump();
  }

  private async recoverInterrupted(staleAfterMs: number, ownNode?: string): Promise<void> {
    try {
      const requeued = await this.queue.requeueInterrupted(staleAfterMs, ownNode);
      if (requeued > 0) {
        this.logger.warn({ requeued, staleAfterMs }, ownNode ? 'jobs interrupted on this node or a stopped one are queued again' : 'jobs of a stopped node are queued again');
        this.pump();
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'looking for interrupted jobs failed');
    }
  }

  /** `generate`: checks the request and queues it as the viewer's. Throws GenerationRequestError, QueueFullError or JobRateLimitedError. */
  async generate(request: GenerateRequest, viewer: Viewer, visibility: Visibility = 'PRIVATE'): Promise<AcceptedJob> {
    return this.submit(await this.requests.generate(request, viewer), { ownerId: viewer.accountId, visibility, accountLimited: !isAdmin(viewer) });
  }

  /** `remix`: a stored image's parameters changed by `overrides`, checked and queued. Throws as generate, or RemixSourceNotFoundError. */
  async remix(imageId: string, overrides: RemixOverrides, viewer: Viewer, visibility: Visibility = 'PRIVATE'): Promise<AcceptedJob> {
    return this.submit(await this.requests.remix(imageId, overrides, viewer), { remixOfImageId: imageId, ownerId: viewer.accountId, visibility, accountLimited: !isAdmin(viewer) });
  }

  /** `upscaleImage`: a stored picture and an upscaler, checked and queued. Throws GenerationRequestError, QueueFullError or JobRateLimitedError. */
  async upscale(request: UpscaleRequest, viewer: Viewer, visibility: Visibility = 'PRIVATE'): Promise<AcceptedJob> {
    return this.submit(await this.requests.upscale(request, viewer), { ownerId: viewer.accountId, visibility, accountLimited: !isAdmin(viewer) });
  }

  /** Accepts checked parameters unless the queue is full: the job is in the database before this resolves. */
  async submit(params: CheckedParams, origin: JobOrigin = {}): Promise<AcceptedJob> {
    const { accountLimits } = this.options;
    const limited = accountLimits !== undefined && origin.accountLimited === true;
    // Counted, then inserted: requests racing on one account may overshoot by the few in flight.
    const now = new Date();
    const counts = await this.queue.admissionCounts(limited ? (origin.ownerId ?? LOCAL_ACCOUNT_ID) : null, jobRateWindowStart(now));
    if (counts.queued >= this.options.maxQueuedJobs) throw new QueueFullError(this.options.maxQueuedJobs);
    if (limited && counts.account) checkAccountUsage(counts.account, accountLimits, now);
    const job = await this.queue.enqueue(params, origin);
    // The job is accepted from here: a place the database does not tell at once must not answer otherwise.
    const retry = whileUnreachable((error) => this.queue.isUnreachable(error), this.logger.child({ jobId: job.id }), 'reading the queue position', { delaysMs: READ_RETRY_DELAYS_MS });
    const position = (await retryWrite(() => this.queue.position(job.id), retry)) ?? 0; // 0: a worker claimed it already
    this.logger.info({ jobId: job.id, position, model: job.model, steps: job.steps }, 'job queued');
    // A new job: no run has started (attempts 0).
    this.bus.publish({ type: 'QUEUED', generationId: job.id, position, attempts: 0 });
    this.positions.published({ id: job.id, attempts: 0 }, position);
    // An account whose turn comes sooner goes ahead of others' jobs: those behind it move back one place.
    this.positions.changed();
    this.pump();
    return { job, position, origin };
  }

  /** An account's jobs as its limits count them: queued now, and queued in the minute before `now`. */
  accountUsage(ownerId: string, now: Date = new Date()): Promise<AccountUsage> {
    return this.queue.usage(ownerId, jobRateWindowStart(now));
  }

  /** 1-based place in the queue, or null when the job is not queued. */
  position(id: string): Promise<number | null> {
    return this.queue.position(id);
  }

  async cancel(id: string): Promise<CancelResult> {
    if (await this.queue.cancelQueued(id)) {
      this.logger.info({ jobId: id }, 'queued job cancelled');
      this.bus.publish({ type: 'CANCELLED', generationId: id });
      this.positions.changed();
      return 'cancelled';
    }
    if (this.runs.cancel(id)) return 'stopping';
    // Running on another node: it is told (and its heartbeat sees the flag); it records CANCELLED.
    if (await this.queue.requestCancel(id)) {
      this.logger.info({ jobId: id }, 'cancel of a job running on another node requested');
      return 'stopping';
    }
    return 'not-active';
  }

  /**
   * Stops claiming, lets the runs here finish for up to `drainMs`, gives back to the queue (QUEUED, for any
   * node) those still running then, and stops the workers.
   */
  async stop(drainMs = 0): Promise<void> {
    this.draining = true;
    if (this.runs.size > 0 && drainMs > 0) {
      this.logger.info({ running: this.runs.size, drainMs }, 'draining: no more claims; waiting for the running jobs');
      const bound = new Promise<'bound'>((resolve) => this.timers.push(setTimeout(() => resolve('bound'), drainMs)));
      await Promise.race([Promise.allSettled([...this.finished]), bound]);
    }
    const left = this.runs.all().filter((run) => !run.lost);
    for (const run of left) {
      this.runs.abandon(run, 'shutting down');
      await this.queue.release(run.lease).catch((error: unknown) => this.logger.warn({ err: error, jobId: run.lease.id }, 'giving a job back failed; it is requeued once stale'));
    }
    if (left.length > 0) this.logger.warn({ requeued: left.map((run) => run.lease.id) }, 'jobs still running at shutdown are queued again');
    this.stopped = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    this.unsubscribe.forEach((stop) => stop());
    this.positions.stop();
    await this.pool?.close();
    await Promise.allSettled([...this.finished]);
  }

  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.claimWhileIdle()
      .catch((error: unknown) => {
        if (this.queue.isUnreachable(error)) this.logger.warn({ err: error }, 'claiming jobs failed: the database did not answer');
        else this.logger.error({ err: error }, 'claiming jobs failed');
      })
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain && !this.stopped) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async claimWhileIdle(): Promise<void> {
    while (!this.draining && this.pool && this.pool.idleCount > 0) {
      // What the idle workers have loaded: a job for it may go first (within the bound), and loads nothing.
      const job = await this.queue.claimNext({ loaded: this.pool.idleLoadedSets(), maxWaitMs: this.options.affinityWaitMs ?? DEFAULT_AFFINITY_WAIT_MS });
      if (!job) return;
      // An upscale job needs no model (its fields are its source's, for the record).
      const model = job.upscale ? undefined : await this.models.find(job.model).catch(() => undefined);
      let loadProblem: string | undefined;
      try {
        loadProblem = await this.observer.claimed(job, model);
      } catch (error) {
        // A read the database did not answer: the job goes back at once rather than waiting to go stale. Any
        // other error would fail the same way at once on the next claim: it is logged by the pump's catch.
        if (!this.queue.isUnreachable(error)) throw error;
        this.logger.warn({ err: error, jobId: job.id }, 'preparing a claimed job failed; it is queued again');
        await this.queue.release(job);
        return;
      }
      const finders = { loras: this.options.loras, embeddings: this.options.embeddings, upscalers: this.options.upscalers };
      const inputs = await readJobInputs(job, this.images, finders, model?.traits.family);
      if (this.draining) {
        await this.queue.release(job);
        return;
      }
      const run = this.runs.add(job);
      // execute() hands the job to a worker before its first await, so idleCount is right on the next turn.
      const done = this.runner.execute(job, run, model, inputs, loadProblem)
        .catch((error: unknown) => this.logger.error({ err: error, jobId: job.id }, 'recording the outcome of a job failed'))
        .finally(() => {
          this.runs.delete(job.id);
          this.finished.delete(done);
          this.pump();
        });
      this.finished.add(done);
      this.positions.changed();
    }
  }
}
