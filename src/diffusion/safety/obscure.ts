/**
 * Hiding a picture the safety checker flagged, for a caller that keeps it rather than dropping it: a blur
 * strong enough that nothing in it can be made out (colours and the rough layout stay, which tells the
 * viewer something was there), or plain black, what diffusers' checker itself returns.
 */
import type { RgbImage } from '../rgb-image.js';

/** A black picture of the same size. */
export function blackImage(image: Pick<RgbImage, 'width' | 'height'>): RgbImage {
  return { width: image.width, height: image.height, data: new Uint8Array(image.width * image.height * 3) };
}

/** The blur's default strength: 5% of the shorter side (about 26 pixels at 512), which leaves no detail. */
export function defaultBlurSigma(image: Pick<RgbImage, 'width' | 'height'>): number {
  return Math.max(1, 0.05 * Math.min(image.width, image.height));
}

/**
 * A Gaussian blur of standard deviation `sigma`, approximated by three box blurs in a row (each pass's width
 * chosen so their variances add up to sigma², after Kovesi): the cost does not grow with sigma, which matters
 * at a blur this wide. Pixels beyond the edges repeat the edge.
 */
export function blurImage(image: RgbImage, sigma = defaultBlurSigma(image)): RgbImage {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new RangeError(`blur sigma must be a positive number, got ${sigma}`);
  const { width, height } = image;
  const values = Float32Array.from(image.data);
  const scratch = new Float32Array(values.length);
  for (const radius of boxRadii(sigma, 3)) {
    boxPass(values, scratch, width, height, radius, 3, width * 3); // along rows
    boxPass(scratch, values, height, width, radius, width * 3, 3); // along columns
  }
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(values[i]!)));
  return { width, height, data };
}

/** Radii of `passes` box filters whose variances sum to about sigma² (Kovesi, "Fast almost-Gaussian filtering"). */
export function boxRadii(sigma: number, passes: number): number[] {
  const ideal = Math.sqrt((12 * sigma * sigma) / passes + 1);
  let lower = Math.floor(ideal);
  if (lower % 2 === 0) lower--;
  const upper = lower + 2;
  const lowerCount = Math.round((12 * sigma * sigma - passes * lower * lower - 4 * passes * lower - 3 * passes) / (-4 * lower - 4));
  return Array.from({ length: passes }, (_, i) => ((i < lowerCount ? lower : upper) - 1) / 2);
}

/**
 * One box blur along one axis of interleaved RGB: `length` values per line (`step` apart), `lines` lines
 * (`lineStep` apart), each output the mean of the 2r+1 inputs around it, edges repeated. A running sum.
 */
function boxPass(from: Float32Array, to: Float32Array, length: number, lines: number, radius: number, step: number, lineStep: number): void {
  const span = 2 * radius + 1;
  const at = (i: number) => (i < 0 ? 0 : i >= length ? length - 1 : i) * step;
  for (let line = 0; line < lines; line++) {
    for (let c = 0; c < 3; c++) {
      const base = line * lineStep + c;
      let sum = 0;
      for (let i = -radius; i <= radius; i++) sum += from[base + at(i)]!;
      for (let i = 0; i < length; i++) {
        to[base + i * step] = sum / span;
        sum += from[base + at(i + radius + 1)]! - from[base + at(i - radius)]!;
      }
    }
  }
}
