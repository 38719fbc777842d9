/**
 * The request policy: what a client asked for (the fields of `generate`, the parameters written in its
 * prompt) -> checked GenerationParams with every default filled in, or a GenerationRequestError naming the
 * field. Pure: what is installed and stored comes in as a RequestContext.
 */
import { randomBytes } from 'node:crypto';
import { flowSamplerNames, type ModelFamily } from '../diffusion/index.js';
import type { Role } from '../accounts/viewer.js';
import { checkJobCost, jobCost } from './job-cost.js';
import { checkHires, type HiresRequest } from './hires-request.js';
import type { CheckedParams, PreviewMethod } from './job.js';
import type { PictureInfo } from './pictures.js';
import { checkLoras, type LoraRequest, type RequestLora } from './lora-request.js';
import { LoraTagError, takeLoraTags, type LoraMention } from './lora-tags.js';
import { fitsBudget, largestSquareSide, maxPixelsAtBatch, maxPixelsFor } from './memory-budget.js';
import { parsePromptParameters, PromptParameterError, sizeForAspectRatio, type PromptParameters } from './prompt-parameters.js';
import { GenerationRequestError } from './request-errors.js';
import { checkPriority, checkRange, DEFAULTS, LIMITS } from './request-limits.js';


/** What a client may ask for; every field but the prompt is optional (null or absent: the default). */
export interface GenerateRequest {
  prompt: string;
  negativePrompt?: string | null;
  model?: string | null;
  sampler?: string | null;
  steps?: number | null;
  guidanceScale?: number | null;
  width?: number | null;
  height?: number | null;
  seed?: bigint | null;
  variationSeed?: bigint | null;
  variationStrength?: number | null;
  initImageId?: string | null;
  maskImageId?: string | null;
  denoisingStrength?: number | null;
  batchSize?: number | null;
  previewMethod?: PreviewMethod | null;
  priority?: number | null;
  /** LoRAs to apply, beside those the prompt's `<lora:name:weight>` tags name. */
  loras?: readonly LoraRequest[] | null;
  /** The hires fix: a second pass at `scale` times the size (or at width x height), from the first's result. */
  hires?: HiresRequest | null;
}

/** What a request check needs to know of an installed model. */
export interface RequestModel {
  name: string;
  defaultSize: number;
  family: ModelFamily;
  defaults: { sampler: string; steps: number; guidanceScale: number };
}

export interface RequestContext {
  /** Installed models with their native size in pixels, family, and the sampler, steps and guidance that suit them. */
  models: ReadonlyArray<RequestModel>;
  /** ATELIER_MAX_PIXELS: the pixels one image of a batchSize-1 job may have on any model, instead of each model's own. */
  maxPixels?: number;
  /** Folders in the models directory that are not usable models, and why: named in the error for a request naming one. */
  unusableModels?: ReadonlyArray<{ name: string; problem: string }>;
  defaultModel: string;
  samplers: readonly string[];
  /** Whether TAESD previews are installed (ATELIER_TAESD_DIR). */
  taesdAvailable: boolean;
  /** The stored picture `initImageId` names; null when it names none that exists. */
  initImage?: PictureInfo | null;
  /** The stored picture `maskImageId` names; null when it names none that exists. */
  mask?: PictureInfo | null;
  /** The role of the account asking: only an ADMIN may give a priority above 0. */
  viewerRole: Role;
  /** The most one job may cost (generation/job-cost.ts); undefined: no bound. */
  maxJobCost?: number;
  /** The installed LoRAs (ATELIER_LORAS_DIR); none when absent. */
  loras?: ReadonlyArray<RequestLora>;
  /** The installed upscaler models (ATELIER_UPSCALERS_DIR), for a hires fix that names one; none when absent. */
  upscalers?: ReadonlyArray<{ name: string }>;
}

