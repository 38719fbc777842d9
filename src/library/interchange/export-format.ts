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

export interface ExportedPreset {
  negativePrompt: string;
  seed: string | null;
  width: number | null;
  height: number | null;
  steps: number | null;
  guidanceScale: number | null;
}

export interface ExportedPrompt {
  type: 'prompt';
  version: number;
  text: string;
  useCount: number;
  createdAt: string;
  presets: ExportedPreset[];
}

export interface ExportedImage {
  index: number;
  seed: string;
  width: number;
  height: number;
  sha256: string;
  /** Relative to library.jsonl. */
  file: string;
}

export interface ExportedGeneration {
  type: 'generation';
  version: number;
  id: string;
  createdAt: string;
  prompt: string;
  negativePrompt: string;
  model: string;
  sampler: string;
  steps: number;
  guidanceScale: number;
  width: number;
  height: number;
  seed: string;
  variationSeed: string | null;
  variationStrength: number;
  denoisingStrength: number;
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
  return problem ? { ok: false, error: problem } : { ok: true, line: value as unknown as ExportLine };
}

type Check = [field: string, ok: (value: unknown) => boolean, expected: string];

const isString = (v: unknown): boolean => typeof v === 'string';
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isSeed = (v: unknown): boolean => typeof v === 'string' && /^\d{1,20}$/.test(v) && BigInt(v) <= MAX_SEED;
const orNull = (check: (v: unknown) => boolean) => (v: unknown) => v === null || check(v);
const isDate = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function checkFields(object: Record<string, unknown>, checks: Check[], where = ''): string | null {
  for (const [field, ok, expected] of checks) {
    if (!ok(object[field])) return `"${where}${field}" is not ${expected}`;
  }
  return null;
}

function checkPrompt(object: Record<string, unknown>): string | null {
  const problem = checkFields(object, [
    ['text', isString, 'a string'],
    ['useCount', isCount, 'a whole number'],
    ['createdAt', isDate, 'a date'],
    ['presets', Array.isArray, 'a list'],
  ]);
  if (problem) return problem;
  for (const [i, preset] of (object.presets as unknown[]).entries()) {
    if (!isObject(preset)) return `"presets[${i}]" is not an object`;
    const presetProblem = checkFields(
      preset,
      [
        ['negativePrompt', isString, 'a string'],
        ['seed', orNull(isSeed), 'a seed (decimal string) or null'],
        ['width', orNull(isCount), 'a whole number or null'],
        ['height', orNull(isCount), 'a whole number or null'],
        ['steps', orNull(isCount), 'a whole number or null'],
        ['guidanceScale', orNull(isNumber), 'a number or null'],
      ],
      `presets[${i}].`,
    );
    if (presetProblem) return presetProblem;
  }
  return null;
}

function checkGeneration(object: Record<string, unknown>): string | null {
  const problem = checkFields(object, [
    ['createdAt', isDate, 'a date'],
    ['prompt', isString, 'a string'],
    ['negativePrompt', isString, 'a string'],
    ['model', isString, 'a string'],
    ['sampler', isString, 'a string'],
    ['steps', isCount, 'a whole number'],
    ['guidanceScale', isNumber, 'a number'],
    ['width', isCount, 'a whole number'],
    ['height', isCount, 'a whole number'],
    ['seed', isSeed, 'a seed (decimal string)'],
    ['variationSeed', orNull(isSeed), 'a seed (decimal string) or null'],
    ['variationStrength', isNumber, 'a number'],
    ['denoisingStrength', isNumber, 'a number'],
    ['warnings', (v) => Array.isArray(v) && v.every(isString), 'a list of strings'],
    ['images', (v) => Array.isArray(v) && v.length > 0, 'a non-empty list'],
  ]);
  if (problem) return problem;
  for (const [i, image] of (object.images as unknown[]).entries()) {
    if (!isObject(image)) return `"images[${i}]" is not an object`;
    const imageProblem = checkFields(
      image,
      [
        ['index', isCount, 'a whole number'],
        ['seed', isSeed, 'a seed (decimal string)'],
        ['sha256', (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v), 'a SHA-256 in hex'],
        ['file', (v) => typeof v === 'string' && !v.includes('..') && !v.startsWith('/'), 'a relative file name'],
      ],
      `images[${i}].`,
    );
    if (imageProblem) return imageProblem;
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
