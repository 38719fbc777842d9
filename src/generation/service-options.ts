/**
 * What GenerationService is built with besides its ports: where models and LoRAs are found, and the settings of
 * its queue, limits, heartbeats, wake-ups and retries.
 */
import type { AccountLimits } from '../config.js';
import type { ModelFolder } from '../diffusion/index.js';
import type { EmbeddingFinder, EngineOptions, LoraFinder, UpscalerFinder } from './engine-request.js';
import type { JobSignals } from './job.js';
import type { JobObserver } from './job-observer.js';
import type { StorageRetryPolicy } from './storage-fault.js';

/** The installed models as running a job needs them (ModelCatalog implements it). */
export interface ModelFinder {
  find(name: string): Promise<ModelFolder | undefined>;
}

export interface GenerationServiceOptions extends EngineOptions {
  /** Jobs allowed in the queue at once; submit() refuses more with QueueFullError. */
  maxQueuedJobs: number;
  /** What one account may queue (at once, per minute); undefined: no per-account bound. */
  accountLimits?: AccountLimits;
  /**
   * The fallback poll for claimable jobs: wake-ups (`signals`) come at once, this catches one that was missed
   * (a dropped connection) and a back-off that ended on another node.
   */
  pollIntervalMs?: number;
  /** How often this node's runs beat (and stale jobs are looked for); a RUNNING job is stale after STALE_AFTER_BEATS missed beats. */
  heartbeatMs?: number;
  /**
   * Whether other nodes may share the queue (PostgreSQL). Then start-up requeues this node's own RUNNING jobs
   * (`nodeId`: they were interrupted) and those whose heartbeat stopped, and every node keeps requeueing stale
   * jobs while it runs. Alone (embedded database), every RUNNING job found at start-up was interrupted.
   */
  sharedQueue?: boolean;
  /** This node's name (ATELIER_NODE_ID), as its claims record it. */
  nodeId?: string;
  /** Wake-ups from other nodes (jobs enqueued, cancels); absent when this process is the only one. */
  signals?: JobSignals;
  /**
   * Queue affinity: how long a queued job may be passed over for one whose model and LoRA set an idle worker
   * has loaded (ClaimAffinity); 0 turns affinity off. DEFAULT_AFFINITY_WAIT_MS when absent.
   */
  affinityWaitMs?: number;
  /** The installed LoRAs' files, for jobs that apply some (a job naming one fails without it). */
  loras?: LoraFinder;
  /** The installed textual-inversion embeddings, handed to every job whose model they fit. */
  embeddings?: EmbeddingFinder;
  /** The installed upscaler models: upscale jobs and hires fixes that name one find its file here. */
  upscalers?: UpscalerFinder;
  /** How a job whose images could not be stored is run again; DEFAULT_STORAGE_RETRY when absent. */
  storageRetry?: StorageRetryPolicy;
  /** Counts queue waits, run and step times, stored images (/metrics) and marks models that fail to load. */
  observer?: JobObserver;
  /**
   * How stale a queue position may be for other processes' changes (ATELIER_QUEUE_POSITIONS_MS): with a shared
   * queue, how often the positions this process published are checked again (queue-positions.ts). 1 s when absent.
   */
  positionsMaxAgeMs?: number;
}
