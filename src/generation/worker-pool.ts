/** The worker threads: one job per worker at a time, a crashed worker replaced, a clean shutdown. */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { LoadedSet } from './job.js';
import { distinctLoadedSets, loadedSetOf, sameLoadedSet } from './loaded-sets.js';
import type { LoadedPipeline } from './pipeline-cache.js';
import type { FromWorker, ToWorker, UpscaleWorkerJob, WorkerJob, WorkerStartData } from './worker-protocol.js';

export interface JobHandlers {
  /** The worker has the job's model loaded and starts denoising. */
  onStarted?(): void;
  /** `durationMs`: how long the step's UNet and scheduler took. */
  onStep?(step: { step: number; totalSteps: number; pass?: 2; preview: string | null; durationMs: number }): void;
  onImage?(image: { index: number; seed: bigint; width: number; height: number; png: Uint8Array; nsfw?: boolean }): void;
}

export type JobOutcome =
  | { status: 'completed'; warnings: string[] }
  | { status: 'cancelled' }
  /** `loadFailed`: the worker could not create the model's sessions (a corrupt file, say). */
  | { status: 'failed'; message: string; loadFailed?: boolean };

interface ActiveJob {
  jobId: string;
  handlers: JobHandlers;
  finish(outcome: JobOutcome): void;
}

interface Slot {
  id: number;
  worker: Worker;
  active: ActiveJob | undefined;
  /** Set by an uncaught error; the thread then exits, and only then is the slot's job failed and replaced. */
  crash: Error | undefined;
  /** Resolves when the thread has ended. */
  exited: Promise<void>;
  /** Whether this worker's execution provider (and why, for a CPU fallback) was logged: once per worker. */
  providerLogged: boolean;
  /** What the worker said it keeps loaded after its last job. */
  loaded: LoadedPipeline[];
}

/** How long close() waits for a worker to finish the ONNX run in flight before terminating it anyway. */
const SHUTDOWN_GRACE_MS = 60_000;

