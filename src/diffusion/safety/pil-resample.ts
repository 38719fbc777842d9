/**
 * Resizing an RGB picture the way Pillow's `Image.resize` does for 8-bit images, because the safety checker's
 * preprocessing (transformers' CLIPImageProcessor) resizes with Pillow and the checker was calibrated on what
 * that gives. Pillow's resampler is a separable convolution: the kernel is stretched by the scale when
 * shrinking (so it averages, unlike plain bicubic interpolation), the taps that fall outside the picture are
 * dropped and the rest renormalised, coefficients are fixed point with 22 fractional bits, and the horizontal
 * pass is rounded to 8 bits before the vertical one. All of that is reproduced, so the bytes are Pillow's.
 */
import type { RgbImage } from '../rgb-image.js';

export type PilFilter = 'bilinear' | 'bicubic';

/** Pillow's filters: the kernel and how far it reaches at scale 1. Bicubic is Keys' cubic with a = -0.5. */
const FILTERS: Record<PilFilter, { support: number; kernel: (x: number) => number }> = {
  bilinear: {
    support: 1,
    kernel: (x) => {
      const t = Math.abs(x);
      return t < 1 ? 1 - t : 0;
    },
  },
  bicubic: {
    support: 2,
    kernel: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/** For each output index: the first input index it reads and its fixed-point weights. */
interface Taps {
  first: Int32Array;
  weights: Int32Array[];
}

/** Pillow's precompute_coeffs followed by its 8-bit normalisation, for one axis. */
function taps(inSize: number, outSize: number, filter: PilFilter): Taps {
  const { support: reach, kernel } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = reach * filterScale;
  const first = new Int32Array(outSize);
  const weights: Int32Array[] = [];
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    // C's (int) cast truncates toward zero; the clamp makes the difference from floor harmless.
    const min = Math.max(Math.trunc(center - support + 0.5), 0);
    const max = Math.min(Math.trunc(center + support + 0.5), inSize);
    const raw = new Float64Array(max - min);
    let sum = 0;
    for (let i = 0; i < raw.length; i++) {
      raw[i] = kernel((i + min - center + 0.5) / filterScale);
      sum += raw[i]!;
    }
    const fixed = new Int32Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const w = sum !== 0 ? raw[i]! / sum : raw[i]!;
      fixed[i] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    first[out] = min;
    weights.push(fixed);
  }
  return { first, weights };
}

/** A fixed-point sum back to a byte, as Pillow's clip8. */
function clip8(sum: number): number {
  const value = Math.floor(sum / ONE);
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

function resizeRows(image: RgbImage, width: number, filter: PilFilter): RgbImage {
  const { first, weights } = taps(image.width, width, filter);
  const data = new Uint8Array(width * image.height * 3);
  for (let y = 0; y < image.height; y++) {
    const row = y * image.width * 3;
    for (let x = 0; x < width; x++) {
      const k = weights[x]!;
      const start = row + first[x]! * 3;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let i = 0; i < k.length; i++) {
        const at = start + i * 3;
        r += image.data[at]! * k[i]!;
        g += image.data[at + 1]! * k[i]!;
        b += image.data[at + 2]! * k[i]!;
      }
      const to = (y * width + x) * 3;
      data[to] = clip8(r);
      data[to + 1] = clip8(g);
      data[to + 2] = clip8(b);
    }
  }
  return { width, height: image.height, data };
}

function resizeColumns(image: RgbImage, height: number, filter: PilFilter): RgbImage {
  const { first, weights } = taps(image.height, height, filter);
  const stride = image.width * 3;
  const data = new Uint8Array(image.width * height * 3);
  for (let y = 0; y < height; y++) {
    const k = weights[y]!;
    const start = first[y]! * stride;
    for (let v = 0; v < stride; v++) {
      let sum = HALF;
      for (let i = 0; i < k.length; i++) sum += image.data[start + i * stride + v]! * k[i]!;
      data[y * stride + v] = clip8(sum);
    }
  }
  return { width: image.width, height, data };
}

/** The picture at exactly width x height, byte for byte what Pillow's resize gives an RGB image. */
export function resizeLikePil(image: RgbImage, width: number, height: number, filter: PilFilter = 'bicubic'): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`cannot resize to ${width}x${height}`);
  }
  // Pillow skips a pass whose size does not change (at scale 1 the kernel is the identity anyway).
  const rows = width === image.width ? image : resizeRows(image, width, filter);
  return height === image.height ? rows : resizeColumns(rows, height, filter);
}
