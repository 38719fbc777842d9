/** What one job costs, relative to a 512x512, 20-step, one-image job, and the per-job bound on it. */
import { GenerationRequestError } from './request-errors.js';

/** The job that costs 1: a plain Stable Diffusion 1.x image at its native size and usual steps. */
export const UNIT_JOB = { width: 512, height: 512, steps: 20, batchSize: 1 } as const;

/** Where the error for a job over the bound points: no one field is at fault, their product is. */
export const JOB_COST_FIELD = 'cost';

/**
 * The work a job asks for: pixels x steps x images, each relative to UNIT_JOB. Every denoising step runs the
 * UNet once per image over latents a 64th of the pixels, so the work grows about linearly in each factor
 * (attention grows faster with size, which only makes large images cheaper here than they are). img2img is
 * counted at its full steps although it runs only `denoisingStrength` of them: a bound, not a bill.
 */
export function jobCost(job: { width: number; height: number; steps: number; batchSize: number }): number {
  const pixels = (job.width * job.height) / (UNIT_JOB.width * UNIT_JOB.height);
  return Math.round(pixels * (job.steps / UNIT_JOB.steps) * (job.batchSize / UNIT_JOB.batchSize) * 100) / 100;
}

/**
 * Throws BAD_USER_INPUT on the field `cost` when the job costs more than `maxCost` (undefined: no bound).
 * `extraCost`: a hires fix's second pass, counted as a job of its own size and steps.
 */
export function checkJobCost(job: { width: number; height: number; steps: number; batchSize: number }, maxCost: number | undefined, extraCost = 0): void {
  const cost = Math.round((jobCost(job) + extraCost) * 100) / 100;
  const what = `${job.width}x${job.height} x ${job.steps} steps x ${job.batchSize} images${extraCost ? `, plus ${extraCost} for the hires pass` : ''}`;
  checkCost(cost, maxCost, `this job costs ${cost} (${what}, where 512x512 x 20 steps x 1 image costs 1)`, 'lower the size, steps or batchSize');
}

/**
 * An upscale (upscaleImage) costs as one denoising step of a job at its output size: an upscaler network's
 * work per output pixel is of the order of a UNet step's per latent pixel.
 */
export function upscaleCost(width: number, height: number): number {
  return Math.round(((width * height) / (UNIT_JOB.width * UNIT_JOB.height) / UNIT_JOB.steps) * 100) / 100;
}

export function checkUpscaleCost(width: number, height: number, maxCost: number | undefined): void {
  const cost = upscaleCost(width, height);
  checkCost(cost, maxCost, `this upscale costs ${cost} (a ${width}x${height} result, where a 512x512 20-step image costs 1)`, 'lower the scale');
}

/** The one rule: BAD_USER_INPUT on `cost` above ATELIER_MAX_JOB_COST (undefined: no bound). */
function checkCost(cost: number, maxCost: number | undefined, description: string, remedy: string): void {
  if (maxCost === undefined || cost <= maxCost) return;
  throw new GenerationRequestError(JOB_COST_FIELD, `${description}; the most one job may cost is ${maxCost}: ${remedy}`, {
    max: maxCost,
    cost,
    reason: 'JOB_TOO_COSTLY',
    setting: 'ATELIER_MAX_JOB_COST',
  });
}
