/** One picture's generation parameters as any import format reads them, and the checks they share. */
import { LIMITS } from '../../generation/request-limits.js';
import type { HiresParams } from '../../generation/hires-fix.js';
import type { LoraUse } from '../../generation/lora-tags.js';
import { isStorableText } from '../support/storable-text.js';

/** Where a picture's parameters came from. */
export type MetadataFormat = 'AUTOMATIC1111' | 'COMFYUI' | 'INVOKEAI';

/** The formats a PNG is read in, for messages that say what is accepted. */
export const METADATA_FORMATS: readonly MetadataFormat[] = ['AUTOMATIC1111', 'COMFYUI', 'INVOKEAI'];

/** The largest seed, as generate accepts it. */
export const MAX_SEED = LIMITS.seed.max;

/**
 * One picture's generation parameters, read from any of the formats. Whatever the file does not say is null:
 * an importer decides what to store for it, the parser never invents a value.
 */
export interface ImportedParameters {
  format: MetadataFormat;
  prompt: string;
  negativePrompt: string;
  /** 0..2^64-1. */
  seed: bigint | null;
  steps: number | null;
  guidanceScale: number | null;
  /** One of our sampler names where the tool's sampler is one of ours; otherwise the tool's own name. */
  sampler: string | null;
  width: number | null;
  height: number | null;
  model: string | null;
  variationSeed?: bigint | null;
  variationStrength?: number | null;
  denoisingStrength?: number | null;
  /** The LoRAs it was made with (A1111's `<lora:...>` tags, ComfyUI's LoraLoader nodes); hash "" where not said. */
  loras?: LoraUse[];
  /** AUTOMATIC1111's hires fix settings, when the picture was made with one. */
  hires?: HiresParams | null;
  /** The metadata text that was parsed, as the file holds it. */
  raw: string;
}

/** A parsed seed, or null when the text is not an integer in 0..2^64-1. */
export function parseSeed(value: unknown): bigint | null {
  let text: string;
  if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'number' && Number.isSafeInteger(value)) text = String(value);
  else if (typeof value === 'string') text = value.trim();
  else return null;
  if (!/^\d{1,20}$/.test(text)) return null;
  const seed = BigInt(text);
  return seed <= MAX_SEED ? seed : null;
}

/** A finite number from a number or numeric text; null otherwise. */
export function parseNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) ? parsed : null;
}

/** A non-negative whole number (steps, pixels); null otherwise. */
export function parseCount(value: unknown): number | null {
  const parsed = parseNumber(value);
  return parsed !== null && Number.isInteger(parsed) && parsed >= 0 && parsed <= 2 ** 31 - 1 ? parsed : null;
}

export function parseText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Longest model or sampler name an import keeps: a name, not a document. */
export const MAX_IMPORTED_NAME_LENGTH = 256;

/** What makes imported text unstorable, for the importer to refuse the picture or row with. */
export interface ImportedTextProblem {
  reason: 'prompt too long' | 'name too long' | 'NUL character in the metadata';
  field: string;
  detail: string;
  /** The limit broken, in characters. */
  max?: number;
}

/**
 * The rule for text read from another tool's file: `generate`'s prompt limit (from the request policy
 * itself) for the prompt and negative prompt, a bound for names, and no NUL character anywhere (the
 * database's text cannot hold one). Null when the text can be stored as it is.
 */
export function importedTextProblem(texts: { prompt: string; negativePrompt?: string | null; model?: string | null; sampler?: string | null }): ImportedTextProblem | null {
  for (const [field, value] of Object.entries(texts)) {
    if (typeof value === 'string' && !isStorableText(value)) {
      return { reason: 'NUL character in the metadata', field, detail: `${field} contains a NUL character (U+0000) or a lone UTF-16 surrogate` };
    }
  }
  for (const field of ['prompt', 'negativePrompt'] as const) {
    const length = texts[field]?.length ?? 0;
    if (length > LIMITS.promptLength) {
      return { reason: 'prompt too long', field, detail: `${field} is ${length} characters; the limit is ${LIMITS.promptLength}`, max: LIMITS.promptLength };
    }
  }
  for (const field of ['model', 'sampler'] as const) {
    const length = texts[field]?.length ?? 0;
    if (length > MAX_IMPORTED_NAME_LENGTH) {
      return { reason: 'name too long', field, detail: `${field} is ${length} characters; the limit is ${MAX_IMPORTED_NAME_LENGTH}`, max: MAX_IMPORTED_NAME_LENGTH };
    }
  }
  return null;
}
