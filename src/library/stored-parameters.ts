/**
 * The generation parameters the library keeps with every generation, named once: the records, the queue's
 * and importer's rows, the export format and the exporter all walk STORED_PARAMETERS instead of restating
 * the fields. The types derive from generation/job.ts's GenerationParams, the port's own definition.
 */
import type { GenerationParams, UpscaleParams } from '../generation/job.js';
import { HIRES_UPSCALERS, type HiresParams } from '../generation/hires-fix.js';
import type { LoraUse } from '../generation/lora-tags.js';

/** In library.jsonl's order: a generation line lists them so (keep it; test/library/export-lines pins the file). */
export const STORED_PARAMETERS = [
  'prompt',
  'negativePrompt',
  'model',
  'sampler',
  'steps',
  'guidanceScale',
  'width',
  'height',
  'seed',
  'variationSeed',
  'variationStrength',
  'denoisingStrength',
  'loras',
  'hires',
  'upscale',
] as const satisfies ReadonlyArray<keyof GenerationParams>;

export type StoredParameter = (typeof STORED_PARAMETERS)[number];
/** What decides a stored generation's pixels (the rest of GenerationParams is about inputs and the queue). */
export type StoredParameters = Pick<GenerationParams, StoredParameter>;

/** A prompt's preset: the settings a CSV row or an export keeps with a prompt. In library.jsonl's order. */
export const PRESET_PARAMETERS = ['negativePrompt', 'seed', 'width', 'height', 'steps', 'guidanceScale'] as const satisfies ReadonlyArray<StoredParameter>;
type PresetParameter = (typeof PRESET_PARAMETERS)[number];
/** Every setting but the negative prompt may be absent (null). */
export type PresetParameters = Pick<StoredParameters, 'negativePrompt'> & {
  [K in Exclude<PresetParameter, 'negativePrompt'>]: StoredParameters[K] | null;
};

/** The parameters that are seeds: 64-bit unsigned, so DECIMAL(20,0) in the database and decimal text in JSON. */
const SEED_PARAMETERS: ReadonlySet<StoredParameter> = new Set(['seed', 'variationSeed']);
/** The prompt is a row of its own; a generation's row points at it. */
const COLUMN_PARAMETERS = STORED_PARAMETERS.filter((name) => name !== 'prompt');
type ColumnParameter = Exclude<StoredParameter, 'prompt'>;

/** The SQL type of each parameter's Generation column, for statements written as SQL (a new job's INSERT). */
export const COLUMN_SQL_TYPES: Readonly<Record<ColumnParameter, string>> = {
  negativePrompt: 'text',
  model: 'text',
  sampler: 'text',
  steps: 'integer',
  guidanceScale: 'double precision',
  width: 'integer',
  height: 'integer',
  seed: 'numeric(20, 0)',
  variationSeed: 'numeric(20, 0)',
  variationStrength: 'double precision',
  denoisingStrength: 'double precision',
  loras: 'jsonb',
  hires: 'jsonb',
  upscale: 'jsonb',
};

/** `T` with its seeds (bigint, or bigint | null) as `Seed`. */
type WithSeedsAs<T, Seed> = { [K in keyof T]: T[K] extends bigint ? Seed : T[K] extends bigint | null ? Seed | null : T[K] };
/** `T` with its seeds as decimal text, as the export file and the DECIMAL columns take them. */
export type WithSeedsAsText<T> = WithSeedsAs<T, string>;

/** A Prisma Decimal, as far as seeds need it. */
export interface DecimalLike {
  toFixed(): string;
}

/** A generation row's parameter columns (Decimal seeds, the LoRAs and hires fix as Prisma's JSON) with its prompt's text. */
export type ParameterRow = WithSeedsAs<Pick<StoredParameters, Exclude<ColumnParameter, 'loras' | 'hires' | 'upscale'>>, DecimalLike> & {
  loras: unknown;
  hires: unknown;
  upscale: unknown;
  prompt: { text: string };
};

/** Seeds live in DECIMAL(20,0) columns (unsigned 64-bit exceeds bigint); Prisma hands them over as Decimal. */
export function seedFromDecimal(value: DecimalLike): bigint {
  return BigInt(value.toFixed());
}

export function seedToDecimalString(seed: bigint): string {
  return seed.toString();
}

/** A generation row's parameters, seeds as bigint. */
export function parametersFromRow(row: ParameterRow): StoredParameters {
  return {
    prompt: row.prompt.text,
    ...pickWithSeeds(row, COLUMN_PARAMETERS, seedFromDecimal),
    loras: lorasFromJson(row.loras),
    hires: hiresFromJson(row.hires),
    upscale: upscaleFromJson(row.upscale),
  } as StoredParameters;
}

