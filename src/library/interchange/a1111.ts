/** Reading AUTOMATIC1111's `parameters` text (the most widely written format). */
import { parseCount, parseNumber, parseSeed, type ImportedParameters } from './parameters.js';
import type { SamplerNames } from './sampler-names.js';
import { hiresUpscalerFromLabel, type HiresParams } from '../../generation/hires-fix.js';
import { LoraTagError, parseLoraHashes, takeLoraTags, type LoraUse } from '../../generation/lora-tags.js';

const NEGATIVE_PREFIX = 'Negative prompt:';

/**
 * AUTOMATIC1111's `parameters` text (also written by Forge, SD.Next, Fooocus's A1111 mode, Civitai and Atelier):
 *
 *   prompt, possibly over several lines
 *   Negative prompt: negative, possibly over several lines
 *   Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x768, Model: sd15, Lora hashes: "a: 1, b: 2"
 *
 * The last line holds the settings when it reads as at least three "Key: value" pairs (A1111's own rule);
 * otherwise the whole text is prompt. Returns null for text with neither a prompt nor settings.
 */
export function parseA1111(text: string, samplers: SamplerNames): ImportedParameters | null {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  const settings = parseSettingsLine(lines.at(-1) ?? '');
  if (settings.size >= 3) lines.pop();
  else settings.clear();

  const prompt: string[] = [];
  const negative: string[] = [];
  for (const line of lines) {
    if (negative.length === 0 && line.startsWith(NEGATIVE_PREFIX)) negative.push(line.slice(NEGATIVE_PREFIX.length).trim());
    else (negative.length > 0 ? negative : prompt).push(line);
  }
  if (prompt.join('').trim() === '' && settings.size === 0) return null;

  const size = /^(\d+)\s*x\s*(\d+)$/.exec(settings.get('size') ?? '');
  const sampler = settings.get('sampler');
  const { text: promptText, loras } = promptLoras(prompt.join('\n').trim(), parseLoraHashes(settings.get('lora hashes')));
  const width = size ? Number(size[1]) : null;
  const height = size ? Number(size[2]) : null;
  const hires = hiresOf(settings, width, height, parseCount(settings.get('steps')));
  return {
    format: 'AUTOMATIC1111',
    prompt: promptText,
    negativePrompt: negative.join('\n').trim(),
    seed: parseSeed(settings.get('seed')),
    steps: parseCount(settings.get('steps')),
    guidanceScale: parseNumber(settings.get('cfg scale')),
    sampler: sampler ? samplers.fromA1111(sampler, settings.get('schedule type')) : null,
    width,
    height,
    model: settings.get('model') || null,
    variationSeed: parseSeed(settings.get('variation seed')),
    variationStrength: parseNumber(settings.get('variation seed strength')),
    // With a hires fix, A1111's "Denoising strength" is the second pass's.
    denoisingStrength: hires ? null : parseNumber(settings.get('denoising strength')),
    loras,
    hires,
    raw: text,
  };
}

/**
 * A1111's hires settings ("Hires upscale: 2" or "Hires resize: 1024x1024", "Hires steps", "Hires upscaler",
 * "Denoising strength"); null without them. An upscaler that is not a latent mode or Lanczos is taken as an
 * upscaler model's name (a remix needs it installed).
 */
function hiresOf(settings: Map<string, string>, width: number | null, height: number | null, steps: number | null): HiresParams | null {
  const upscale = parseNumber(settings.get('hires upscale'));
  const resize = /^(\d+)\s*x\s*(\d+)$/.exec(settings.get('hires resize') ?? '');
  if (upscale === null && !resize) return null;
  const upscaler = hiresUpscalerFromLabel(settings.get('hires upscaler') ?? 'Latent');
  if (!upscaler || width === null || height === null) return null;
  const round = (side: number) => Math.floor(side / 8) * 8;
  const hiresSteps = parseCount(settings.get('hires steps')) ?? 0;
  return {
    scale: resize ? null : upscale,
    width: resize ? Number(resize[1]) : round(width * upscale!),
    height: resize ? Number(resize[2]) : round(height * upscale!),
    steps: hiresSteps === 0 ? (steps ?? 0) : hiresSteps,
    denoisingStrength: parseNumber(settings.get('denoising strength')) ?? 0.7,
    ...upscaler,
  };
}

/** The prompt's `<lora:name:weight>` tags as LoRAs (with the hash the settings give), and the text without them. */
function promptLoras(prompt: string, hashes: Map<string, string>): { text: string; loras: LoraUse[] } {
  try {
    const { prompt: text, loras } = takeLoraTags(prompt);
    return { text, loras: loras.map((lora) => ({ ...lora, hash: hashes.get(lora.name) ?? '' })) };
  } catch (error) {
    if (!(error instanceof LoraTagError)) throw error;
    return { text: prompt, loras: [] }; // a tag we cannot read stays in the prompt, as written
  }
}

/**
 * "Key: value, Key: "quoted, with commas"" -> lower-cased key -> value. Parsing stops at the first piece that
 * is not a pair, so prose with a colon in it yields few pairs and is not mistaken for settings.
 */
export function parseSettingsLine(line: string): Map<string, string> {
  const pairs = new Map<string, string>();
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (i >= line.length) break;
    const colon = line.indexOf(':', i);
    if (colon < 0) break;
    const key = line.slice(i, colon).trim();
    if (!/^\w[\w \-/+.()]*$/.test(key)) break;
    i = colon + 1;
    while (line[i] === ' ') i++;
    let value: string;
    if (line[i] === '"') {
      const close = closingQuote(line, i + 1);
      if (close < 0) break;
      value = unquote(line.slice(i, close + 1));
      i = close + 1;
      while (i < line.length && line[i] !== ',') i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      value = line.slice(i, end).trim();
      i = end;
    }
    pairs.set(key.toLowerCase(), value);
  }
  return pairs;
}

function closingQuote(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return i;
  }
  return -1;
}

/** A1111 quotes values with json.dumps; anything it cannot read back stays as written, without the quotes. */
function unquote(quoted: string): string {
  try {
    const value: unknown = JSON.parse(quoted);
    if (typeof value === 'string') return value;
  } catch {
    // fall through
  }
  return quoted.slice(1, -1);
}
