import { GraphQLError } from 'graphql';
import { parsePromptParameters } from '../generation/prompt-parameters.js';
import type { GenerationRecord, ImageRecord } from '../library/index.js';
import { badInput } from './errors.js';
import type { GenerateInput } from './types/generate-input.js';
import type { RemixInput } from './types/remix-input.js';

/**
 * `remix`: a stored image's parameters with some changed, as the GenerateInput that `generate` would be given.
 *
 * The image is re-made alone: batch size 1 with its own seed and variation seed (image i of a batch used
 * seed + i and variationSeed + i), and everything else its generation recorded. An override left out keeps
 * the stored value; null means "as generate does without the field". A new prompt's Midjourney-style
 * parameters (--steps 30, --ar 16:9, ...) replace the stored values they name, unless the override gives the
 * field itself, the same precedence as in `generate`.
 */
export function remixRequest(
  source: { image: ImageRecord; generation: GenerationRecord },
  overrides: RemixInput,
  options: { taesdAvailable: boolean },
): GenerateInput {
  const { image, generation: stored } = source;
  const given = (field: keyof RemixInput): boolean => overrides[field] !== undefined;
  /** The override (null -> left to generate's default) or, when absent, the stored value. */
  function pick<K extends keyof RemixInput & keyof GenerateInput>(field: K, storedValue: GenerateInput[K]): GenerateInput[K] {
    const value = overrides[field];
    if (value === undefined) return storedValue;
    return (value ?? undefined) as GenerateInput[K];
  }

  const prompt = overrides.prompt ?? stored.prompt;
  const fromPrompt = overrides.prompt == null ? {} : promptParameters(overrides.prompt);
  /** Stored values give way to what the new prompt's parameters set. */
  const unlessPromptSets = <T>(set: unknown, value: T): T | undefined => (set === undefined ? value : undefined);

  if (!given('initImageId') && stored.initImageDeleted) {
    throw badInput(
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
    throw badInput(
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
  };
}

/** The new prompt's parameters; a malformed one is reported by the validation that follows, naming the prompt. */
function promptParameters(text: string): ReturnType<typeof parsePromptParameters>['parameters'] {
  try {
    return parsePromptParameters(text).parameters;
  } catch {
    return {};
  }
}

/**
 * A bad-input error from checking the remix request, renamed to the override that fixes it: `steps` becomes
 * `overrides.steps`. When the value came from the stored image rather than from an override, the message says so.
 */
export function asOverrideError(error: unknown, overrides: RemixInput, imageId: string): unknown {
  if (!(error instanceof GraphQLError) || error.extensions.code !== 'BAD_USER_INPUT') return error;
  const field = error.extensions.field;
  if (typeof field !== 'string' || field.startsWith('overrides.')) return error;
  const fromOverride = (overrides as Record<string, unknown>)[field] !== undefined;
  const message = fromOverride
    ? error.message
    : `${error.message} (the value stored with image "${imageId}"; change it with overrides.${field})`;
  return new GraphQLError(message, { extensions: { ...error.extensions, field: `overrides.${field}` } });
}
