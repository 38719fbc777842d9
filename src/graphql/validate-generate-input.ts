import { randomBytes } from 'node:crypto';
import { parsePromptParameters, PromptParameterError, sizeForAspectRatio } from '../generation/prompt-parameters.js';
import type { GenerationParams } from '../generation/job.js';
import { badInput } from './errors.js';
import type { GenerateInput } from './types/generate-input.js';

/** Limits of a generation request; the error for a value outside names the field and these bounds. */
export const LIMITS = {
  promptLength: 10_000,
  size: { min: 64, max: 2048, multipleOf: 8 },
  steps: { min: 1, max: 150 },
  guidanceScale: { min: 0, max: 30 },
  batchSize: { min: 1, max: 8 },
  priority: { min: -100, max: 100 },
  seed: { min: 0n, max: 2n ** 64n - 1n },
  variationStrength: { min: 0, max: 1 },
  denoisingStrength: { min: 0, max: 1 },
} as const;

/** Defaults that do not depend on the model; sampler, steps and guidance come from the model (Model.defaults). */
export const DEFAULTS = { batchSize: 1, priority: 0, denoisingStrength: 0.75 } as const;

export interface InputContext {
  /** Installed models with their native size in pixels and the sampler, steps and guidance that suit them. */
  models: ReadonlyArray<{ name: string; defaultSize: number; defaults: { sampler: string; steps: number; guidanceScale: number } }>;
  /** Folders in the models directory that are not usable models, and why: named in the error for a request naming one. */
  unusableModels?: ReadonlyArray<{ name: string; problem: string }>;
  defaultModel: string;
  samplers: readonly string[];
  /** Whether TAESD previews are installed (ATELIER_TAESD_DIR). */
  taesdAvailable: boolean;
  /** The size of the stored image `initImageId` names; null when it names none that exists. */
  initImage?: { width: number; height: number } | null;
  /** Whether `maskImageId` names an uploaded image. */
  maskFound?: boolean;
}

