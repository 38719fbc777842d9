/** The parameters of a small job, for the queue's tests to vary. */
import type { GenerationParams } from '../../src/generation/job.js';

export const JOB_PARAMS: GenerationParams = {
  ...{ prompt: 'a fair turn', negativePrompt: '', model: 'tiny', sampler: 'euler', steps: 1, guidanceScale: 7, width: 64, height: 64 },
  ...{ seed: 1n, variationSeed: null, variationStrength: 0, initImageId: null, maskImageId: null, denoisingStrength: 0.75 },
  ...{ batchSize: 1, previewMethod: 'LATENT2RGB', priority: 0, loras: [], hires: null, upscale: null },
};
