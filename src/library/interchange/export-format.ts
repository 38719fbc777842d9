/** library.jsonl's format: the line types, and checking a line field by field when it is read back. */
import type { StoredImage } from '../../generation/pictures.js';
import {
  hiresFromJson,
  upscaleFromJson,
  PRESET_PARAMETERS,
  STORED_PARAMETERS,
  type PresetParameters,
  type StoredParameter,
  type StoredParameters,
  type WithSeedsAsText,
} from '../stored-parameters.js';
import { MAX_SEED } from './parameters.js';

/**
 * library.jsonl, what `atelier export` writes and `atelier import` reads back: one JSON object per line.
 *   {"type":"prompt", ...}      every prompt, with its presets (a prompt may have no generation)
 *   {"type":"generation", ...}  every completed generation: prompt text, all parameters, its images
 * Image files sit beside it as images/<sha256>.png, byte for byte as stored (so they keep their own
 * metadata chunks, and their SHA-256 is their name).
 */
export const EXPORT_FILE = 'library.jsonl';
export const EXPORT_VERSION = 1;

/** A prompt's settings (see PRESET_PARAMETERS), seed as decimal text. */
export type ExportedPreset = WithSeedsAsText<PresetParameters>;

export interface ExportedPrompt {
  type: 'prompt';
  version: number;
  text: string;
  useCount: number;
  createdAt: string;
  presets: ExportedPreset[];
}

/** One picture of a generation, as the generation port describes it (seed as decimal text), and its file. */
export interface ExportedImage extends WithSeedsAsText<Pick<StoredImage, 'index' | 'seed' | 'width' | 'height' | 'sha256'>> {
  /** Relative to library.jsonl. */
  file: string;
}

/** A completed generation: its parameters (STORED_PARAMETERS, in that order, seeds as decimal text) and images. */
export interface ExportedGeneration extends WithSeedsAsText<StoredParameters> {
  type: 'generation';
  version: number;
  id: string;
  createdAt: string;
  warnings: string[];
  images: ExportedImage[];
}

export type ExportLine = ExportedPrompt | ExportedGeneration;

export function exportedImageFile(sha256: string): string {
  return `images/${sha256}.png`;
}

/** A line of library.jsonl, checked field by field; the error names the first field that is wrong. */
export function parseExportLine(text: string): { ok: true; line: ExportLine } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!isObject(value)) return { ok: false, error: 'not a JSON object' };
  const problem = value.type === 'prompt' ? checkPrompt(value) : value.type === 'generation' ? checkGeneration(value) : '"type" is neither "prompt" nor "generation"';
  if (problem) return { ok: false, error: problem };
  if (value.type === 'generation') {
    value.loras ??= [];
    value.hires ??= null;
    value.upscale ??= null;
  }
  return { ok: true, line: value as unknown as ExportLine };
}

/** What a field must be, and how a message names that. */
type FieldCheck = [ok: (value: unknown) => boolean, expected: string];
type Check = [field: string, ...FieldCheck];

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const STRING: FieldCheck = [(v) => typeof v === 'string', 'a string'];
const COUNT: FieldCheck = [isCount, 'a whole number'];
const NUMBER: FieldCheck = [(v) => typeof v === 'number' && Number.isFinite(v), 'a number'];
const SEED: FieldCheck = [(v) => typeof v === 'string' && /^\d{1,20}$/.test(v) && BigInt(v) <= MAX_SEED, 'a seed (decimal string)'];
const DATE: FieldCheck = [(v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)), 'a date'];
const orNull = ([ok, expected]: FieldCheck): FieldCheck => [(v) => v === null || ok(v), `${expected} or null`];

/** Each stored parameter's check: a generation line must have all of them. */
const PARAMETER_CHECKS: Record<StoredParameter, FieldCheck> = {
  prompt: STRING,
  negativePrompt: STRING,
  model: STRING,
  sampler: STRING,
  steps: COUNT,
  guidanceScale: NUMBER,
  width: COUNT,
  height: COUNT,
  seed: SEED,
  variationSeed: orNull(SEED),
  variationStrength: NUMBER,
  denoisingStrength: NUMBER,
  // Lines written before LoRAs existed have none (parseExportLine fills in the empty list).
  loras: [(v) => v === undefined || (Array.isArray(v) && v.every(isLoraUse)), 'a list of { name, weight, hash }'],
  // Likewise before the hires fix (filled in as null).
  hires: [(v) => v === undefined || v === null || hiresFromJson(v) !== null, 'null or { scale, width, height, steps, denoisingStrength, upscaler }'],
  // Likewise before upscale jobs.
  upscale: [(v) => v === undefined || v === null || upscaleFromJson(v) !== null, 'null or { upscaler, hash, scale }'],
};

function isLoraUse(value: unknown): boolean {
  return isObject(value) && typeof value.name === 'string' && value.name !== '' && NUMBER[0](value.weight) && typeof value.hash === 'string';
}

const PROMPT_CHECKS: Check[] = [['text', ...STRING], ['useCount', ...COUNT], ['createdAt', ...DATE], ['presets', Array.isArray, 'a list']];
/** A preset's settings are those of a generation, each but the negative prompt possibly null. */
const PRESET_CHECKS: Check[] = PRESET_PARAMETERS.map((name) => [name, ...(name === 'negativePrompt' ? PARAMETER_CHECKS[name] : orNull(PARAMETER_CHECKS[name]))]);
const GENERATION_CHECKS: Check[] = [
  ['createdAt', ...DATE],
  ...STORED_PARAMETERS.map((name): Check => [name, ...PARAMETER_CHECKS[name]]),
  ['warnings', (v) => Array.isArray(v) && v.every(STRING[0]), 'a list of strings'],
  ['images', (v) => Array.isArray(v) && v.length > 0, 'a non-empty list'],
];
const IMAGE_CHECKS: Check[] = [
  ['index', ...COUNT],
  ['seed', ...SEED],
  ['sha256', (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v), 'a SHA-256 in hex'],
  ['file', (v) => typeof v === 'string' && !v.includes('..') && !v.startsWith('/'), 'a relative file name'],
];

function checkPrompt(object: Record<string, unknown>): string | null {
  return checkFields(object, PROMPT_CHECKS) ?? checkEach(object, 'presets', PRESET_CHECKS);
}

function checkGeneration(object: Record<string, unknown>): string | null {
  return checkFields(object, GENERATION_CHECKS) ?? checkEach(object, 'images', IMAGE_CHECKS);
}

function checkFields(object: Record<string, unknown>, checks: Check[], where = ''): string | null {
  for (const [field, ok, expected] of checks) {
    if (!ok(object[field])) return `"${where}${field}" is not ${expected}`;
  }
  return null;
}

/** Checks every object of the list `field` (already known to be a list). */
function checkEach(object: Record<string, unknown>, field: string, checks: Check[]): string | null {
  for (const [i, item] of (object[field] as unknown[]).entries()) {
    if (!isObject(item)) return `"${field}[${i}]" is not an object`;
    const problem = checkFields(item, checks, `${field}[${i}].`);
    if (problem) return problem;
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
