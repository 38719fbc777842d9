/**
 * How large a job a model may run: the memory admission rule's numbers (the check itself is
 * generation-request.ts's checkMemoryBudget). Pure arithmetic over the model's native size and family.
 *
 * Why it scales as it does. A job's peak memory is its largest UNet call, and that is self-attention at the
 * highest-resolution level that has attention: every latent position there attends to every other, so the
 * score matrices hold (tokens)^2 floats per head for each of the 2 x batchSize rows of a guided call, and
 * tokens grow with width x height. Peak memory therefore grows with batchSize x (width x height)^2. Measured
 * through the server with the bundled toy-shapes model (npm run bench:memory, BENCHMARKS.md), the peak above
 * the warm server was 0.19 GB at 256x256, 1.15 GB at 512x512 (6x for 4x the pixels; the squared term takes
 * over as the size grows) and 2.78 GB at 640x640 (2.4x for 1.56x the pixels: 1.56^2); a batch of 8 at 320x576
 * peaked at the same 4.4 GB as one image of 512x1024, which has sqrt(8) times its pixels.
 * So a job fits when batchSize x pixels^2 <= maxPixels^2, where maxPixels is what one image may have at
 * batchSize 1: a batch of n gets maxPixels / sqrt(n) pixels per image.
 *
 * maxPixels per model: a budget of attention tokens, 8192 at batchSize 1 (twice SD 1.5's 4096 at 512x512),
 * turned into pixels by where the family's attention starts: SD 1.x/2.x attend at the latent resolution (a
 * token per 8x8 pixels: 524,288 pixels, e.g. 1024x512 or 720x720), SDXL's first level has no attention, so its
 * tokens are 16x16 pixels (2,097,152 pixels, e.g. 2048x1024). A model whose native size needs more tokens (SD
 * 2.x at 768x768: 9216) may always run at its native size. At the limit, toy-shapes (4 heads) peaks 4.4 GB above
 * the idle server, so a real SD 1.5 (8 heads) should need about 9 GB of attention beside its 4 GB of weights:
 * one job fits a 24 GB machine with room to spare. ATELIER_MAX_PIXELS replaces maxPixels for every model
 * (the budget is per job: each worker runs one at a time).
 */
import type { ModelFamily } from '../diffusion/index.js';

/** Attention tokens one image may have at batchSize 1, unless the model's native size needs more. */
export const ATTENTION_TOKEN_BUDGET = 8192;

/**
 * Pixels per token at the first level with self-attention: SDXL's starts one downsampling (2x2) later; SD3
 * and FLUX attend over 2x2 patches of latents (16 x 16 pixels) throughout.
 */
const PIXELS_PER_TOKEN: Record<ModelFamily, number> = { sd1: 8 * 8, sd2: 8 * 8, sdxl: 16 * 16, sd3: 16 * 16, flux: 16 * 16 };

/** The most pixels one image of a batchSize-1 job may have on a model of this native size and family. */
export function maxPixelsFor(model: { defaultSize: number; family: ModelFamily }, override?: number): number {
  if (override !== undefined) return override;
  const pixelsPerToken = PIXELS_PER_TOKEN[model.family];
  return Math.max(ATTENTION_TOKEN_BUDGET * pixelsPerToken, model.defaultSize * model.defaultSize);
}

/** The most pixels per image at `batchSize`: the largest p with batchSize x p^2 <= maxPixels^2, exactly. */
export function maxPixelsAtBatch(maxPixels: number, batchSize: number): number {
  return Number(integerSqrt(BigInt(maxPixels) ** 2n / BigInt(batchSize)));
}

/** Whether `batchSize` images of `pixels` each fit a budget of `maxPixels` (compared exactly, in integers). */
export function fitsBudget(pixels: number, batchSize: number, maxPixels: number): boolean {
  return BigInt(batchSize) * BigInt(pixels) ** 2n <= BigInt(maxPixels) ** 2n;
}

/** A square side, a multiple of 8, whose area fits `pixels`: the example size an error message offers. */
export function largestSquareSide(pixels: number): number {
  const side = Number(integerSqrt(BigInt(pixels)));
  return side - (side % 8);
}

function integerSqrt(value: bigint): bigint {
  if (value < 2n) return value;
  let x = BigInt(Math.floor(Math.sqrt(Number(value))));
  while (x * x > value) x -= 1n;
  while ((x + 1n) * (x + 1n) <= value) x += 1n;
  return x;
}