/** The `hires` column as HiresParams, or null (none, or something this code did not write). */
export function hiresFromJson(value: unknown): HiresParams | null {
  if (typeof value !== 'object' || value === null) return null;
  const h = value as Record<string, unknown>;
  const numbers = ['width', 'height', 'steps', 'denoisingStrength'].every((k) => typeof h[k] === 'number');
  const scale = typeof h.scale === 'number' ? h.scale : null;
  const upscaler = HIRES_UPSCALERS.find((u) => u === h.upscaler);
  if (!numbers || !upscaler) return null;
  const upscalerModel = upscaler === 'model' && typeof h.upscalerModel === 'string' ? { upscalerModel: h.upscalerModel } : {};
  return { scale, width: h.width as number, height: h.height as number, steps: h.steps as number, denoisingStrength: h.denoisingStrength as number, upscaler, ...upscalerModel };
}

/** The `upscale` column as UpscaleParams, or null (a generation, or something this code did not write). */
export function upscaleFromJson(value: unknown): UpscaleParams | null {
  if (typeof value !== 'object' || value === null) return null;
  const u = value as Record<string, unknown>;
  if (typeof u.upscaler !== 'string' || typeof u.scale !== 'number') return null;
  return { upscaler: u.upscaler, hash: typeof u.hash === 'string' ? u.hash : '', scale: u.scale };
}

/** The `loras` column as LoraUse entries (it is written by this code only; anything else in it is passed over). */
function lorasFromJson(value: unknown): LoraUse[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    const lora = entry as Partial<LoraUse> | null;
    return lora && typeof lora.name === 'string' && typeof lora.weight === 'number'
      ? [{ name: lora.name, weight: lora.weight, hash: typeof lora.hash === 'string' ? lora.hash : '' }]
      : [];
  });
}

/**
 * The parameter columns of a generation row to write (everything but the prompt, which is a row of its own).
 * A value left undefined is not written, so the column keeps its default.
 */
export function parameterColumns<P extends Omit<StoredParameters, 'denoisingStrength' | 'hires' | 'upscale'> & { denoisingStrength: number | undefined; hires: HiresParams | null | undefined; upscale: UpscaleParams | null | undefined }>(
  params: P,
): WithSeedsAsText<Pick<P, ColumnParameter>> {
  return pickWithSeeds(params, COLUMN_PARAMETERS, seedToDecimalString) as WithSeedsAsText<Pick<P, ColumnParameter>>;
}

/** The parameters as library.jsonl writes them (seeds as decimal text), in STORED_PARAMETERS order. */
export function parametersToText(params: StoredParameters): WithSeedsAsText<StoredParameters> {
  return pickWithSeeds(params, STORED_PARAMETERS, seedToDecimalString) as WithSeedsAsText<StoredParameters>;
}

/** The inverse of parametersToText (the text already checked to be seeds). */
export function parametersFromText(text: WithSeedsAsText<StoredParameters>): StoredParameters {
  return pickWithSeeds(text, STORED_PARAMETERS, (seed: string) => BigInt(seed)) as StoredParameters;
}

/** A preset with its seed as decimal text: the PromptPreset columns, and library.jsonl's form. */
export function presetToText(preset: PresetParameters): WithSeedsAsText<PresetParameters> {
  return pickWithSeeds(preset, PRESET_PARAMETERS, seedToDecimalString) as WithSeedsAsText<PresetParameters>;
}

/** A PromptPreset row's settings (Decimal seed), or library.jsonl's (decimal text), with the seed as bigint. */
export function presetFromStored(preset: WithSeedsAs<PresetParameters, DecimalLike | string>): PresetParameters {
  const toSeed = (seed: DecimalLike | string): bigint => (typeof seed === 'string' ? BigInt(seed) : seedFromDecimal(seed));
  return pickWithSeeds(preset, PRESET_PARAMETERS, toSeed) as PresetParameters;
}

/** Copies `names` from `source` in that order, converting the non-null seeds. */
function pickWithSeeds<S, T>(source: object, names: readonly StoredParameter[], convertSeed: (seed: S) => T): Record<string, unknown> {
  const values = source as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const name of names) {
    const value = values[name];
    picked[name] = SEED_PARAMETERS.has(name) && value !== null && value !== undefined ? convertSeed(value as S) : value;
  }
  return picked;
}
