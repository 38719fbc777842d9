/**
 * One job -> what the engine is given: the pipeline request (a seed per image: seed + i, and variation
 * seeds likewise), the PNG `parameters` text of each image, and the stored files of its init image and mask.
 * Computed once on the main thread; the worker only decodes, runs and encodes.
 */
import { formatParameters, namedEmbeddings } from '../diffusion/index.js';
import { samplerLabel } from '../diffusion/schedulers/index.js';
import type { ClaimedJob, Job } from './job.js';
import type { ImageSource } from './pictures.js';
import { hiresUpscalerLabel } from './hires-fix.js';
import type { SafetyMode } from './safety-mode.js';
import { formatLoraHashes, promptWithLoraTags } from './lora-tags.js';
import type { UpscaleWorkerJob, WorkerEmbedding, WorkerJob, WorkerLora } from './worker-protocol.js';

/** What a job reads besides its parameters: its init image and mask (undefined: none), its LoRA files. */
export interface JobFiles {
  init?: Uint8Array;
  mask?: Uint8Array;
  loras?: WorkerLora[];
  embeddings?: WorkerEmbedding[];
  /** The upscaler model an upscale job or a hires fix runs. */
  upscaler?: { name: string; file: string; hash: string };
  /** What the generation is told about its files (a LoRA replaced since the job was accepted). */
  warnings?: string[];
}

/** A job's files, or why they cannot be had. */
export type JobInputs = JobFiles | { error: string };

/** Where the installed LoRAs' files are (the LoRA catalogue implements it). */
export interface LoraFinder {
  find(name: string): Promise<{ file: string; hash: string } | undefined>;
}

/** The installed embeddings (the embeddings catalogue implements it). */
export interface EmbeddingFinder {
  scan(): Promise<{ files: ReadonlyArray<{ name: string; file: string; hash: string; family: string | null }> }>;
}

/** Where the installed upscaler models' files are (the upscaler catalogue implements it). */
export interface UpscalerFinder {
  find(name: string): Promise<{ file: string; hash: string } | undefined>;
}

/** Where a job's LoRA, embedding and upscaler files are found; any may be absent (none installed). */
export interface ExtraFinders {
  loras?: LoraFinder;
  embeddings?: EmbeddingFinder;
  upscalers?: UpscalerFinder;
}

export interface EngineOptions {
  /** A step preview every this many steps (0: none). */
  previewEvery: number;
  /** Longest side of a step preview, in pixels. */
  previewMaxSize: number;
  /** Upscaler models run in tiles of this many input pixels square (ATELIER_UPSCALE_TILE), sharing `upscaleOverlap` with each neighbour. */
  upscaleTile?: number;
  upscaleOverlap?: number;
  /** ATELIER_SAFETY (default block): applied to the images of models that have a safety checker. */
  safety?: SafetyMode;
}

/** Seeds of a batch: image i uses first + i. */
export function batchSeeds(first: bigint, count: number): bigint[] {
  return Array.from({ length: count }, (_, i) => first + BigInt(i));
}

/** The job as a worker runs it. `inputs` are the files readJobInputs found (none for text-to-image). */
export function toWorkerJob(
  job: Job,
  model: { dir: string; name: string },
  inputs: JobFiles,
  options: EngineOptions,
): WorkerJob {
  const seeds = batchSeeds(job.seed, job.batchSize);
  const variation =
    job.variationSeed === null || job.variationStrength <= 0
      ? undefined
      : { seeds: batchSeeds(job.variationSeed, job.batchSize), strength: job.variationStrength };
  const init = inputs.init ? { image: inputs.init, strength: job.denoisingStrength, ...(inputs.mask ? { mask: inputs.mask } : {}) } : undefined;
  const { prompt, negativePrompt, sampler, steps, guidanceScale, width, height } = job;
  const hires = job.hires
    ? { width: job.hires.width, height: job.hires.height, steps: job.hires.steps, strength: job.hires.denoisingStrength, upscaler: job.hires.upscaler }
    : undefined;
  const hiresUpscaler = job.hires?.upscaler === 'model' && inputs.upscaler ? { file: inputs.upscaler.file, ...tileOptions(options) } : undefined;
  // The hashes of the files the run reads, which are the ones accepted unless a file was replaced since.
  const loras = inputs.loras ?? [];
  const embeddings = inputs.embeddings ?? [];
  const names = namedEmbeddings([prompt, negativePrompt], embeddings.map((e) => e.name));
  const named = embeddings.filter((e) => names.has(e.name));
  return {
    id: job.id,
    modelDir: model.dir,
    modelName: model.name,
    request: { prompt, negativePrompt, sampler, steps, guidanceScale, width, height, seeds, variation, ...(hires ? { hires } : {}) },
    init,
    loras,
    embeddings,
    ...(hiresUpscaler ? { hiresUpscaler } : {}),
    imageParameters: seeds.map((seed, index) =>
      formatParameters({
        ...{ negativePrompt, steps, guidanceScale, width, height, seed, model: model.name },
        prompt: promptWithLoraTags(prompt, job.loras),
        loraHashes: formatLoraHashes(loras.length ? loras : job.loras),
        tiHashes: formatLoraHashes(named),
        sampler: samplerLabel(sampler),
        variationSeed: variation?.seeds[index],
        variationStrength: variation?.strength,
        denoisingStrength: init?.strength,
        hires: job.hires ? { ...job.hires, upscalerLabel: hiresUpscalerLabel(job.hires) } : undefined,
      }),
    ),
    previewEvery: options.previewEvery,
    previewMaxSize: options.previewMaxSize,
    previewMethod: job.previewMethod,
    safety: options.safety ?? 'block',
  };
}

