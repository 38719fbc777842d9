import type { FloatTensor } from '../tensor.js';

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved 8-bit RGB, row-major. */
  data: Uint8Array;
}

/**
 * Approximate RGB contribution of each of the 4 SD 1.x/2.x latent channels (rows: latent channel, columns:
 * R, G, B). A fixed linear map is far cheaper than the VAE and good enough to watch an image form; these
 * are the widely used community-fitted factors for SD 1.5 latents.
 */
export const SD1_LATENT_RGB_FACTORS: readonly (readonly [number, number, number])[] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

/** Preview of one image of a latent batch at latent resolution (1/8 of the output size). */
export function latentToRgb(
  latents: FloatTensor,
  batchIndex = 0,
  factors: readonly (readonly [number, number, number])[] = SD1_LATENT_RGB_FACTORS,
): RgbImage {
  const [, channels, height, width] = latents.dims as [number, number, number, number];
  const plane = height * width;
  const offset = batchIndex * channels * plane;
  const data = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    let r = 0;
    let g = 0;
    let b = 0;
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
