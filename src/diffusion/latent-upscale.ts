/**
 * The hires fix's latent upscalers: AUTOMATIC1111's "Latent" family, which is torch's
 * F.interpolate(latents, size, mode, antialias) on the first pass's latents, computed here the same way
 * (test/fixtures/latent-upscale.json, from tools/torch-fixtures/latent_upscale.py) as a separable resample:
 * each output row and column a weighted sum of a few source ones.
 */
import type { FloatTensor } from './tensor.js';

export const LATENT_UPSCALERS = ['latent', 'latent-antialiased', 'latent-bicubic', 'latent-bicubic-antialiased', 'latent-nearest', 'latent-nearest-exact'] as const;
export type LatentUpscaler = (typeof LATENT_UPSCALERS)[number];

/** For one output position: the source positions it reads and their weights. */
interface Taps {
  index: number[];
  weight: number[];
}

/** `latents` [n, c, h, w] resampled to [n, c, height, width]. */
export function upscaleLatents(latents: FloatTensor, height: number, width: number, upscaler: LatentUpscaler): FloatTensor {
  const [n, c, h, w] = latents.dims as [number, number, number, number];
  const rows = axisTaps(h, height, upscaler);
  const cols = axisTaps(w, width, upscaler);
  const out = new Float32Array(n * c * height * width);
  const line = new Float32Array(w); // one output row, before the columns are resampled
  for (let plane = 0; plane < n * c; plane++) {
    const source = plane * h * w;
    const target = plane * height * width;
    for (let y = 0; y < height; y++) {
      line.fill(0);
      const r = rows[y]!;
      for (let k = 0; k < r.index.length; k++) {
        const from = source + r.index[k]! * w;
        const weight = r.weight[k]!;
        for (let x = 0; x < w; x++) line[x]! += weight * latents.data[from + x]!;
      }
      for (let x = 0; x < width; x++) {
        const t = cols[x]!;
        let sum = 0;
        for (let k = 0; k < t.index.length; k++) sum += t.weight[k]! * line[t.index[k]!]!;
        out[target + y * width + x] = sum;
      }
    }
  }
  return { data: out, dims: [n, c, height, width] };
}

/** torch's source positions and weights for one axis of `size` resampled to `out` (align_corners false). */
function axisTaps(size: number, out: number, upscaler: LatentUpscaler): Taps[] {
  const scale = size / out;
  const clamp = (i: number) => Math.min(Math.max(i, 0), size - 1);
  return Array.from({ length: out }, (_, o): Taps => {
    switch (upscaler) {
      case 'latent-nearest':
        return { index: [clamp(Math.floor(o * scale))], weight: [1] };
      case 'latent-nearest-exact':
        return { index: [clamp(Math.floor((o + 0.5) * scale))], weight: [1] };
      case 'latent': {
        const x = Math.max((o + 0.5) * scale - 0.5, 0);
        const i = Math.floor(x);
        const t = x - i;
        return { index: [clamp(i), clamp(i + 1)], weight: [1 - t, t] };
      }
      case 'latent-bicubic': {
        const x = (o + 0.5) * scale - 0.5;
        const i = Math.floor(x);
        const t = x - i;
        const weight = [cubic(t + 1, -0.75), cubic(t, -0.75), cubic(1 - t, -0.75), cubic(2 - t, -0.75)];
        return { index: [clamp(i - 1), clamp(i), clamp(i + 1), clamp(i + 2)], weight };
      }
      case 'latent-antialiased':
        return antialiasedTaps(o, scale, size, 1, (x) => Math.max(0, 1 - Math.abs(x)));
      case 'latent-bicubic-antialiased':
        return antialiasedTaps(o, scale, size, 2, (x) => cubic(Math.abs(x), -0.5));
    }
  });
}

/**
 * torch's antialiased resampling (as PIL's): the filter widened by the scale when shrinking, its taps the
 * source positions inside its support, the weights normalised to sum to 1 (so borders need no clamping).
 */
function antialiasedTaps(o: number, scale: number, size: number, support: number, filter: (x: number) => number): Taps {
  const width = support * Math.max(scale, 1);
  const inverse = scale >= 1 ? 1 / scale : 1;
  const center = scale * (o + 0.5);
  const first = Math.max(Math.trunc(center - width + 0.5), 0);
  const last = Math.min(Math.trunc(center + width + 0.5), size);
  const index: number[] = [];
  const weight: number[] = [];
  for (let j = first; j < last; j++) {
    index.push(j);
    weight.push(filter((j - center + 0.5) * inverse));
  }
  const total = weight.reduce((a, b) => a + b, 0);
  return { index, weight: weight.map((v) => (total === 0 ? 0 : v / total)) };
}

/** Keys' cubic convolution kernel at distance x >= 0 with parameter a (torch: -0.75; antialiased: -0.5). */
function cubic(x: number, a: number): number {
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}
