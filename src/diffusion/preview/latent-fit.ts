/**
 * A linear latent -> RGB preview map fitted to a model's own VAE, for latent spaces that have no factors here
 * (SD3's and FLUX's 16 channels). No published numbers are copied: the map is the least-squares fit, per
 * colour, of RGB = bias + sum_c factor_c x latent_c over latent pixels, where the targets are the VAE
 * decoder's output averaged over each latent pixel's 8x8 block. The latents it decodes are seeded standard
 * normal values (the scaled latent space has about unit variance), drawn on a coarse grid and repeated over
 * 4x4 latent pixels, so the decoder sees flat patches and the fit sees its colour response rather than its
 * texture. It costs a few small VAE decodes, once per loaded model (pipeline.ts runs it lazily).
 */
import { TorchGenerator } from '../random/index.js';
import type { FloatTensor } from '../tensor.js';
import type { LatentRgbMap } from './latent2rgb.js';

/** Latents of FIT_GRID x FIT_GRID patches of FIT_PATCH latent pixels each; FIT_SAMPLES of them. */
const FIT_GRID = 4;
const FIT_PATCH = 4;
const FIT_SAMPLES = 4;
/** Ridge term that keeps the normal equations solvable when a channel hardly matters. */
const RIDGE = 1e-3;
const SEED = 20_240_601n;

/** `decode`: scaled latents [1, C, h, w] -> the decoder's planar output [1, 3, 8h, 8w] in about [-1, 1]. */
export async function fitLatentRgbMap(channels: number, decode: (latents: FloatTensor) => Promise<FloatTensor>): Promise<LatentRgbMap> {
  const side = FIT_GRID * FIT_PATCH;
  const generator = new TorchGenerator(SEED);
  const features: number[][] = [];
  const targets: [number, number, number][] = [];
  for (let sample = 0; sample < FIT_SAMPLES; sample++) {
    const coarse = generator.randn([channels, FIT_GRID, FIT_GRID]);
    const latents = new Float32Array(channels * side * side);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) latents[(c * side + y) * side + x] = coarse[(c * FIT_GRID + Math.floor(y / FIT_PATCH)) * FIT_GRID + Math.floor(x / FIT_PATCH)]!;
      }
    }
    const decoded = await decode({ data: latents, dims: [1, channels, side, side] });
    const [, , height, width] = decoded.dims as [number, number, number, number];
    const block = height / side;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const rgb: [number, number, number] = [0, 0, 0];
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let dy = 0; dy < block; dy++) {
            const row = (c * height + y * block + dy) * width + x * block;
            for (let dx = 0; dx < block; dx++) sum += decoded.data[row + dx]!;
          }
          rgb[c] = sum / (block * block);
        }
        features.push([1, ...Array.from({ length: channels }, (_, c) => latents[(c * side + y) * side + x]!)]);
        targets.push(rgb);
      }
    }
  }
  const solution = leastSquares(features, targets);
  return {
    bias: solution[0]! as unknown as readonly [number, number, number],
    factors: solution.slice(1) as unknown as readonly (readonly [number, number, number])[],
  };
}

/** argmin_W |X W - Y|^2 + ridge |W|^2 (bias row unpenalised) by the normal equations and Gaussian elimination. */
export function leastSquares(x: number[][], y: [number, number, number][]): [number, number, number][] {
  const n = x[0]!.length;
  const a = Array.from({ length: n }, () => new Float64Array(n + 3));
  for (let r = 0; r < x.length; r++) {
    const row = x[r]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i]![j]! += row[i]! * row[j]!;
      for (let k = 0; k < 3; k++) a[i]![n + k]! += row[i]! * y[r]![k]!;
    }
  }
  for (let i = 1; i < n; i++) a[i]![i]! += RIDGE * x.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / p;
      if (f === 0) continue;
      for (let j = col; j < n + 3; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  return Array.from({ length: n }, (_, i) => {
    const p = a[i]![i]!;
    return [0, 1, 2].map((k) => (Math.abs(p) < 1e-12 ? 0 : a[i]![n + k]! / p)) as [number, number, number];
  });
}
