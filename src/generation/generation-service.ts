/** The generation service: accepts checked requests into the queue, runs queued jobs on the pool, records outcomes. */
import { LOCAL_ACCOUNT_ID } from '../accounts/viewer.js';
import type { AccountLimits } from '../config.js';
import type { ModelFolder } from '../diffusion/index.js';
import type { Logger } from '../logger.js';
import { checkAccountUsage, jobRateWindowStart } from './account-limits.js';
import { readJobInputs, toWorkerJob, type EngineOptions, type JobInputs } from './engine-request.js';
import type { EventBus } from './events.js';
import type { GenerateRequest } from './generation-request.js';
import type { GenerationRequests } from './generation-requests.js';
import { isAdmin, type Viewer } from '../accounts/viewer.js';
import type { AccountUsage, CheckedParams, ClaimedJob, ImageSink, ImageSource, Job, JobOrigin, JobQueue, StoredImage, Visibility } from './job.js';
import { QueuePositionPublisher } from './queue-positions.js';
import type { RemixOverrides } from './remix-request.js';
import { QueueFullError } from './request-errors.js';
import { DEFAULT_STORAGE_RETRY, ImageStorageError, retryDelayMs, storageFaultMessage, type StorageRetryPolicy } from './storage-fault.js';
import type { JobOutcome, WorkerPool } from './worker-pool.js';

/** The installed models as running a job needs them (ModelCatalog implements it). */
export interface ModelFinder {
  find(name: string): Promise<ModelFolder | undefined>;
}

export interface GenerationServiceOptions extends EngineOptions {
  /** Jobs allowed in the queue at once; submit() refuses more with QueueFullError. */
  maxQueuedJobs: number;
  /** What one account may queue (at once, per minute); undefined: no per-account bound. */
  accountLimits?: AccountLimits;
  /** How often to look for jobs enqueued by another server process sharing the database. */
  pollIntervalMs?: number;
  /**
   * Whether other server processes may share the queue (PostgreSQL). Then start-up only requeues RUNNING jobs
   * whose heartbeat stopped, and every server keeps requeueing such jobs while it runs. Alone (embedded
   * database), every RUNNING job found at start-up was interrupted.
   */
  sharedQueue?: boolean;
  /** How a job whose images could not be stored is run again; DEFAULT_STORAGE_RETRY when absent. */
  storageRetry?: StorageRetryPolicy;
  /**
   * How stale a queue position may be for other processes' changes (ATELIER_QUEUE_POSITIONS_MS): with a shared
   * queue, how often the positions this process published are checked again (queue-positions.ts). 1 s when absent.
   */
  positionsMaxAgeMs?: number;
}

