/**
 * What the pipeline's entry points take and give back (txt2img, img2img, inpaint), and the checks every
 * request passes before any model runs. A new per-request option (a LoRA scale, ControlNet images, a hires
 * upscale factor) is declared here, on the request of the entry points that take it.
 */
import { VAE_DOWNSCALE } from './model/model-folder.js';
import { LATENT_UPSCALERS, type LatentUpscaler } from './latent-upscale.js';
import type { RgbImage } from './rgb-image.js';
import type { FloatTensor } from './tensor.js';
import type { UpscalerModel } from './upscale/upscaler-model.js';

/** What every entry point takes; every field without a default is required. */
export interface GenerationRequest {
  prompt: string;
  /** What to steer away from; the empty string is the plain unconditional embedding. Default "". */
  negativePrompt?: string;
  /** Scheduler name from `schedulerNames`, e.g. "euler". */
  sampler: string;
  steps: number;
  /**
   * Classifier-free guidance scale; values <= 1 skip the unconditional pass, as diffusers does. LCM UNets that
   * take `timestep_cond` get it as an embedding instead, and never make the unconditional pass.
   */
  guidanceScale: number;
  width: number;
  height: number;
  /** One image per seed; the initial noise of each image depends only on its own seed. */
  seeds: readonly bigint[];
  /**
   * AUTOMATIC1111's variation seeds: one per image, whose noise is blended (slerp) into the seed's noise by
   * `strength` (0 = the seed alone, 1 = the variation seed alone). Small strengths give variations of an image.
   */
  variation?: { seeds: readonly bigint[]; strength: number };
  /** AUTOMATIC1111's hires fix: a second pass at a larger size from the first pass's upscaled result. */
  hires?: HiresPass;
  /** Checked between denoising steps; when aborted, the call rejects with GenerationAbortedError. */
  signal?: AbortSignal;
  /** Called after every denoising step with the current latents (unscaled, [images, 4, h/8, w/8]). */
  onStep?: (progress: StepProgress) => void | Promise<void>;
}

/**
 * How the first pass's result is enlarged: in latent space (torch's interpolate modes), or as pixels by
 * Lanczos or by an upscaler model (HiresPass.upscalerModel; then Lanczos to the exact size).
 */
export type HiresUpscaler = LatentUpscaler | 'lanczos' | 'model';
export const HIRES_UPSCALERS: readonly HiresUpscaler[] = [...LATENT_UPSCALERS, 'lanczos', 'model'];

/**
 * The hires fix's second pass: the first pass's latents (or its decoded pictures, for `lanczos`) enlarged to
 * width x height, noised to `strength` of `steps`' schedule and denoised from there, as img2img would with
 * the same prompts and seeds (fresh noise of the new size from each image's seed, as AUTOMATIC1111 does).
 */
export interface HiresPass {
  width: number;
  height: number;
  steps: number;
  strength: number;
  upscaler: HiresUpscaler;
  /** With upscaler `model`: the network that enlarges each decoded first-pass picture. */
  upscalerModel?: UpscalerModel;
}

/**
 * img2img: start from this picture (the request's width x height) instead of pure noise. `strength` (0..1) is
 * how much of the schedule is run: the picture is encoded by the VAE, noised to the timestep `strength` of
 * the way up, and denoised from there, so 0 gives it back and 1 ignores it (as diffusers' img2img pipeline).
 */
export interface InitImage {
  image: RgbImage;
  strength: number;
}

/** Inpainting: `mask` (width x height bytes; 255 repaints, 0 keeps) says where the picture may change (inpaint.ts). */
export interface InpaintInit extends InitImage {
  mask: Uint8Array;
}

export interface Img2ImgRequest extends GenerationRequest {
  init: InitImage;
}

export interface InpaintRequest extends GenerationRequest {
  init: InpaintInit;
}

/**
 * txt2img's request. It still accepts `init` (with an optional mask), as before img2img and inpaint had entry
 * points of their own: such a request runs exactly as img2img or inpaint would.
 */
export interface Txt2ImgRequest extends GenerationRequest {
  init?: InitImage & { mask?: Uint8Array };
}

export interface StepProgress {
  /** Counted over both passes of a hires fix, so that step / totalSteps is the progress of the whole job. */
  step: number;
  totalSteps: number;
  /** 1, or 2 for a hires fix's second pass (whose latents are of the larger size). */
  pass: 1 | 2;
  timestep: number;
  latents: FloatTensor;
  /** How long this step took (the UNet and the scheduler), in milliseconds. */
  durationMs: number;
}

export interface GenerationResult {
  images: RgbImage[];
  /** Notes about the request, such as a prompt truncated to the text encoder's length. */
  warnings: string[];
}

/** The result of any entry point; the txt2img name is the one callers have used so far. */
export type Txt2ImgResult = GenerationResult;

export class GenerationAbortedError extends Error {
  constructor() {
    super('generation was cancelled');
    this.name = 'GenerationAbortedError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new GenerationAbortedError();
}

/** Rejects what no model could run: no seeds, a bad strength, an init image or mask of the wrong size, odd sizes. */
export function checkRequest(request: Txt2ImgRequest): void {
  if (request.seeds.length === 0) throw new RangeError('at least one seed is needed');
  if (request.init) {
    const { image, strength } = request.init;
    if (!(strength >= 0 && strength <= 1)) throw new RangeError(`init strength must be between 0 and 1, got ${strength}`);
    if (image.width !== request.width || image.height !== request.height) {
      throw new RangeError(`init image is ${image.width}x${image.height}, the request ${request.width}x${request.height}`);
    }
    const mask = request.init.mask;
    if (mask && mask.length !== request.width * request.height) {
      throw new RangeError(`mask has ${mask.length} pixels, the request ${request.width * request.height} (one byte per pixel)`);
    }
  }
  if (!Number.isInteger(request.steps) || request.steps < 1) throw new RangeError('steps must be a positive integer');
  const sizes: [string, number][] = [['width', request.width], ['height', request.height]];
  if (request.hires) {
    const { steps, strength, upscaler, width, height } = request.hires;
    if (request.init) throw new RangeError('the hires fix is for text-to-image: a request with an init image has none');
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError('hires steps must be a positive integer');
    if (!(strength >= 0 && strength <= 1)) throw new RangeError(`hires strength must be between 0 and 1, got ${strength}`);
    if (!HIRES_UPSCALERS.includes(upscaler)) throw new RangeError(`hires upscaler must be one of ${HIRES_UPSCALERS.join(', ')}, got ${String(upscaler)}`);
    if ((upscaler === 'model') !== (request.hires.upscalerModel !== undefined)) throw new RangeError('hires upscalerModel goes with upscaler "model", and only with it');
    sizes.push(['hires width', width], ['hires height', height]);
  }
  for (const [name, value] of sizes) {
    if (!Number.isInteger(value) || value <= 0 || value % VAE_DOWNSCALE !== 0) {
      throw new RangeError(`${name} must be a positive multiple of ${VAE_DOWNSCALE}, got ${value}`);
    }
  }
}
