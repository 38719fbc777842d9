/**
 * The generation layer's data (params, jobs) and its queue's ports: what it needs from persistence, as
 * interfaces (the pictures' ports are in pictures.ts).
 * The library layer implements them on the database (embedded PGlite or PostgreSQL); a scale-out build can
 * implement them on BullMQ/Redis instead. generation/ never imports library/: server.ts wires them in.
 */

import type { HiresParams } from './hires-fix.js';
import type { LoraUse } from './lora-tags.js';
import type { PictureKind } from './pictures.js';

export const PREVIEW_METHODS = ['LATENT2RGB', 'TAESD'] as const;
export type PreviewMethod = (typeof PREVIEW_METHODS)[number];

/** PRIVATE: the owner's (and admins'); PUBLIC: in the shared gallery every account can search and remix. */
export const VISIBILITIES = ['PRIVATE', 'PUBLIC'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const GENERATION_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

/** Everything that decides the pixels of a generation, plus its place in the queue. */
export interface GenerationParams {
  prompt: string;
  negativePrompt: string;
  /** Model name: a folder name under the models directory. */
  model: string;
  /** Scheduler name from the diffusion scheduler registry, e.g. "euler". */
  sampler: string;
  steps: number;
  guidanceScale: number;
  width: number;
  height: number;
  /** Seed of the first image; image i of the batch uses seed + i. Range 0..2^64-1. */
  seed: bigint;
  /** Variation seed of the first image (image i uses variationSeed + i); null for none. */
  variationSeed: bigint | null;
  /** How much of the variation seed's noise to blend in, 0..1. */
  variationStrength: number;
  /** img2img: id of the stored image to start from; null for text-to-image. */
  initImageId: string | null;
  /** Inpainting: id of an uploaded mask (white repaints, black keeps); only with an init image. */
  maskImageId: string | null;
  /** img2img: how much of the schedule runs from the init image, 0..1 (0 keeps it, 1 ignores it). */
  denoisingStrength: number;
  batchSize: number;
  /** How step previews are drawn. */
  previewMethod: PreviewMethod;
  /** Higher runs first; equal priorities run first come, first served. */
  priority: number;
  /** LoRAs merged into the model's weights for this job, in the order asked for. */
  loras: LoraUse[];
  /** The hires fix's second pass; null for none. */
  hires: HiresParams | null;
  /**
   * An upscale job (upscaleImage): initImageId's picture enlarged to width x height by an upscaler model; the
   * other parameters are the source image's, for the record. Null for a generation.
   */
  upscale: UpscaleParams | null;
}

/** What an upscale job runs: the upscaler (by name, with the hash of the file accepted) and the factor asked for. */
export interface UpscaleParams {
  upscaler: string;
  hash: string;
  scale: number;
}

/** Checked params, with the kind of picture initImageId names as the check found it (the queue need not look again). */
export interface CheckedParams extends GenerationParams {
  initImageKind?: PictureKind;
}

export interface Job extends GenerationParams {
  id: string;
  status: GenerationStatus;
  createdAt: Date;
  /** The account that asked for it. */
  ownerId: string;
  visibility: Visibility;
}

/**
 * A job as claimed to run: with the files of its init image and mask (paths in the image store), read by the
 * claim itself, so running it looks nothing up again. Null where the job has none (or the picture was deleted).
 */
export interface ClaimedJob extends Job {
  inputFiles: { init: string | null; mask: string | null };
  /** Runs started, this one included (1 on the first claim). With claimedBy, the run's lease (fencing token). */
  attempts: number;
  /** The node that claimed it (ATELIER_NODE_ID). */
  claimedBy: string;
  /** A cancel was asked for before this claim (the job was running on a node that went away): do not run it. */
  cancelRequested: boolean;
}

/**
 * One run's claim on its job: the node and the attempt it claimed. Every write of the run (heartbeat, outcome,
 * image rows) is conditional on the job still being RUNNING under this lease, so a node whose job was requeued
 * and claimed again elsewhere (it stalled, or lost the database) changes nothing any more.
 */
export type Lease = Pick<ClaimedJob, 'id' | 'claimedBy' | 'attempts'>;

/** A QUEUED job as queue positions name it: its id, and how many runs it has had (its attempts counter). */
export interface QueuedJobRef {
  id: string;
  attempts: number;
}

/** The image sink refused a row because the run's lease no longer holds: the run's results are discarded. */
export class LeaseLostError extends Error {
  constructor(readonly generationId: string) {
    super(`generation ${generationId} is no longer this run's (requeued or finished elsewhere)`);
    this.name = 'LeaseLostError';
  }
}

/** What one heartbeat found: leases no longer held (stop those runs, discard their results) and cancels asked for. */
export interface HeartbeatResult {
  lost: string[];
  cancelRequested: string[];
}

/** Where a request came from, recorded with the job; it does not change the pixels. */
export interface JobOrigin {
  /** remix: the stored image whose parameters the job re-runs. */
  remixOfImageId?: string | null;
  /** The account the job is for; absent only for tools and tests (the built-in `local`). */
  ownerId?: string;
  /** PRIVATE when absent. */
  visibility?: Visibility;
  /**
   * Whether the account's own limits (its share of the queue, jobs per minute) apply: USER accounts. Admins,
   * the built-in `local` of open mode among them, run the server and answer only to its global limits.
   */
  accountLimited?: boolean;
}

/** One account's jobs as its limits count them (generation/account-limits.ts). */
export interface AccountUsage {
  /** Its jobs QUEUED now. */
  queued: number;
  /** Its jobs created since the window start asked for (generate, remix; cancelled ones too). */
  recent: number;
  /** When the oldest of those was created; null when there are none. */
  oldestRecent: Date | null;
}

/** What submit() checks before accepting a job, counted in one go. */
export interface AdmissionCounts {
  /** Jobs QUEUED now, all accounts together (the server's maxQueuedJobs). */
  queued: number;
  /** The account's own usage; null when no account was asked for (its limits do not apply). */
  account: AccountUsage | null;
}

/** A model and the LoRAs merged into it (at weight 0 a LoRA changes nothing and is left out): one loaded pipeline. */
export interface LoadedSet {
  model: string;
  loras: ReadonlyArray<{ name: string; weight: number }>;
}

/**
 * What the idle workers keep loaded, so that the claim may prefer a job that loads nothing: the job the fair
 * order picks is passed over for the first one, of the same priority, that matches a loaded set, unless it
 * has been queued `maxWaitMs` or longer (so no job waits more than that for affinity's sake).
 */
export interface ClaimAffinity {
  loaded: readonly LoadedSet[];
  maxWaitMs: number;
}

export interface JobQueue {
  /** Persists a new QUEUED job; the job exists durably when this resolves. */
  enqueue(params: CheckedParams, origin?: JobOrigin): Promise<Job>;
  /**
   * Atomically moves the best QUEUED job to RUNNING and returns it: highest priority; among equal priorities
   * the account served longest ago (or never) takes its turn, with its oldest job; and that account is marked
   * served. So accounts take turns, and one account's thousand jobs do not starve another's one. A job
   * waiting out a back-off (retryLater) is passed over until its time has come. With `affinity`, a job that
   * needs nothing new loaded may go first, within its bound (ClaimAffinity).
   */
  claimNext(affinity?: ClaimAffinity): Promise<ClaimedJob | null>;
  /** An account's queued jobs, and its jobs created since `since` (its per-account limits count these). */
  usage(ownerId: string, since: Date): Promise<AccountUsage>;
  /** How many jobs are QUEUED (the service refuses new ones beyond its limit). */
  countQueued(): Promise<number>;
  /** countQueued and, for `ownerId`, usage(ownerId, since), in one round trip: what submit() checks. */
  admissionCounts(ownerId: string | null, since: Date): Promise<AdmissionCounts>;
  /**
   * RUNNING -> COMPLETED. Like every outcome below, only while `lease` still holds; false (nothing changed)
   * when it does not: the job was requeued, claimed again, cancelled or finished meanwhile.
   */
  complete(lease: Lease, warnings?: string[]): Promise<boolean>;
  /** RUNNING -> FAILED with a readable message. */
  fail(lease: Lease, message: string): Promise<boolean>;
  /** RUNNING -> QUEUED with a readable message, not claimed again before `notBefore` (a storage fault's back-off). */
  retryLater(lease: Lease, message: string, notBefore: Date): Promise<boolean>;
  /** RUNNING -> QUEUED at once, for any node to claim (a draining node gives back what it could not finish). */
  release(lease: Lease): Promise<boolean>;
  /** QUEUED -> CANCELLED; false when the job was not queued (already running or finished, or unknown). */
  cancelQueued(id: string): Promise<boolean>;
  /**
   * Flags a RUNNING job for cancelling and tells the node running it (jobSignals.onCancelRequested, its
   * heartbeat as a fallback). False when the job is not running.
   */
  requestCancel(id: string): Promise<boolean>;
  /** RUNNING -> CANCELLED, after the worker stopped between steps. */
  markCancelled(lease: Lease): Promise<boolean>;
  /**
   * 1-based position among QUEUED jobs in claim order (the turns claimNext would give if nothing more were
   * queued); null when the job is not queued. It reflects every change made through this queue object before
   * the call, and other processes' changes with a short delay (a snapshot shared by every asker: asking costs
   * the same however long the queue is).
   */
  position(id: string): Promise<number | null>;
  /**
   * All QUEUED jobs in claim order (index + 1 = position), as `position` sees them, each with its attempts
   * counter (runs started so far, for its QUEUED events); jobs waiting out a back-off come last.
   */
  queuedJobs(): Promise<readonly QueuedJobRef[]>;
  /** Marks the jobs of these leases as still alive (their node refreshes this while it runs them, on the database's clock). */
  heartbeat(leases: readonly Lease[]): Promise<HeartbeatResult>;
  /**
   * Recovery: RUNNING jobs whose heartbeat is older than `staleAfterMs` (0: every RUNNING job), and those
   * claimed by `claimedBy` (a node restarting: its own jobs were interrupted), go back to QUEUED, since the
   * node running them is gone. Returns how many.
   */
  requeueInterrupted(staleAfterMs?: number, claimedBy?: string): Promise<number>;
  /**
   * Whether `error`, thrown by this queue or by the image sink on the same database, says only that the
   * database did not answer (a dropped connection, a restart): the write may or may not have happened, and may
   * be tried again. Any other error is a refusal.
   */
  isUnreachable(error: unknown): boolean;
}

/**
 * Wake-ups between nodes sharing a queue (PostgreSQL LISTEN/NOTIFY). Each returns a function that removes
 * the listener. Absent (embedded database), one process does everything and needs none.
 */
export interface JobSignals {
  /** Jobs became claimable on some node (enqueued, requeued, released); also after a lost connection came back. */
  onJobsAvailable(listener: () => void): () => void;
  /** Some node asked for this RUNNING job to be cancelled (JobQueue.requestCancel). */
  onCancelRequested(listener: (id: string) => void): () => void;
}
