/**
 * upscaleImage's request policy: a stored picture (a generated image or an upload) enlarged by an upscaler
 * model, as a job of its own kind (GenerationParams.upscale set; initImageId is the source). The job keeps the
 * source image's parameters (prompt, model, seed, ...) so that its picture is found and described as the one it
 * was made from; an upload's job has an empty prompt and no model. Its width and height are the result's.
 */
import type { Role } from '../accounts/viewer.js';
import { checkPriority } from './request-limits.js';
import type { CheckedParams, UpscaleParams } from './job.js';
import type { PictureInfo, RemixSource } from './pictures.js';
import { checkUpscaleCost } from './job-cost.js';
import { GenerationRequestError, PictureNotFoundError } from './request-errors.js';

export interface UpscaleRequest {
  imageId: string;
  /** An upscaler's name from the `upscalers` query. */
  upscaler: string;
  /** How much larger each side gets; default: the upscaler's own scale. */
  scale?: number | null;
  priority?: number | null;
}

/** An installed upscaler as the check needs it. */
export interface RequestUpscaler {
  name: string;
  hash: string;
  scale: number;
}

export interface UpscaleContext {
  /** The picture as the viewer sees it (null: unknown, or not theirs to read). */
  picture: PictureInfo | null;
  /** The picture's generation, when it is a generated image. */
  generated: RemixSource | null;
  upscalers: readonly RequestUpscaler[];
  /** The most pixels a result may have (ATELIER_MAX_UPSCALE_PIXELS). */
  maxPixels: number;
  maxJobCost?: number;
  viewerRole: Role;
}

/** 4x of a 1024x1024 picture (tiles keep the memory of the run small; the result itself is 48 MiB as RGB). */
export const DEFAULT_MAX_UPSCALE_PIXELS = 4096 * 4096;

export const UPSCALE_LIMITS = { scale: { min: 1, max: 8 }, side: { max: 16384 } } as const;

export function checkUpscaleRequest(request: UpscaleRequest, context: UpscaleContext): CheckedParams {
  const { picture } = context;
  if (!picture) throw new PictureNotFoundError(request.imageId);
  const upscaler = context.upscalers.find((u) => u.name === request.upscaler);
  const names = context.upscalers.map((u) => u.name);
  if (!upscaler) {
    const installed = names.length ? `use one of ${names.join(', ')}` : 'none is installed (put .onnx upscalers in ATELIER_UPSCALERS_DIR)';
    throw new GenerationRequestError('upscaler', `unknown upscaler "${request.upscaler}"; ${installed}`, { allowedValues: names, reason: 'UNKNOWN_UPSCALER' });
  }
  const scale = request.scale ?? upscaler.scale;
  const { min, max } = UPSCALE_LIMITS.scale;
  // 1 keeps the size: for 1x models (restorers, denoisers).
  if (!Number.isFinite(scale) || scale < min || scale > max) {
    throw new GenerationRequestError('scale', `scale must be between ${min} and ${max}, got ${scale}`, { min, max });
  }
  const width = Math.round(picture.width * scale);
  const height = Math.round(picture.height * scale);
  const largest = Math.min(Math.sqrt(context.maxPixels / (picture.width * picture.height)), UPSCALE_LIMITS.side.max / Math.max(picture.width, picture.height));
  if (width * height > context.maxPixels || Math.max(width, height) > UPSCALE_LIMITS.side.max) {
    const most = Math.floor(largest * 100) / 100;
    throw new GenerationRequestError(
      'scale',
      `a ${picture.width}x${picture.height} picture upscaled ${scale}x would be ${width}x${height}, over the ${context.maxPixels} pixels (and ${UPSCALE_LIMITS.side.max} per side) a result may have; the most for it is ${most}x`,
      { min, max: most, reason: 'RESULT_TOO_LARGE', maxPixels: context.maxPixels, setting: 'ATELIER_MAX_UPSCALE_PIXELS' },
    );
  }
  checkUpscaleCost(width, height, context.maxJobCost);
  const priority = checkPriority(request.priority, context.viewerRole);
  const upscale: UpscaleParams = { upscaler: upscaler.name, hash: upscaler.hash, scale };
  return { ...sourceParameters(context.generated), width, height, priority, upscale, initImageId: picture.id, initImageKind: picture.kind };
}

/** The source image's parameters (its own seed, a batch of one), or an upload's empty ones. */
function sourceParameters(generated: RemixSource | null): Omit<CheckedParams, 'width' | 'height' | 'priority' | 'upscale' | 'initImageId'> {
  const common = { maskImageId: null, denoisingStrength: 0, batchSize: 1, hires: null, previewMethod: 'LATENT2RGB' as const };
  if (!generated) {
    return { ...common, prompt: '', negativePrompt: '', model: '', sampler: '', steps: 0, guidanceScale: 0, seed: 0n, variationSeed: null, variationStrength: 0, loras: [] };
  }
  const { image, generation } = generated;
  return {
    ...common,
    ...{ prompt: generation.prompt, negativePrompt: generation.negativePrompt, model: generation.model, sampler: generation.sampler },
    ...{ steps: generation.steps, guidanceScale: generation.guidanceScale, seed: image.seed, loras: generation.loras },
    variationSeed: generation.variationSeed === null ? null : generation.variationSeed + BigInt(image.index),
    variationStrength: generation.variationStrength,
  };
}