/**
 * A fixed number of worker threads, one job each at a time. A worker that crashes (uncaught error, out of
 * memory, exit) fails only its own job and is replaced; the server stays up.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private closing = false;
  private loadedListener: (() => void) | undefined;

  constructor(
    size: number,
    private readonly startData: (workerIndex: number) => WorkerStartData,
    private readonly logger: Logger,
    private readonly workerUrl: URL = new URL('./worker.js', import.meta.url),
    private readonly shutdownGraceMs = SHUTDOWN_GRACE_MS,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Told whenever a worker reports what it keeps loaded (after each job): the cluster's directory publishes it. */
  onLoaded(listener: () => void): void {
    this.loadedListener = listener;
  }

  /** Each worker's loaded models and LoRA sets, with the memory they are reckoned to hold (the `loras` and `models` queries). */
  loadedPipelines(): Array<{ worker: number; pipelines: LoadedPipeline[] }> {
    return this.slots.map((slot) => ({ worker: slot.id, pipelines: slot.loaded }));
  }

  get idleCount(): number {
    return this.slots.filter((slot) => !slot.active).length;
  }

  /** The model + LoRA sets the idle workers keep loaded, each once: what a claim may prefer (queue affinity). */
  idleLoadedSets(): LoadedSet[] {
    return distinctLoadedSets(this.slots.filter((slot) => !slot.active).flatMap((slot) => slot.loaded));
  }

  /**
   * Runs a job on an idle worker (the caller checks `idleCount` first): one that has the job's model and LoRA
   * set loaded when there is one. Never rejects: failures are outcomes.
   */
  run(job: WorkerJob | UpscaleWorkerJob, handlers: JobHandlers = {}): Promise<JobOutcome> {
    // An upscale loads no pipeline.
    const needs = job.kind === 'upscale' ? undefined : loadedSetOf(job.modelName, job.loras);
    const idle = this.slots.filter((s) => !s.active);
    // Else the idle worker that keeps the fewest pipelines: loading there is least likely to push out one that
    // other queued jobs want.
    const slot = (needs && idle.find((s) => s.loaded.some((set) => sameLoadedSet(set, needs)))) || [...idle].sort((a, b) => a.loaded.length - b.loaded.length)[0];
    if (!slot) return Promise.resolve({ status: 'failed', message: 'no idle worker' });
    if (this.closing) return Promise.resolve({ status: 'failed', message: 'the server is shutting down' });
    return new Promise<JobOutcome>((resolve) => {
      slot.active = {
        jobId: job.id,
        handlers,
        finish: (outcome) => {
          slot.active = undefined;
          resolve(outcome);
        },
      };
      this.post(slot, { type: 'run', job });
    });
  }

  /** Asks the worker running `jobId` to stop between steps. False when no worker runs it. */
  cancel(jobId: string): boolean {
    const slot = this.slots.find((s) => s.active?.jobId === jobId);
    if (!slot) return false;
    this.post(slot, { type: 'cancel', jobId });
    return true;
  }

  /**
   * Stops the workers; jobs still running end as failed with a shutdown message (the caller leaves them to run
   * again). Each worker stops between steps and ends itself once its ONNX run in flight is over and its sessions
   * are released; one that takes longer than the grace period is terminated.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const slot of this.slots) slot.active?.finish({ status: 'failed', message: 'the server is shutting down' });
    await Promise.all(this.slots.map((slot) => this.stopWorker(slot)));
  }

  private async stopWorker(slot: Slot): Promise<void> {
    this.post(slot, { type: 'shutdown' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.shutdownGraceMs)));
    const outcome = await Promise.race([slot.exited.then(() => 'exited' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.logger.warn({ worker: slot.id, graceMs: this.shutdownGraceMs }, 'worker did not stop in time; terminating it');
      await slot.worker.terminate();
    }
  }

  private spawn(id: number): Slot {
    const worker = new Worker(this.workerUrl, { workerData: this.startData(id) });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const slot: Slot = { id, worker, active: undefined, crash: undefined, exited, providerLogged: false, loaded: [] };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => {
      this.logger.error({ worker: id, jobId: slot.active?.jobId, err: error }, 'worker crashed');
      slot.crash = error;
    });
    worker.on('exit', (code) => {
      if (this.closing) return;
      const message = slot.crash ? `the worker crashed: ${slot.crash.message}` : `the worker exited unexpectedly (code ${code})`;
      const jobId = slot.active?.jobId;
      slot.active?.finish({ status: 'failed', message });
      this.logger.warn({ worker: id, code, ...(jobId !== undefined ? { jobId } : {}) }, 'worker exited; starting a replacement');
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn(id);
    });
    return slot;
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message);
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'loaded') {
      slot.loaded = message.pipelines;
      this.loadedListener?.();
      return;
    }
    const active = slot.active;
    if (!active || active.jobId !== message.jobId) return; // a late message from a job already finished
    switch (message.type) {
      case 'started':
        // The provider is chosen when the worker loads its first model and stays; logging it per job flooded the log.
        if (!slot.providerLogged) {
          this.logger.info({ worker: slot.id, jobId: message.jobId, provider: message.provider, note: message.providerNote }, 'execution provider');
          slot.providerLogged = true;
        }
        active.handlers.onStarted?.();
        break;
      case 'step':
        active.handlers.onStep?.({ step: message.step, totalSteps: message.totalSteps, ...(message.pass ? { pass: message.pass } : {}), preview: message.preview, durationMs: message.durationMs });
        break;
      case 'image': {
        const { index, seed, width, height, png, nsfw } = message;
        active.handlers.onImage?.({ index, seed, width, height, png, ...(nsfw ? { nsfw } : {}) });
        break;
      }
      case 'completed':
        active.finish({ status: 'completed', warnings: message.warnings });
        break;
      case 'cancelled':
        active.finish({ status: 'cancelled' });
        break;
      case 'failed':
        active.finish({ status: 'failed', message: message.message, ...(message.loadFailed ? { loadFailed: true } : {}) });
        break;
    }
  }
}
