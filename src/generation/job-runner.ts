/**
 * Runs one claimed job on the pool: stores its images as they come, and records its outcome while its lease holds;
 * a write the database does not answer is tried again meanwhile.
 */
import type { ModelFolder } from '../diffusion/index.js';
import type { Logger } from '../logger.js';
import type { ActiveRuns, Run } from './active-runs.js';
import { toUpscaleWorkerJob, toWorkerJob, type EngineOptions, type JobFiles, type JobInputs } from './engine-request.js';
import type { UpscaleWorkerJob, WorkerJob } from './worker-protocol.js';
import type { EventBus } from './events.js';
import type { JobObserver } from './job-observer.js';
import { LeaseLostError, type ClaimedJob, type JobQueue } from './job.js';
import { type ImageSink, type StoredImage } from './pictures.js';
import { DEFAULT_STORAGE_RETRY, ImageStorageError, retryDelayMs, storageFaultMessage, type StorageRetryPolicy } from './storage-fault.js';
import type { JobOutcome, WorkerPool } from './worker-pool.js';
import { retryWrite, whileUnreachable, type RetryOptions } from './write-retry.js';

/** What the runner asks of the service that owns it. */
export interface RunnerHooks {
  /** Claim more jobs (a back-off is over). */
  pump(): void;
  /** The queue changed: tell subscribers their new places. */
  publishPositions(): void;
  /** The service is shutting down (a run that failed then was terminated by it). */
  stopped(): boolean;
}

export class JobRunner {
  constructor(
    private readonly queue: JobQueue,
    private readonly images: ImageSink,
    private readonly bus: EventBus,
    private readonly pool: WorkerPool | undefined,
    private readonly runs: ActiveRuns,
    private readonly logger: Logger,
    private readonly options: EngineOptions & { storageRetry?: StorageRetryPolicy },
    private readonly service: RunnerHooks,
    private readonly observer: JobObserver,
  ) {}

  /** `loadProblem`: the model failed to load on this node and its files have not changed since (the job fails). */
  async execute(job: ClaimedJob, run: Run, model: ModelFolder | undefined, inputs: JobInputs, loadProblem?: string): Promise<void> {
    const log = this.logger.child({ jobId: job.id });
    let outcome: JobOutcome;
    // Each save is handled the moment it starts: one that fails while the worker still runs must not be an
    // unhandled rejection (that ends the process). Its error is looked at once the run is over.
    const saves: Promise<{ stored: StoredImage } | { error: unknown }>[] = [];
    if (!this.pool) return;
    if (run.cancelRequested) {
      outcome = { status: 'cancelled' }; // cancelled while its earlier run was on a node that went away
    } else if (!model && !job.upscale) {
      outcome = { status: 'failed', message: `model "${job.model}" is no longer installed` };
    } else if (loadProblem) {
      outcome = { status: 'failed', message: loadProblem };
    } else if ('error' in inputs) {
      outcome = { status: 'failed', message: inputs.error };
    } else {
      // The run's attempts on its events: a bus's live state can tell them from an earlier run's (live-state.ts).
      const { attempts } = job;
      this.bus.publish({ type: 'STARTED', generationId: job.id, attempts });
      if (job.upscale) log.info({ upscaler: job.upscale.upscaler, size: `${job.width}x${job.height}` }, 'upscale started');
      else log.info({ model: job.model, sampler: job.sampler, steps: job.steps, size: `${job.width}x${job.height}` }, 'job started');
      const runStarted = Date.now();
      const running = this.pool.run(
        workerJobOf(job, model, inputs, this.options),
        this.observer.handlers(model, log, {
          onStep: (step) => this.bus.publish({ type: 'STEP', generationId: job.id, ...step, attempts }),
          onImage: (image) => {
            if (run.lost) return;
            // Files are content-addressed and the row is keyed by (generation, index): a retried save is the same save.
            const save = () => this.images.saveImage({ generationId: job.id, lease: run.lease, ...image });
            const saved = retryWrite(save, this.retry(run, `storing image ${image.index}`, log)).then(
              (stored) => {
                this.observer.imageStored();
                this.bus.publish({ type: 'IMAGE', generationId: job.id, image: stored, attempts });
                return { stored };
              },
              (error: unknown) => ({ error }),
            );
            saves.push(saved);
          },
        }),
      );
      if (run.cancelRequested) this.pool.cancel(job.id);
      outcome = await this.observer.finished(model, await running, runStarted, this.service.stopped());
      if (outcome.status === 'completed' && inputs.warnings) outcome = { ...outcome, warnings: [...inputs.warnings, ...outcome.warnings] };
      const failed = (await Promise.all(saves)).find((save) => 'error' in save);
      if (failed && 'error' in failed && failed.error instanceof LeaseLostError) this.runs.abandon(run, 'an image row was refused');
      if (run.lost) return;
      if (failed && 'error' in failed && outcome.status === 'completed') {
        if (failed.error instanceof ImageStorageError && !this.service.stopped()) return this.storageFault(job, run, failed.error, log);
        if (this.queue.isUnreachable(failed.error)) return this.giveBack(run, log);
        outcome = { status: 'failed', message: `storing an image failed: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}` };
      }
    }
    if (run.lost || (this.service.stopped() && outcome.status === 'failed')) return; // given back (or left to go stale): it runs again
    await this.record(run, outcome, log);
  }