/** A RUNNING job whose heartbeat is older than this lost its server (heartbeats come every poll interval). */
const STALE_HEARTBEAT_MS = 60_000;

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
  private stopped = false;
  private poller: NodeJS.Timeout | undefined;
  /** Jobs claimed by this process, with a flag for a cancel that arrived before the worker got the job. */
  private readonly active = new Map<string, { cancelRequested: boolean }>();
  private readonly finished = new Set<Promise<void>>();
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
  }

  /** Recovers jobs a crash left RUNNING, then starts working through the queue. */
  async start(): Promise<void> {
    await this.recoverInterrupted(this.options.sharedQueue ? STALE_HEARTBEAT_MS : 0);
    const poll = this.options.pollIntervalMs ?? 2000;
    this.poller = setInterval(() => {
      if (this.options.sharedQueue) void this.recoverInterrupted(STALE_HEARTBEAT_MS);
      if (this.active.size > 0) void this.queue.heartbeat([...this.active.keys()]).catch((error: unknown) => this.logger.warn({ err: error }, 'heartbeat failed'));
      this.pump();
    }, poll);
    this.poller.unref();
    this.pump();
  }

  private async recoverInterrupted(staleAfterMs: number): Promise<void> {
    try {
      const requeued = await this.queue.requeueInterrupted(staleAfterMs);
      if (requeued > 0) {
        this.logger.warn({ requeued }, 'jobs interrupted by a stopped server are queued again');
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
    const position = (await this.queue.position(job.id)) ?? 0; // 0: a worker claimed it already
    this.logger.info({ jobId: job.id, position, model: job.model, steps: job.steps }, 'job queued');
    this.bus.publish({ type: 'QUEUED', generationId: job.id, position });
    this.positions.published(job.id, position);
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
    const claimed = this.active.get(id);
    if (!claimed) return 'not-active';
    claimed.cancelRequested = true;
    this.pool?.cancel(id);
    return 'stopping';
  }

  /** Stops claiming and terminates the workers. Jobs still running stay RUNNING and are queued again at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
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
      .catch((error: unknown) => this.logger.error({ err: error }, 'claiming jobs failed'))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain && !this.stopped) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async claimWhileIdle(): Promise<void> {
    while (!this.stopped && this.pool && this.pool.idleCount > 0) {
      const job = await this.queue.claimNext();
      if (!job) return;
      const model = await this.models.find(job.model).catch(() => undefined);
      const inputs = await readJobInputs(job, this.images);
      if (this.stopped) return; // left RUNNING: queued again at the next start
      this.active.set(job.id, { cancelRequested: false });
      // execute() hands the job to a worker before its first await, so idleCount is right on the next turn.
      const done = this.execute(job, model, inputs)
        .catch((error: unknown) => this.logger.error({ err: error, jobId: job.id }, 'recording the outcome of a job failed'))
        .finally(() => {
          this.active.delete(job.id);
          this.finished.delete(done);
          this.pump();
        });
      this.finished.add(done);
      this.positions.changed();
    }
  }

  private async execute(job: ClaimedJob, model: ModelFolder | undefined, inputs: JobInputs): Promise<void> {
    const log = this.logger.child({ jobId: job.id });
    let outcome: JobOutcome;
    // Each save is handled the moment it starts: one that fails while the worker still runs must not be an
    // unhandled rejection (that ends the process). Its error is looked at once the run is over.
    const saves: Promise<{ stored: StoredImage } | { error: unknown }>[] = [];
    if (!this.pool) return;
    if (!model) {
      outcome = { status: 'failed', message: `model "${job.model}" is no longer installed` };
    } else if ('error' in inputs) {
      outcome = { status: 'failed', message: inputs.error };
    } else {
      this.bus.publish({ type: 'STARTED', generationId: job.id });
      log.info({ model: job.model, sampler: job.sampler, steps: job.steps, size: `${job.width}x${job.height}` }, 'job started');
      const run = this.pool.run(
        toWorkerJob(job, model, inputs, this.options),
        {
          onStep: (step) => this.bus.publish({ type: 'STEP', generationId: job.id, ...step }),
          onImage: (image) => {
            const saved = this.images.saveImage({ generationId: job.id, ...image }).then(
              (stored) => {
                this.bus.publish({ type: 'IMAGE', generationId: job.id, image: stored });
                return { stored };
              },
              (error: unknown) => ({ error }),
            );
            saves.push(saved);
          },
        },
      );
      if (this.active.get(job.id)?.cancelRequested) this.pool.cancel(job.id);
      outcome = await run;
      const failed = (await Promise.all(saves)).find((save) => 'error' in save);
      if (failed && 'error' in failed && outcome.status === 'completed') {
        if (failed.error instanceof ImageStorageError && !this.stopped) return this.storageFault(job, failed.error, log);
        outcome = { status: 'failed', message: `storing an image failed: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}` };
      }
    }
    if (this.stopped && outcome.status === 'failed') return; // terminated by shutdown: runs again after restart
    await this.record(job, outcome, log);
  }

  /**
   * The job's images could not be stored: nothing wrong with the job, so it is queued again after a back-off
   * (doubling per run) until it has had its attempts; then it fails for good. Its `error` says why either way.
   */
  private async storageFault(job: ClaimedJob, fault: ImageStorageError, log: Logger): Promise<void> {
    const policy = this.options.storageRetry ?? DEFAULT_STORAGE_RETRY;
    if (job.attempts >= policy.maxAttempts) {
      log.error({ err: fault, attempts: job.attempts }, 'the image store cannot be written; the job failed for good');
      return this.record(job, { status: 'failed', message: storageFaultMessage(fault, job.attempts, policy) }, log);
    }
    const delayMs = retryDelayMs(policy, job.attempts);
    await this.queue.retryLater(job.id, storageFaultMessage(fault, job.attempts, policy, delayMs), new Date(Date.now() + delayMs));
    log.error({ err: fault, attempts: job.attempts, retryInMs: delayMs }, 'the image store cannot be written; the job runs again later');
    setTimeout(() => this.pump(), delayMs).unref();
    this.positions.changed();
  }

  private async record(job: Job, outcome: JobOutcome, log: Logger): Promise<void> {
    switch (outcome.status) {
      case 'completed':
        await this.queue.complete(job.id, outcome.warnings);
        log.info({ warnings: outcome.warnings.length }, 'job completed');
        this.bus.publish({ type: 'COMPLETED', generationId: job.id, warnings: outcome.warnings });
        break;
      case 'cancelled':
        await this.queue.markCancelled(job.id);
        log.info('running job cancelled');
        this.bus.publish({ type: 'CANCELLED', generationId: job.id });
        break;
      case 'failed':
        await this.queue.fail(job.id, outcome.message);
        log.warn({ reason: outcome.message }, 'job failed');
        this.bus.publish({ type: 'FAILED', generationId: job.id, message: outcome.message });
        break;
    }
  }
}
