/**
 * What the generation layer needs from persistence, as interfaces. The library layer implements them on the
 * database (embedded PGlite or PostgreSQL); a scale-out build can implement them on BullMQ/Redis instead.
 * generation/ never imports library/: main.ts wires the implementations in.
 */

export const PREVIEW_METHODS = ['LATENT2RGB', 'TAESD'] as const;
export type PreviewMethod = (typeof PREVIEW_METHODS)[number];

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
}

export interface Job extends GenerationParams {
  id: string;
  status: GenerationStatus;
  createdAt: Date;
}

/** Where a request came from, recorded with the job; it does not change the pixels. */
export interface JobOrigin {
  /** remix: the stored image whose parameters the job re-runs. */
  remixOfImageId?: string | null;
}

export interface JobQueue {
  /** Persists a new QUEUED job; the job exists durably when this resolves. */
  enqueue(params: GenerationParams, origin?: JobOrigin): Promise<Job>;
  /** Atomically moves the best QUEUED job (highest priority, then oldest) to RUNNING and returns it. */
  claimNext(): Promise<Job | null>;
  /** RUNNING -> COMPLETED. */
  complete(id: string, warnings?: string[]): Promise<void>;
  /** RUNNING -> FAILED with a readable message. */
  fail(id: string, message: string): Promise<void>;
  /** QUEUED -> CANCELLED; false when the job was not queued (already running or finished, or unknown). */
  cancelQueued(id: string): Promise<boolean>;
  /** RUNNING -> CANCELLED, after the worker stopped between steps. */
  markCancelled(id: string): Promise<void>;
  /** 1-based position among QUEUED jobs in claim order; null when the job is not queued. */
  position(id: string): Promise<number | null>;
  /** Ids of all QUEUED jobs in claim order (index + 1 = position). */
  queuedIds(): Promise<string[]>;
  /** Marks these RUNNING jobs as still alive (their server refreshes this while it runs them). */
  heartbeat(ids: readonly string[]): Promise<void>;
  /**
   * Recovery: RUNNING jobs whose heartbeat is older than `staleAfterMs` (0: every RUNNING job) go back to
   * QUEUED, since the server running them is gone. Returns how many.
   */
  requeueInterrupted(staleAfterMs?: number): Promise<number>;
}

/** One encoded image of a finished job, ready to be stored. */
export interface ImageToStore {
  generationId: string;
  /** Position in the batch, from 0. */
  index: number;
  seed: bigint;
  width: number;
  height: number;
  png: Uint8Array;
}

export interface StoredImage {
  id: string;
  generationId: string;
  index: number;
  seed: bigint;
  width: number;
  height: number;
  sha256: string;
  /** Path part of the URL the HTTP layer serves the image at, e.g. "/images/<id>". */
  url: string;
}

/** Stores an image durably: the file first (temporary name, then rename), then its database row. */
export interface ImageSink {
  saveImage(image: ImageToStore): Promise<StoredImage>;
}

/** Reads stored images back (img2img's init images). */
export interface ImageSource {
  /** The image file's bytes, or null when no such image (or its file) exists. */
  readImage(imageId: string): Promise<Uint8Array | null>;
}
