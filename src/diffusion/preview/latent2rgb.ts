/** The cheapest preview: latents -> RGB by a fixed per-family linear map, for watching an image form at every step. */
import type { ModelFamily } from '../model/family.js';
import type { RgbImage } from '../rgb-image.js';
import type { FloatTensor } from '../tensor.js';

/** Rows: latent channel; columns: its contribution to R, G, B (in [-1, 1] units). */
export type LatentRgbFactors = readonly (readonly [number, number, number])[];
export type RgbBias = readonly [number, number, number];

/**
 * Approximate RGB contribution of each of the 4 SD 1.x/2.x latent channels. A fixed linear map is far cheaper
 * than the VAE and good enough to watch an image form; these are the widely used community-fitted factors for
 * SD 1.5 latents (SD 2.x uses the same VAE, so the same latent space).
 */
export const SD1_LATENT_RGB_FACTORS: LatentRgbFactors = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

/**
 * SDXL's VAE was retrained, so its latent channels mean other colours and SD 1.x factors give a wrongly tinted
 * preview. These are the community-fitted SDXL factors and offset (as in ComfyUI's latent formats).
 */
export const SDXL_LATENT_RGB_FACTORS: LatentRgbFactors = [
  [0.3651, 0.4232, 0.4341],
  [-0.2533, -0.0042, 0.1068],
  [0.1076, 0.1111, -0.0362],
  [-0.3165, -0.2492, -0.2188],
];
export const SDXL_LATENT_RGB_BIAS: RgbBias = [0.1084, -0.0175, -0.0011];

const NO_BIAS: RgbBias = [0, 0, 0];

export interface LatentRgbMap {
  factors: LatentRgbFactors;
  bias: RgbBias;
}

/** The linear preview map for a model family's latents: SD 1.x and 2.x share a VAE latent space, SDXL not. */
export function latentRgbMapFor(family: ModelFamily): LatentRgbMap {
  if (family === 'sdxl') return { factors: SDXL_LATENT_RGB_FACTORS, bias: SDXL_LATENT_RGB_BIAS };
  return { factors: SD1_LATENT_RGB_FACTORS, bias: NO_BIAS };
}

/** Preview of one image of a latent batch at latent resolution (1/8 of the output size). */
export function latentToRgb(
  latents: FloatTensor,
  batchIndex = 0,
  factors: LatentRgbFactors = SD1_LATENT_RGB_FACTORS,
  bias: RgbBias = NO_BIAS,
): RgbImage {
  const [, channels, height, width] = latents.dims as [number, number, number, number];
  const plane = height * width;
  const offset = batchIndex * channels * plane;
  const data = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    let [r, g, b] = bias;
    for (let c = 0; c < Math.min(channels, factors.length); c++) {
      const value = latents.data[offset + c * plane + p]!;
      const [fr, fg, fb] = factors[c]!;
      r += value * fr;
      g += value * fg;
      b += value * fb;
    }
    data[p * 3] = toByte(r);
    data[p * 3 + 1] = toByte(g);
    data[p * 3 + 2] = toByte(b);
  }
  return { width, height, data };
}

/** Maps [-1, 1] to [0, 255]. */
function toByte(value: number): number {
  const scaled = Math.round((value + 1) * 127.5);
  return scaled < 0 ? 0 : scaled > 255 ? 255 : scaled;
}
