/**
 * The starting latents: each image's seeded noise (with AUTOMATIC1111's variation seeds blended in), and
 * where img2img starts in the schedule. A hires second pass starts the same way img2img does, from upscaled
 * latents noised to its strength.
 */
import { BatchGenerator } from './random/batch-generator.js';
import { TorchGenerator } from './random/index.js';
import { slerp } from './random/slerp.js';
import type { GenerationRequest } from './requests.js';

/**
 * As diffusers with a generator per image: each image's initial noise, then its per-step noise (ancestral
 * schedulers), continue one torch-compatible stream seeded with that image's seed.
 */
export function seededNoise(seeds: readonly bigint[]): BatchGenerator {
  return new BatchGenerator(seeds.map((seed) => new TorchGenerator(seed)));
}

/** The seeds' noise, with the variation seeds' noise blended in when asked. */
export function initialNoise(noise: BatchGenerator, shape: number[], variation: GenerationRequest['variation']): Float32Array {
  const base = noise.randn(shape);
  if (!variation || variation.strength <= 0) return base;
  if (variation.seeds.length !== shape[0]) throw new RangeError('one variation seed per image is needed');
  const other = seededNoise(variation.seeds).randn(shape);
  const itemSize = base.length / shape[0]!;
  const out = new Float32Array(base.length);
  for (let i = 0; i < shape[0]!; i++) {
    const range = [i * itemSize, (i + 1) * itemSize] as const;
    out.set(slerp(Math.min(1, variation.strength), base.subarray(...range), other.subarray(...range)), range[0]);
  }
  return out;
}

/**
 * img2img: how many inference steps are skipped, as diffusers' get_timesteps: the last
 * min(floor(steps * strength), steps) steps are run.
 */
export function img2imgStart(steps: number, strength: number): number {
  return steps - Math.min(Math.floor(steps * strength), steps);
}