/** Checks a request and fills in defaults. Throws a GenerationRequestError naming the field. */
export function checkGenerateRequest(input: GenerateRequest, context: RequestContext): CheckedParams {
  checkLength('prompt', input.prompt);
  const { prompt, parameters, loraTags } = splitPromptParameters(input.prompt);
  if (prompt === '') throw new GenerationRequestError('prompt', 'prompt must not be empty');
  // --no adds to the negative prompt; every other prompt parameter fills a field the input left out.
  const negativePrompt = [(input.negativePrompt ?? '').trim(), parameters.negative ?? ''].filter(Boolean).join(', ');
  checkLength('negativePrompt', negativePrompt);

  const model = findModel(input.model ?? context.defaultModel, context);
  const loras = checkLoras(input.loras ?? [], loraTags, context.loras ?? [], model);
  const sampler = input.sampler ?? model.defaults.sampler;
  if (!context.samplers.includes(sampler)) {
    throw new GenerationRequestError('sampler', `unknown sampler "${sampler}"; use one of ${context.samplers.join(', ')}`, {
      allowedValues: context.samplers,
    });
  }
  // SD3 and FLUX are flow-matching models: only the samplers with a flow variant step their velocity.
  if (isFlowFamily(model.family) && !flowSamplerNames().includes(sampler)) {
    const allowed = flowSamplerNames().filter((name) => context.samplers.includes(name));
    throw new GenerationRequestError(
      'sampler',
      `sampler "${sampler}" does not work with ${model.family === 'sd3' ? 'SD3' : 'FLUX'} models (flow matching), such as "${model.name}"; use one of ${allowed.join(', ')}`,
      { allowedValues: allowed },
    );
  }

  const shaped = parameters.aspectRatio ? sizeForAspectRatio(parameters.aspectRatio, model.defaultSize) : undefined;
  const { initImageId, maskImageId, denoisingStrength } = checkInitImage(input, context);

  const batchSize = input.batchSize ?? DEFAULTS.batchSize;
  checkRange('batchSize', batchSize, LIMITS.batchSize);
  // An init image's size is the default (rounded down to a multiple of 8 within the limits, and scaled down to
  // the memory budget: a phone photo must not default to a job that cannot run).
  const budget = maxPixelsAtBatch(maxPixelsFor(model, context.maxPixels), batchSize);
  const fromInit = context.initImage ? initSize(context.initImage, budget) : undefined;
  const width = input.width ?? shaped?.width ?? fromInit?.width ?? model.defaultSize;
  const height = input.height ?? shaped?.height ?? fromInit?.height ?? model.defaultSize;
  checkSize('width', width);
  checkSize('height', height);
  const steps = input.steps ?? parameters.steps ?? model.defaults.steps;
  checkRange('steps', steps, LIMITS.steps);
  const guidanceScale = input.guidanceScale ?? parameters.guidanceScale ?? model.defaults.guidanceScale;
  checkRange('guidanceScale', guidanceScale, LIMITS.guidanceScale);
  const hires = input.hires ? checkHires(input.hires, { width, height, steps, batchSize }, initImageId !== null, context.upscalers ?? []) : null;
  checkMemoryBudget(model, width, height, batchSize, context.maxPixels);
  if (hires) checkMemoryBudget(model, hires.width, hires.height, batchSize, context.maxPixels, 'hires.');
  checkJobCost({ width, height, steps, batchSize }, context.maxJobCost, hires ? jobCost({ ...hires, batchSize }) : 0);
  const priority = checkPriority(input.priority, context.viewerRole);

  const seed = input.seed ?? parameters.seed ?? randomSeed();
  checkSeed('seed', seed, batchSize);

  const previewMethod = input.previewMethod ?? (context.taesdAvailable ? 'TAESD' : 'LATENT2RGB');
  if (previewMethod === 'TAESD' && !context.taesdAvailable) {
    throw new GenerationRequestError('previewMethod', 'TAESD previews are not installed on this server (ATELIER_TAESD_DIR)', {
      allowedValues: ['LATENT2RGB'],
    });
  }
  const variationStrength = input.variationStrength ?? 0;
  checkRange('variationStrength', variationStrength, LIMITS.variationStrength);
  const variationSeed = input.variationSeed ?? (variationStrength > 0 ? randomSeed() : null);
  if (variationSeed !== null) checkSeed('variationSeed', variationSeed, batchSize);

  return {
    ...{ prompt, negativePrompt, model: model.name, sampler, steps, guidanceScale, width, height, seed, batchSize, priority },
    ...{ variationSeed, variationStrength, initImageId, maskImageId, denoisingStrength, previewMethod, loras, hires, upscale: null },
    ...(context.initImage ? { initImageKind: context.initImage.kind } : {}),
  };
}