/** Checks a GenerateInput and fills in defaults. Throws a BAD_USER_INPUT GraphQLError naming the field. */
export function resolveGenerateInput(input: GenerateInput, context: InputContext): GenerationParams {
  checkLength('prompt', input.prompt);
  const { prompt, parameters } = splitPromptParameters(input.prompt);
  if (prompt === '') throw badInput('prompt', 'prompt must not be empty');
  // --no adds to the negative prompt; every other prompt parameter fills a field the input left out.
  const negativePrompt = [(input.negativePrompt ?? '').trim(), parameters.negative ?? ''].filter(Boolean).join(', ');
  checkLength('negativePrompt', negativePrompt);

  const modelName = input.model ?? context.defaultModel;
  const model = context.models.find((m) => m.name === modelName);
  if (!model) {
    const names = context.models.map((m) => m.name);
    const unusable = context.unusableModels?.find((m) => m.name === modelName);
    if (unusable) {
      throw badInput('model', `model "${modelName}" cannot be used: ${unusable.problem}`, { allowedValues: names, reason: 'MODEL_UNUSABLE' });
    }
    // Bad input like any other field; `reason` lets clients tell it apart (DESIGN.md's MODEL_NOT_FOUND).
    throw badInput('model', `unknown model "${modelName}"; installed: ${names.join(', ') || 'none'}`, { allowedValues: names, reason: 'MODEL_NOT_FOUND' });
  }
  const sampler = input.sampler ?? model.defaults.sampler;
  if (!context.samplers.includes(sampler)) {
    throw badInput('sampler', `unknown sampler "${sampler}"; use one of ${context.samplers.join(', ')}`, {
      allowedValues: context.samplers,
    });
  }

  const shaped = parameters.aspectRatio ? sizeForAspectRatio(parameters.aspectRatio, model.defaultSize) : undefined;
  const initImageId = input.initImageId ?? null;
  if (initImageId !== null && !context.initImage) {
    throw badInput('initImageId', `no stored image has the id "${initImageId}"`, { reason: 'IMAGE_NOT_FOUND' });
  }
  if (initImageId === null && input.denoisingStrength != null) {
    throw badInput('denoisingStrength', 'denoisingStrength applies only with initImageId (img2img)');
  }
  const maskImageId = input.maskImageId ?? null;
  if (maskImageId !== null && initImageId === null) throw badInput('maskImageId', 'maskImageId applies only with initImageId (inpainting)');
  if (maskImageId !== null && !context.maskFound) {
    throw badInput('maskImageId', `no uploaded image has the id "${maskImageId}" (masks come from uploadImage)`, { reason: 'IMAGE_NOT_FOUND' });
  }
  const denoisingStrength = input.denoisingStrength ?? DEFAULTS.denoisingStrength;
  checkRange('denoisingStrength', denoisingStrength, LIMITS.denoisingStrength);

  // An init image's size is the default (rounded down to a multiple of 8 within the limits).
  const initSize = (side: number) => Math.min(LIMITS.size.max, Math.max(LIMITS.size.min, side - (side % LIMITS.size.multipleOf)));
  const fromInit = context.initImage ? { width: initSize(context.initImage.width), height: initSize(context.initImage.height) } : undefined;
  const width = input.width ?? shaped?.width ?? fromInit?.width ?? model.defaultSize;
  const height = input.height ?? shaped?.height ?? fromInit?.height ?? model.defaultSize;
  checkSize('width', width);
  checkSize('height', height);
  const steps = input.steps ?? parameters.steps ?? model.defaults.steps;
  checkRange('steps', steps, LIMITS.steps);
  const guidanceScale = input.guidanceScale ?? parameters.guidanceScale ?? model.defaults.guidanceScale;
  checkRange('guidanceScale', guidanceScale, LIMITS.guidanceScale);
  const batchSize = input.batchSize ?? DEFAULTS.batchSize;
  checkRange('batchSize', batchSize, LIMITS.batchSize);
  const priority = input.priority ?? DEFAULTS.priority;
  checkRange('priority', priority, LIMITS.priority);

  const seed = input.seed ?? parameters.seed ?? randomSeed();
  checkSeed('seed', seed, batchSize);

  const previewMethod = input.previewMethod ?? (context.taesdAvailable ? 'TAESD' : 'LATENT2RGB');
  if (previewMethod === 'TAESD' && !context.taesdAvailable) {
    throw badInput('previewMethod', 'TAESD previews are not installed on this server (ATELIER_TAESD_DIR)', { allowedValues: ['LATENT2RGB'] });
  }
  const variationStrength = input.variationStrength ?? 0;
  checkRange('variationStrength', variationStrength, LIMITS.variationStrength);
  const variationSeed = input.variationSeed ?? (variationStrength > 0 ? randomSeed() : null);
  if (variationSeed !== null) checkSeed('variationSeed', variationSeed, batchSize);

  return {
    ...{ prompt, negativePrompt, model: model.name, sampler, steps, guidanceScale, width, height, seed, batchSize, priority },
    variationSeed,
    variationStrength,
    initImageId,
    maskImageId,
    denoisingStrength,
    previewMethod,
  };
}

/** Midjourney-style "--ar 16:9 --seed 42 --no text" at the end of the prompt; a malformed one names the prompt. */
function splitPromptParameters(text: string): ReturnType<typeof parsePromptParameters> {
  try {
    return parsePromptParameters(text);
  } catch (error) {
    if (error instanceof PromptParameterError) throw badInput('prompt', error.message, { reason: `PROMPT_PARAMETER_${error.parameter.toUpperCase()}` });
    throw error;
  }
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
    throw badInput(field, `${field} is ${value.length} characters; the limit is ${LIMITS.promptLength}`, {
      max: LIMITS.promptLength,
    });
  }
}

function checkRange(field: string, value: number, range: { min: number; max: number }): void {
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw badInput(field, `${field} must be between ${range.min} and ${range.max}, got ${value}`, range);
  }
}

/** A seed (and the batchSize - 1 seeds after it) must fit in 0..2^64-1. */
function checkSeed(field: string, seed: bigint, batchSize: number): void {
  if (seed < LIMITS.seed.min || seed > LIMITS.seed.max) {
    throw badInput(field, `${field} must be between 0 and ${LIMITS.seed.max}, got ${seed}`, { min: '0', max: LIMITS.seed.max.toString() });
  }
  const last = LIMITS.seed.max - BigInt(batchSize - 1);
  if (seed > last) throw badInput(field, `${field} + batchSize - 1 must not exceed ${LIMITS.seed.max}`, { min: '0', max: last.toString() });
}

function checkSize(field: 'width' | 'height', value: number): void {
  const { min, max, multipleOf } = LIMITS.size;
  if (value < min || value > max || value % multipleOf !== 0) {
    throw badInput(field, `${field} must be a multiple of ${multipleOf} between ${min} and ${max}, got ${value}`, { min, max });
  }
}
