/**
 * remix's precedence: a stored image's parameters, changed by overrides, as the GenerateRequest that
 * `generate` would be given; and the renaming of a bad field to the override that fixes it.
 */
import type { RemixSource } from './pictures.js';
import type { GenerateRequest } from './generation-request.js';
import type { HiresRequest } from './hires-request.js';
import type { HiresParams } from './hires-fix.js';
import type { LoraRequest } from './lora-request.js';
import { takeLoraTags, type LoraUse } from './lora-tags.js';
import { parsePromptParameters, type PromptParameters } from './prompt-parameters.js';
import { GenerationRequestError } from './request-errors.js';
import { JOB_COST_FIELD } from './job-cost.js';

/** What remix may change: every GenerateRequest field, all optional. Absent: the stored value; null: generate's default. */
export type RemixOverrides = { [K in keyof GenerateRequest]?: GenerateRequest[K] | null };

/**
 * The image is re-made alone: batch size 1 with its own seed and variation seed (image i of a batch used
 * seed + i and variationSeed + i), and everything else its generation recorded. A new prompt's
 * Midjourney-style parameters (--steps 30, --ar 16:9, ...) replace the stored values they name, unless the
 * override gives the field itself, the same precedence as in `generate`.
 */
export function remixRequest(source: RemixSource, overrides: RemixOverrides, options: { taesdAvailable: boolean }): GenerateRequest {
  const { image, generation: stored } = source;
  const given = (field: keyof RemixOverrides): boolean => overrides[field] !== undefined;
  /** The override (null -> left to generate's default) or, when absent, the stored value. */
  function pick<K extends keyof GenerateRequest>(field: K, storedValue: GenerateRequest[K]): GenerateRequest[K] {
    const value = overrides[field];
    if (value === undefined) return storedValue;
    return (value ?? undefined) as GenerateRequest[K];
  }

  if (stored.upscale) {
    const from = stored.initImageId ? ` of image "${stored.initImageId}"` : '';
    throw new GenerationRequestError('imageId', `image "${image.id}" is an upscale${from}, not a generation: remix its source, or upscale again`, { reason: 'UPSCALE_NOT_REMIXABLE' });
  }
  const prompt = overrides.prompt ?? stored.prompt;
  const fromPrompt = overrides.prompt == null ? {} : promptParameters(overrides.prompt);
  /** Stored values give way to what the new prompt's parameters set. */
  const unlessPromptSets = <T>(set: unknown, value: T): T | undefined => (set === undefined ? value : undefined);

  if (!given('initImageId') && stored.initImageDeleted) {
    throw new GenerationRequestError(
      'overrides.initImageId',
      `the init image that image "${image.id}" was made from has been deleted; give another with overrides.initImageId, or null for text-to-image`,
      { reason: 'IMAGE_NOT_FOUND' },
    );
  }
  const initImageId = pick('initImageId', stored.initImageId);
  const hasInit = initImageId != null;
  // A stored mask and strength belong to the stored init image; they go when it goes.
  const keepsStoredInit = hasInit && (stored.initImageId !== null || stored.initImageDeleted);
  if (keepsStoredInit && !given('maskImageId') && stored.maskDeleted) {
    throw new GenerationRequestError(
      'overrides.maskImageId',
      `the mask that image "${image.id}" was painted with has been deleted; give another with overrides.maskImageId, or null for none`,
      { reason: 'IMAGE_NOT_FOUND' },
    );
  }
  const storedPreview = stored.previewMethod === 'TAESD' && !options.taesdAvailable ? undefined : stored.previewMethod;

  return {
    prompt,
    negativePrompt: pick('negativePrompt', stored.negativePrompt),
    model: pick('model', stored.model),
    sampler: pick('sampler', stored.sampler),
    steps: pick('steps', unlessPromptSets(fromPrompt.steps, stored.steps)),
    guidanceScale: pick('guidanceScale', unlessPromptSets(fromPrompt.guidanceScale, stored.guidanceScale)),
    width: pick('width', unlessPromptSets(fromPrompt.aspectRatio, stored.width)),
    height: pick('height', unlessPromptSets(fromPrompt.aspectRatio, stored.height)),
    seed: pick('seed', unlessPromptSets(fromPrompt.seed, image.seed)),
    variationSeed: pick('variationSeed', stored.variationSeed === null ? undefined : stored.variationSeed + BigInt(image.index)),
    variationStrength: pick('variationStrength', stored.variationStrength),
    initImageId,
    maskImageId: pick('maskImageId', keepsStoredInit ? stored.maskImageId : undefined),
    denoisingStrength: pick('denoisingStrength', keepsStoredInit ? stored.denoisingStrength : undefined),
    batchSize: overrides.batchSize ?? 1,
    previewMethod: pick('previewMethod', storedPreview),
    priority: pick('priority', stored.priority),
    loras: pick('loras', storedLoras(stored.loras, overrides.prompt)),
    // A hires fix is for text-to-image: a stored one goes when an init image comes.
    hires: pick('hires', hasInit || !stored.hires ? undefined : storedHires(stored.hires)),
  };
}

/** The stored hires fix as asked for again: by its factor (of a first pass whose size may be overridden), or its size. */
function storedHires(hires: HiresParams): HiresRequest {
  const { scale, width, height, steps, denoisingStrength, upscaler, upscalerModel } = hires;
  return { ...(scale === null ? { width, height } : { scale }), steps, denoisingStrength, upscaler, ...(upscalerModel ? { upscalerModel } : {}) };
}

/** The stored LoRAs, less those the new prompt's `<lora:...>` tags name: a tag's weight wins, as a prompt's parameters do. */
function storedLoras(stored: readonly LoraUse[], newPrompt: string | null | undefined): LoraRequest[] {
  let tagged: string[] = [];
  try {
    tagged = newPrompt == null ? [] : takeLoraTags(newPrompt).loras.map((lora) => lora.name);
  } catch {
    // a malformed tag is reported by the check that follows, naming the prompt
  }
  return stored.filter((lora) => !tagged.includes(lora.name)).map(({ name, weight }) => ({ name, weight }));
}

/** The new prompt's parameters; a malformed one is reported by the check that follows, naming the prompt. */
function promptParameters(text: string): PromptParameters {
  try {
    return parsePromptParameters(text).parameters;
  } catch {
    return {};
  }
}

/**
 * A bad field from checking the remix request, renamed to the override that fixes it: `steps` becomes
 * `overrides.steps`. When the value came from the stored image rather than from an override, the message says so.
 */
export function asOverrideError(error: unknown, overrides: RemixOverrides, imageId: string): unknown {
  // A job's cost is no one field's: it keeps its name, and its message already says what to lower.
  if (!(error instanceof GenerationRequestError) || error.field.startsWith('overrides.') || error.field === JOB_COST_FIELD) return error;
  // `loras[0].name` came from the `loras` override when there is one.
  const fromOverride = (overrides as Record<string, unknown>)[error.field.split(/[.[]/)[0]!] !== undefined;
  const message = fromOverride ? error.message : `${error.message} (the value stored with image "${imageId}"; change it with overrides.${error.field})`;
  const renamed = error.renamed(`overrides.${error.field}`, message);
  if (!error.allowed.fields) return renamed;
  // The memory budget names every field of the job's size: each is an override here.
  return new GenerationRequestError(renamed.field, renamed.message, { ...error.allowed, fields: error.allowed.fields.map((f) => `overrides.${f}`) });
}