/** The named model, or why it cannot be had: not installed, or a folder that is not a usable model. */
function findModel(name: string, context: RequestContext): RequestModel {
  const model = context.models.find((m) => m.name === name);
  if (model) return model;
  const names = context.models.map((m) => m.name);
  const unusable = context.unusableModels?.find((m) => m.name === name);
  if (unusable) {
    throw new GenerationRequestError('model', `model "${name}" cannot be used: ${unusable.problem}`, { allowedValues: names, reason: 'MODEL_UNUSABLE' });
  }
  // Bad input like any other field; `reason` lets clients tell it apart (DESIGN.md's MODEL_NOT_FOUND).
  throw new GenerationRequestError('model', `unknown model "${name}"; installed: ${names.join(', ') || 'none'}`, {
    allowedValues: names,
    reason: 'MODEL_NOT_FOUND',
  });
}

/** img2img and inpainting: the init image must exist, and strength and mask only come with one. */
function checkInitImage(
  input: GenerateRequest,
  context: RequestContext,
): { initImageId: string | null; maskImageId: string | null; denoisingStrength: number } {
  const initImageId = input.initImageId ?? null;
  if (initImageId !== null && !context.initImage) {
    throw new GenerationRequestError('initImageId', `no stored image has the id "${initImageId}"`, { reason: 'IMAGE_NOT_FOUND' });
  }
  if (initImageId === null && input.denoisingStrength != null) {
    throw new GenerationRequestError('denoisingStrength', 'denoisingStrength applies only with initImageId (img2img)');
  }
  const maskImageId = input.maskImageId ?? null;
  if (maskImageId !== null && initImageId === null) {
    throw new GenerationRequestError('maskImageId', 'maskImageId applies only with initImageId (inpainting)');
  }
  if (maskImageId !== null && context.mask?.kind !== 'upload') {
    throw new GenerationRequestError('maskImageId', `no uploaded image has the id "${maskImageId}" (masks come from uploadImage)`, {
      reason: 'IMAGE_NOT_FOUND',
    });
  }
  const denoisingStrength = input.denoisingStrength ?? DEFAULTS.denoisingStrength;
  checkRange('denoisingStrength', denoisingStrength, LIMITS.denoisingStrength);
  return { initImageId, maskImageId, denoisingStrength };
}

/**
 * Midjourney-style "--ar 16:9 --seed 42 --no text" at the end of the prompt, and AUTOMATIC1111's `<lora:name:0.8>`
 * tags in it, split off the text that is encoded; a malformed one names the prompt.
 */
function splitPromptParameters(text: string): { prompt: string; parameters: PromptParameters; loraTags: LoraMention[] } {
  try {
    const { prompt, parameters } = parsePromptParameters(text);
    const { prompt: untagged, loras } = takeLoraTags(prompt);
    return { prompt: untagged, parameters, loraTags: loras };
  } catch (error) {
    if (error instanceof PromptParameterError) {
      throw new GenerationRequestError('prompt', error.message, { reason: `PROMPT_PARAMETER_${error.parameter.toUpperCase()}` });
    }
    if (error instanceof LoraTagError) throw new GenerationRequestError('prompt', error.message, { reason: 'PROMPT_PARAMETER_LORA' });
    throw error;
  }
}