/** An upscale job as a worker runs it: the source file, the upscaler's, the result's size and PNG text. */
export function toUpscaleWorkerJob(job: Job, source: Uint8Array, upscaler: { name: string; file: string; hash: string }, options: EngineOptions): UpscaleWorkerJob {
  const scale = job.upscale?.scale ?? 1;
  return {
    kind: 'upscale',
    id: job.id,
    source,
    upscalerFile: upscaler.file,
    width: job.width,
    height: job.height,
    seed: job.seed,
    // AUTOMATIC1111's Extras tab: the source's own `parameters` are kept, this goes in a chunk of its own.
    postprocessing: `Postprocess upscale by: ${scale}, Postprocess upscaler: ${upscaler.name}`,
    ...tileOptions(options),
  };
}

function tileOptions(options: EngineOptions): { tile?: number; overlap?: number } {
  return { ...(options.upscaleTile ? { tile: options.upscaleTile } : {}), ...(options.upscaleOverlap !== undefined ? { overlap: options.upscaleOverlap } : {}) };
}

/**
 * The files a job reads: its init image and mask through the image store, its LoRAs in the LoRA folder; or why
 * they cannot be had (a LoRA removed since the job was accepted fails it, rather than running without it).
 */
export async function readJobInputs(job: ClaimedJob, images: ImageSource, finders: ExtraFinders = {}, family?: string): Promise<JobInputs> {
  const loras: WorkerLora[] = [];
  const warnings: string[] = [];
  const upscalerName = job.upscale?.upscaler ?? (job.hires?.upscaler === 'model' ? job.hires.upscalerModel : undefined);
  let upscaler: JobFiles['upscaler'];
  if (upscalerName !== undefined) {
    const found = await finders.upscalers?.find(upscalerName);
    if (!found) return { error: `upscaler "${upscalerName}" is no longer installed` };
    upscaler = { name: upscalerName, file: found.file, hash: found.hash };
    if (job.upscale && job.upscale.hash !== '' && job.upscale.hash !== found.hash) {
      warnings.push(`upscaler "${upscalerName}" was replaced after this job was queued: it ran with the file installed now (hash ${found.hash}, queued with ${job.upscale.hash}).`);
    }
  }
  for (const lora of job.loras) {
    const found = await finders.loras?.find(lora.name);
    if (!found) return { error: `LoRA "${lora.name}" is no longer installed` };
    if (lora.hash !== '' && found.hash !== lora.hash) {
      warnings.push(`LoRA "${lora.name}" was replaced after this generation was queued: it ran with the file installed now (hash ${found.hash}, queued with ${lora.hash}).`);
    }
    loras.push({ name: lora.name, file: found.file, hash: found.hash, weight: lora.weight });
  }
  // Every embedding made for the model's family goes along: a prompt calls one up by its name, as in AUTOMATIC1111.
  const installed = (await finders.embeddings?.scan())?.files ?? [];
  const embeddings = installed.filter((e) => e.family === null || e.family === family).map(({ name, file, hash }) => ({ name, file, hash }));
  const pictures = await readPictures(job, images);
  if ('error' in pictures) return pictures;
  return { ...pictures, ...(upscaler ? { upscaler } : {}), ...(loras.length ? { loras } : {}), ...(embeddings.length ? { embeddings } : {}), ...(warnings.length ? { warnings } : {}) };
}

/** img2img: the files of the job's init image and mask, read through the image store, or why they cannot be. */
async function readPictures(job: ClaimedJob, images: ImageSource): Promise<JobInputs> {
  if (job.initImageId === null) return {};
  try {
    const init = job.inputFiles.init === null ? null : await images.readFile(job.inputFiles.init);
    if (!init) return { error: `init image ${job.initImageId} no longer exists` };
    if (job.maskImageId === null) return { init };
    const mask = job.inputFiles.mask === null ? null : await images.readFile(job.inputFiles.mask);
    if (!mask) return { error: `mask image ${job.maskImageId} no longer exists` };
    return { init, mask };
  } catch (error) {
    return { error: `the init image or mask could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
