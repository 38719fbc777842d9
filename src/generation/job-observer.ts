/**
 * What the generation service tells about each job it runs, beyond the job itself: queue waits, step and run
 * times for /metrics (the GenerationMetrics port), and model load failures for ModelHealth. Kept out of the
 * service so that its job flow reads as before; both parts are optional.
 */
import type { ModelFolder } from '../diffusion/index.js';
import type { Logger } from '../logger.js';
import type { GenerationMetrics } from './generation-metrics.js';
import type { ClaimedJob } from './job.js';
import type { ModelHealth } from './model-health.js';
import type { JobHandlers, JobOutcome } from './worker-pool.js';

export type ModelHealthHooks = Pick<ModelHealth, 'knownProblem' | 'loadFailed' | 'loaded'>;

/** A job's handlers as the service writes them: steps without their timing, which the observer takes. */
export interface ServiceHandlers {
  onStep(step: { step: number; totalSteps: number; pass?: 2; preview: string | null }): void;
  onImage: NonNullable<JobHandlers['onImage']>;
}

export class JobObserver {
  constructor(
    private readonly metrics: GenerationMetrics | undefined,
    private readonly health: ModelHealthHooks | undefined,
  ) {}

  /**
   * A job was claimed: its queue wait is counted; the result is the job's failure message when its model is
   * one this node failed to load, files unchanged since (the job then fails without loading it again).
   */
  async claimed(job: ClaimedJob, model: ModelFolder | undefined): Promise<string | undefined> {
    // On this node's clock against the row's: nodes whose clocks disagree skew it (never below 0).
    this.metrics?.queueWait(Math.max(0, Date.now() - job.createdAt.getTime()) / 1000);
    const problem = model && (await this.health?.knownProblem(model));
    return problem ? `model "${model.name}" ${problem}` : undefined;
  }

  /**
   * The pool's handlers for one run: a load that succeeded clears the model's problem; steps are timed. An
   * upscale job (no model) has tiles for steps, which are not denoising steps' times.
   */
  handlers(model: ModelFolder | undefined, log: Logger, handlers: ServiceHandlers): JobHandlers {
    return {
      onStarted: () => void (model && this.health?.loaded(model).catch((error: unknown) => log.warn({ err: error }, 'could not clear a model problem'))),
      onStep: ({ durationMs, ...step }) => {
        if (model) this.metrics?.denoisingStep(durationMs / 1000);
        handlers.onStep(step);
      },
      onImage: handlers.onImage,
    };
  }

  imageStored(): void {
    this.metrics?.imageStored();
  }

  /**
   * A run ended (`startedAt`: Date.now() when it was handed to the pool): its time is counted, and a load
   * failure is recorded against the model, the outcome's message then saying so. Not while shutting down.
   */
  async finished(model: ModelFolder | undefined, outcome: JobOutcome, startedAt: number, stopping: boolean): Promise<JobOutcome> {
    this.metrics?.jobRun(outcome.status, (Date.now() - startedAt) / 1000);
    if (outcome.status !== 'failed' || !outcome.loadFailed || !this.health || stopping || !model) return outcome;
    return { status: 'failed', message: await this.health.loadFailed(model, outcome.message) };
  }
}