/** An init image's size as the default: its sides rounded down to multiples of 8 within the size limits, and
 * both scaled down alike (keeping the aspect ratio) until the image fits `maxPixels`. */
function initSize(picture: { width: number; height: number }, maxPixels: number): { width: number; height: number } {
  const fit = (side: number) => Math.min(LIMITS.size.max, Math.max(LIMITS.size.min, side - (side % LIMITS.size.multipleOf)));
  const [width, height] = [fit(picture.width), fit(picture.height)];
  if (width * height <= maxPixels) return { width, height };
  const scale = Math.sqrt(maxPixels / (width * height));
  return { width: fit(Math.floor(width * scale)), height: fit(Math.floor(height * scale)) };
}

/**
 * A random seed in 0..2^32-1, the range AUTOMATIC1111 and ComfyUI users type and share (PyTorch's
 * generator uses only the low 32 bits anyway).
 */
function randomSeed(): bigint {
  return BigInt(randomBytes(4).readUInt32BE(0));
}

function checkLength(field: string, value: string): void {
  if (value.length > LIMITS.promptLength) {
    throw new GenerationRequestError(field, `${field} is ${value.length} characters; the limit is ${LIMITS.promptLength}`, {
      max: LIMITS.promptLength,
    });
  }
}


/** A seed (and the batchSize - 1 seeds after it) must fit in 0..2^64-1. */
function checkSeed(field: string, seed: bigint, batchSize: number): void {
  const max = LIMITS.seed.max;
  if (seed < LIMITS.seed.min || seed > max) {
    throw new GenerationRequestError(field, `${field} must be between 0 and ${max}, got ${seed}`, { min: '0', max: max.toString() });
  }
  const last = max - BigInt(batchSize - 1);
  if (seed > last) throw new GenerationRequestError(field, `${field} + batchSize - 1 must not exceed ${max}`, { min: '0', max: last.toString() });
}

/**
 * Memory admission: a job is accepted only if its largest UNet call fits (memory-budget.ts says why the budget
 * is batchSize x pixels^2). Names width when one image alone is too large, batchSize when the batch makes it so.
 */
function checkMemoryBudget(model: RequestModel, width: number, height: number, batchSize: number, override: number | undefined, prefix = ''): void {
  const maxPixels = maxPixelsFor(model, override);
  const pixels = width * height;
  if (fitsBudget(pixels, batchSize, maxPixels)) return;
  const atBatch = maxPixelsAtBatch(maxPixels, batchSize);
  const side = largestSquareSide(atBatch);
  const field = fitsBudget(pixels, 1, maxPixels) ? 'batchSize' : `${prefix}width`;
  throw new GenerationRequestError(
    field,
    `${width}x${height} x batchSize ${batchSize} needs more memory than model "${model.name}" may use: at batchSize ${batchSize} ` +
      `an image may have at most ${atBatch} pixels (e.g. ${side}x${side}), got ${pixels}; memory grows with batchSize x (width x height)^2`,
    { fields: [`${prefix}width`, `${prefix}height`, 'batchSize'], maxPixels: atBatch, batchSize, reason: 'OVER_MEMORY_BUDGET' },
  );
}

function checkSize(field: 'width' | 'height', value: number): void {
  const { min, max, multipleOf } = LIMITS.size;
  if (value < min || value > max || value % multipleOf !== 0) {
    throw new GenerationRequestError(field, `${field} must be a multiple of ${multipleOf} between ${min} and ${max}, got ${value}`, { min, max });
  }
}

/** The families whose models are flow-matching transformers (SD3, FLUX). */
export function isFlowFamily(family: ModelFamily): boolean {
  return family === 'sd3' || family === 'flux';
}