  /**
   * The job's images could not be stored: nothing wrong with the job, so it is queued again after a back-off
   * (doubling per run) until it has had its attempts; then it fails for good. Its `error` says why either way.
   */
  private async storageFault(job: ClaimedJob, run: Run, fault: ImageStorageError, log: Logger): Promise<void> {
    const policy = this.options.storageRetry ?? DEFAULT_STORAGE_RETRY;
    if (job.attempts >= policy.maxAttempts) {
      log.error({ err: fault, attempts: job.attempts }, 'the image store cannot be written; the job failed for good');
      return this.record(run, { status: 'failed', message: storageFaultMessage(fault, job.attempts, policy) }, log);
    }
    const delayMs = retryDelayMs(policy, job.attempts);
    const message = storageFaultMessage(fault, job.attempts, policy, delayMs);
    const retryLater = () => this.queue.retryLater(run.lease, message, new Date(Date.now() + delayMs));
    if (!(await retryWrite(retryLater, this.retry(run, 'queueing the job again', log)))) return leaseGone(log);
    log.error({ err: fault, attempts: job.attempts, retryInMs: delayMs }, 'the image store cannot be written; the job runs again later');
    setTimeout(() => this.service.pump(), delayMs).unref();
    this.service.publishPositions();
  }

  /**
   * The database did not answer an image row's write for as long as the retries last: nothing wrong with the
   * job, so it goes back to the queue (for any node) instead of failing; if that write is not answered either,
   * the job goes stale and is queued again all the same.
   */
  private async giveBack(run: Run, log: Logger): Promise<void> {
    if (!(await retryWrite(() => this.queue.release(run.lease), this.retry(run, 'giving the job back', log)))) return leaseGone(log);
    log.warn('the database did not answer while the images were stored; the job is queued again');
    this.service.publishPositions();
    this.service.pump();
  }

  /** A write of this run that the database does not answer is tried again while the lease holds (write-retry.ts). */
  private retry(run: Run, what: string, log: Logger): RetryOptions {
    return whileUnreachable((error) => this.queue.isUnreachable(error), log, what, { giveUp: () => run.lost });
  }

  /** The outcome, if the lease still holds: a run that lost it (requeued elsewhere meanwhile) records nothing. */
  private async record(run: Run, outcome: JobOutcome, log: Logger): Promise<void> {
    const generationId = run.lease.id;
    const retry = this.retry(run, 'recording the outcome', log);
    switch (outcome.status) {
      case 'completed':
        if (!(await retryWrite(() => this.queue.complete(run.lease, outcome.warnings), retry))) return leaseGone(log);
        log.info({ warnings: outcome.warnings.length }, 'job completed');
        this.bus.publish({ type: 'COMPLETED', generationId, warnings: outcome.warnings });
        break;
      case 'cancelled':
        if (!(await retryWrite(() => this.queue.markCancelled(run.lease), retry))) return leaseGone(log);
        log.info('running job cancelled');
        this.bus.publish({ type: 'CANCELLED', generationId });
        break;
      case 'failed':
        if (!(await retryWrite(() => this.queue.fail(run.lease, outcome.message), retry))) return leaseGone(log);
        log.warn({ reason: outcome.message }, 'job failed');
        this.bus.publish({ type: 'FAILED', generationId, message: outcome.message });
        break;
    }
  }
}

/** A generation's worker job on its model, or an upscale's on its source and upscaler. */
function workerJobOf(job: ClaimedJob, model: ModelFolder | undefined, inputs: JobFiles, options: EngineOptions): WorkerJob | UpscaleWorkerJob {
  if (!job.upscale) return toWorkerJob(job, model!, inputs, options);
  // readJobInputs found both, or the job failed before this.
  return toUpscaleWorkerJob(job, inputs.init!, inputs.upscaler!, options);
}

function leaseGone(log: Logger): void {
  log.warn('the job was requeued elsewhere before its outcome was recorded: this run\'s outcome is discarded');
}
