/**
 * One job -> what the engine is given: the pipeline request (a seed per image: seed + i, and variation
 * seeds likewise), the PNG `parameters` text of each image, and the stored files of its init image and mask.
 * Computed once on the main thread; the worker only decodes, runs and encodes.
 */
import { formatParameters } from '../diffusion/index.js';
import { samplerLabel } from '../diffusion/schedulers/index.js';
import type { ClaimedJob, ImageSource, Job } from './job.js';
import type { WorkerJob } from './worker-protocol.js';

/** The stored files of a job's init image and mask (undefined: none), or why they cannot be had. */
export type JobInputs = { init?: Uint8Array; mask?: Uint8Array } | { error: string };

export interface EngineOptions {
  /** A step preview every this many steps (0: none). */
  previewEvery: number;
  /** Longest side of a step preview, in pixels. */
  previewMaxSize: number;
}

/** Seeds of a batch: image i uses first + i. */
export function batchSeeds(first: bigint, count: number): bigint[] {
  return Array.from({ length: count }, (_, i) => first + BigInt(i));
}

/** The job as a worker runs it. `inputs` are the files readJobInputs found (none for text-to-image). */
export function toWorkerJob(
  job: Job,
  model: { dir: string; name: string },
  inputs: { init?: Uint8Array; mask?: Uint8Array },
  options: EngineOptions,
): WorkerJob {
  const seeds = batchSeeds(job.seed, job.batchSize);
  const variation =
    job.variationSeed === null || job.variationStrength <= 0
      ? undefined
      : { seeds: batchSeeds(job.variationSeed, job.batchSize), strength: job.variationStrength };
  const init = inputs.init ? { image: inputs.init, strength: job.denoisingStrength, ...(inputs.mask ? { mask: inputs.mask } : {}) } : undefined;
  const { prompt, negativePrompt, sampler, steps, guidanceScale, width, height } = job;
  return {
    id: job.id,
    modelDir: model.dir,
    request: { prompt, negativePrompt, sampler, steps, guidanceScale, width, height, seeds, variation },
    init,
    imageParameters: seeds.map((seed, index) =>
      formatParameters({
        ...{ prompt, negativePrompt, steps, guidanceScale, width, height, seed, model: model.name },
        sampler: samplerLabel(sampler),
        variationSeed: variation?.seeds[index],
        variationStrength: variation?.strength,
        denoisingStrength: init?.strength,
      }),
    ),
    previewEvery: options.previewEvery,
    previewMaxSize: options.previewMaxSize,
    previewMethod: job.previewMethod,
  };
}

/** img2img: the files of the job's init image and mask, read through the image store, or why they cannot be. */
export async function readJobInputs(job: ClaimedJob, images: ImageSource): Promise<JobInputs> {
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
