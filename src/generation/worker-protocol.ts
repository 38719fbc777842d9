/** Messages between the pool (main thread) and a worker thread (structured clone carries bigint seeds as they are). */
import type { SessionOptions, Txt2ImgRequest } from '../diffusion/index.js';
import type { PreviewMethod } from './job.js';
import type { SafetyMode } from './safety-mode.js';
import type { LoadedPipeline } from './pipeline-cache.js';

export interface WorkerJob {
  kind?: 'generate';
  id: string;
  modelDir: string;
  /** The model's name, as the worker reports what it has loaded. */
  modelName: string;
  /** The pipeline request, less what cannot cross threads (the abort signal, the progress callback) and the decoded init. */
  request: Omit<Txt2ImgRequest, 'signal' | 'onStep' | 'init'>;
  /** img2img: the stored files of the init image (and inpainting mask); the worker decodes them at width x height. */
  init?: { image: Uint8Array; strength: number; mask?: Uint8Array };
  /** LoRAs to merge into the model's weights: the worker keeps sessions per model and LoRA set. */
  loras: readonly WorkerLora[];
  /** The installed textual-inversion embeddings that fit the model: a prompt calls one up by writing its name. */
  embeddings?: readonly WorkerEmbedding[];
  /** A hires fix with upscaler `model`: the upscaler's file and tiles (the worker loads and keeps it). */
  hiresUpscaler?: { file: string; tile?: number; overlap?: number };
  /** The PNG `parameters` text of each image, in batch order (engine-request.ts). */
  imageParameters: readonly string[];
  previewEvery: number;
  previewMaxSize: number;
  previewMethod: PreviewMethod;
  /** What to do with an image the model's safety checker flags (no checker: nothing is checked). */
  safety: SafetyMode;
}

/** An upscale job: the stored source file enlarged to width x height by the upscaler model, in tiles. */
export interface UpscaleWorkerJob {
  kind: 'upscale';
  id: string;
  source: Uint8Array;
  upscalerFile: string;
  width: number;
  height: number;
  /** The result's seed on its image row (the source image's, for the record). */
  seed: bigint;
  /** The PNG's `postprocessing` text; the source's own `parameters` text is kept as it is. */
  postprocessing: string;
  tile?: number;
  overlap?: number;
}

/** A LoRA as a worker applies it: the file and the multiplier. */
export interface WorkerLora {
  name: string;
  file: string;
  /** The file's hash as the catalogue read it: a file replaced under the same name is another LoRA set. */
  hash: string;
  weight: number;
}

/** A textual-inversion embedding as a worker loads it. */
export interface WorkerEmbedding {
  name: string;
  file: string;
  hash: string;
}

/**
 * `shutdown`: stop the running job between steps, wait for the ONNX run in flight, release the sessions and end
 * the thread. Terminating a thread while onnxruntime-node runs a session aborts the whole process (its native
 * callback finds the thread's environment gone and throws Napi::Error, which nothing can catch).
 */
export type ToWorker = { type: 'run'; job: WorkerJob | UpscaleWorkerJob } | { type: 'cancel'; jobId: string } | { type: 'shutdown' };

export type FromWorker =
  | { type: 'started'; jobId: string; provider: string; providerNote?: string }
  | { type: 'step'; jobId: string; step: number; totalSteps: number; pass?: 2; preview: string | null; durationMs: number }
  | { type: 'image'; jobId: string; index: number; seed: bigint; width: number; height: number; png: Uint8Array; nsfw?: boolean }
  | { type: 'completed'; jobId: string; warnings: string[] }
  /** What the worker keeps loaded now: sent after every job, before its outcome. */
  | { type: 'loaded'; pipelines: LoadedPipeline[] }
  | { type: 'cancelled'; jobId: string }
  /** `loadFailed`: the model's sessions could not be created (the model, not the job, is at fault). */
  | { type: 'failed'; jobId: string; message: string; loadFailed?: boolean };

export interface WorkerStartData {
  session: SessionOptions;
  /** What the worker's kept pipelines may hold together (ATELIER_WORKER_MEMORY); absent: only the one in use is kept. */
  memoryBudgetBytes?: number;
  /** Folder with taesd_decoder.safetensors (and taesdxl_decoder.safetensors for SDXL), when TAESD previews are installed. */
  taesdDir?: string;
}
