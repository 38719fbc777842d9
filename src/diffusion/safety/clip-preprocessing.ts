/**
 * What the safety checker's `clip_input` is: transformers' CLIPImageProcessor as a model folder's
 * `feature_extractor/preprocessor_config.json` describes it (resize the shortest edge to 224 with Pillow's
 * bicubic, centre-crop 224x224, rescale by 1/255, normalise with CLIP's mean and std), applied to the 8-bit
 * picture as diffusers' pipelines do (they hand the processor PIL images). The values come out as numpy's
 * float32 arithmetic gives them.
 */
import fs from 'node:fs/promises';
import type { RgbImage } from '../rgb-image.js';
import type { FloatTensor } from '../tensor.js';
import { resizeLikePil, type PilFilter } from './pil-resample.js';

export interface ClipPreprocessing {
  /** `shortestEdge`: scale so the shorter side is that long (aspect kept); `height`/`width`: exactly that. */
  resize: { shortestEdge: number } | { height: number; width: number } | undefined;
  filter: PilFilter;
  /** The centre crop's size; undefined: no crop. */
  crop: { height: number; width: number } | undefined;
  /** Multiplies the 0..255 values; undefined: no rescale. */
  rescale: number | undefined;
  /** Per-channel (x - mean) / std; undefined: no normalisation. */
  normalize: { mean: [number, number, number]; std: [number, number, number] } | undefined;
}

/** CLIP ViT-L/14's processor, which every Stable Diffusion safety checker uses. */
export const CLIP_PREPROCESSING: ClipPreprocessing = {
  resize: { shortestEdge: 224 },
  filter: 'bicubic',
  crop: { height: 224, width: 224 },
  rescale: 1 / 255,
  normalize: { mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] },
};

/** PIL's resampling constants as configs write them (`resample`). */
const PIL_FILTERS: Record<number, PilFilter> = { 2: 'bilinear', 3: 'bicubic' };

/**
 * A preprocessor_config.json's settings, each one the config leaves out taken from CLIP's: both the old
 * CLIPFeatureExtractor form (`"size": 224, "crop_size": 224`) and CLIPImageProcessor's
 * (`"size": {"shortest_edge": 224}, "crop_size": {"height": 224, "width": 224}`).
 */
export function clipPreprocessingFrom(config: Record<string, unknown>): ClipPreprocessing {
  const defaults = CLIP_PREPROCESSING;
  const resample = config.resample ?? 3;
  const filter = typeof resample === 'number' ? PIL_FILTERS[resample] : undefined;
  if (!filter) throw new Error(`preprocessor resample ${JSON.stringify(resample)} is not supported (2 bilinear or 3 bicubic)`);
  const mean = config.image_mean === undefined ? defaults.normalize!.mean : triple(config.image_mean, 'image_mean');
  const std = config.image_std === undefined ? defaults.normalize!.std : triple(config.image_std, 'image_std');
  if (std.some((s) => s <= 0)) throw new Error(`preprocessor image_std must be positive, got ${JSON.stringify(config.image_std)}`);
  return {
    resize: config.do_resize === false ? undefined : config.size === undefined ? defaults.resize : resizeSize(config.size),
    filter,
    crop: config.do_center_crop === false ? undefined : config.crop_size === undefined ? defaults.crop : cropSize(config.crop_size),
    rescale: config.do_rescale === false ? undefined : config.rescale_factor === undefined ? defaults.rescale : positive(config.rescale_factor, 'rescale_factor'),
    normalize: config.do_normalize === false ? undefined : { mean, std },
  };
}

/** A preprocessor config file's settings; CLIP's when there is no such file. */
export async function readClipPreprocessing(file: string): Promise<ClipPreprocessing> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return CLIP_PREPROCESSING;
    throw error;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    config = undefined;
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error(`${file} is not a JSON object`);
  try {
    return clipPreprocessingFrom(config as Record<string, unknown>);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The size the resize step gives a width x height picture (transformers truncates the longer side). */
export function clipResizeSize(width: number, height: number, p: ClipPreprocessing): { width: number; height: number } {
  if (!p.resize) return { width, height };
  if (!('shortestEdge' in p.resize)) return { width: p.resize.width, height: p.resize.height };
  const edge = p.resize.shortestEdge;
  return width <= height ? { width: edge, height: Math.trunc((edge * height) / width) } : { width: Math.trunc((edge * width) / height), height: edge };
}

/** The processor's `pixel_values` for one picture: [1, 3, h, w] float32. */
export function clipPixelValues(image: RgbImage, p: ClipPreprocessing = CLIP_PREPROCESSING): FloatTensor {
  const size = clipResizeSize(image.width, image.height, p);
  const resized = resizeLikePil(image, size.width, size.height, p.filter);
  const { height, width } = p.crop ?? size;
  // transformers' centre crop: the offset rounds down, and a picture smaller than the crop is padded with zeros.
  const top = Math.floor((resized.height - height) / 2);
  const left = Math.floor((resized.width - width) / 2);
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  const mean = p.normalize?.mean.map(Math.fround);
  const std = p.normalize?.std.map(Math.fround);
  for (let y = 0; y < height; y++) {
    const sy = y + top;
    for (let x = 0; x < width; x++) {
      const sx = x + left;
      const inside = sy >= 0 && sy < resized.height && sx >= 0 && sx < resized.width;
      for (let c = 0; c < 3; c++) {
        let value = inside ? resized.data[(sy * resized.width + sx) * 3 + c]! : 0;
        // numpy: the rescale in float64 then stored as float32; the normalisation in float32.
        if (p.rescale !== undefined) value = Math.fround(value * p.rescale);
        if (mean && std) value = Math.fround(Math.fround(value - mean[c]!) / std[c]!);
        data[c * plane + y * width + x] = value;
      }
    }
  }
  return { data, dims: [1, 3, height, width] };
}

function triple(value: unknown, name: string): [number, number, number] {
  const values = typeof value === 'number' ? [value, value, value] : value;
  if (!Array.isArray(values) || values.length !== 3 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`preprocessor ${name} must be a number or three numbers, got ${JSON.stringify(value)}`);
  }
  return values as [number, number, number];
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`preprocessor ${name} must be a positive number, got ${JSON.stringify(value)}`);
  return value;
}

function side(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`preprocessor ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/** `size`: an integer (the shortest edge, as CLIP's processor reads it), {shortest_edge} or {height, width}. */
function resizeSize(value: unknown): ClipPreprocessing['resize'] {
  if (typeof value === 'number') return { shortestEdge: side(value, 'size') };
  const size = (value ?? {}) as Record<string, unknown>;
  if (size.shortest_edge !== undefined) return { shortestEdge: side(size.shortest_edge, 'size.shortest_edge') };
  if (size.height !== undefined || size.width !== undefined) return { height: side(size.height, 'size.height'), width: side(size.width, 'size.width') };
  throw new Error(`preprocessor size ${JSON.stringify(value)} is neither a number, {shortest_edge} nor {height, width}`);
}

/** `crop_size`: an integer (a square) or {height, width}. */
function cropSize(value: unknown): ClipPreprocessing['crop'] {
  if (typeof value === 'number') return { height: side(value, 'crop_size'), width: side(value, 'crop_size') };
  const size = (value ?? {}) as Record<string, unknown>;
  return { height: side(size.height, 'crop_size.height'), width: side(size.width, 'crop_size.width') };
}
