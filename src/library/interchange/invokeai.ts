/** Reading the parameters out of InvokeAI's metadata chunks (3.x and the 2.x formats). */
import { parseCount, parseNumber, parseSeed, parseText, type ImportedParameters } from './parameters.js';
import type { SamplerNames } from './sampler-names.js';

/**
 * InvokeAI 3 and later: the `invokeai_metadata` chunk, a flat JSON object (positive_prompt, negative_prompt,
 * seed, steps, cfg_scale, scheduler, width, height, model: { name } — InvokeAI 3.0 wrote model_name).
 */
export function parseInvokeAiMetadata(text: string, samplers: SamplerNames): ImportedParameters | null {
  const meta = readObject(text);
  if (!meta || (typeof meta.positive_prompt !== 'string' && typeof meta.seed === 'undefined')) return null;
  const model = isObject(meta.model) ? (parseText(meta.model.name) ?? parseText(meta.model.model_name)) : parseText(meta.model);
  const scheduler = parseText(meta.scheduler);
  return {
    format: 'INVOKEAI',
    prompt: parseText(meta.positive_prompt) ?? '',
    negativePrompt: parseText(meta.negative_prompt) ?? '',
    seed: parseSeed(meta.seed),
    steps: parseCount(meta.steps),
    guidanceScale: parseNumber(meta.cfg_scale),
    sampler: scheduler ? samplers.fromInvokeAi(scheduler) : null,
    width: parseCount(meta.width),
    height: parseCount(meta.height),
    model,
    denoisingStrength: meta.generation_mode === 'img2img' ? parseNumber(meta.strength) : null,
    raw: text,
  };
}

/**
 * InvokeAI 2.x: the `sd-metadata` chunk ({ model_weights, image: { prompt, seed, steps, cfg_scale, sampler,
 * width, height } }). Its prompt is text or a list of weighted parts; [bracketed] words are the negative prompt.
 */
export function parseInvokeAiLegacy(text: string, samplers: SamplerNames): ImportedParameters | null {
  const meta = readObject(text);
  if (!meta || !isObject(meta.image)) return null;
  const image = meta.image;
  const promptText = Array.isArray(image.prompt)
    ? image.prompt.map((part: unknown) => (isObject(part) ? (parseText(part.prompt) ?? '') : String(part))).join(' ')
    : (parseText(image.prompt) ?? '');
  const { prompt, negativePrompt } = splitBracketedNegative(promptText);
  const sampler = parseText(image.sampler);
  return {
    format: 'INVOKEAI',
    prompt,
    negativePrompt,
    seed: parseSeed(image.seed),
    steps: parseCount(image.steps),
    guidanceScale: parseNumber(image.cfg_scale),
    sampler: sampler ? samplers.fromInvokeAi(sampler) : null,
    width: parseCount(image.width),
    height: parseCount(image.height),
    model: parseText(meta.model_weights),
    raw: text,
  };
}

/**
 * InvokeAI 2.x's `Dream` chunk: the command line that made the picture, e.g.
 * `"a cat [ugly]" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms`.
 */
export function parseInvokeAiDream(text: string, samplers: SamplerNames): ImportedParameters | null {
  const match = /^\s*"((?:\\.|[^"\\])*)"(.*)$/s.exec(text);
  if (!match) return null;
  const flags = new Map<string, string>();
  for (const [, flag, value] of match[2]!.matchAll(/(?:^|\s)(-[a-zA-Z]|--[a-z_]+)[\s=]+(\S+)/g)) flags.set(flag!, value!);
  const { prompt, negativePrompt } = splitBracketedNegative(match[1]!.replace(/\\(.)/g, '$1'));
  const sampler = flags.get('-A') ?? flags.get('--sampler');
  return {
    format: 'INVOKEAI',
    prompt,
    negativePrompt,
    seed: parseSeed(flags.get('-S') ?? flags.get('--seed')),
    steps: parseCount(flags.get('-s') ?? flags.get('--steps')),
    guidanceScale: parseNumber(flags.get('-C') ?? flags.get('--cfg_scale')),
    sampler: sampler ? samplers.fromInvokeAi(sampler) : null,
    width: parseCount(flags.get('-W') ?? flags.get('--width')),
    height: parseCount(flags.get('-H') ?? flags.get('--height')),
    model: flags.get('-m') ?? flags.get('--model') ?? null,
    raw: text,
  };
}

/** InvokeAI 2.x wrote the negative prompt inside the prompt, in square brackets. */
function splitBracketedNegative(text: string): { prompt: string; negativePrompt: string } {
  const negative: string[] = [];
  const prompt = text.replace(/\[([^\]]*)\]/g, (_, inner: string) => {
    negative.push(inner.trim());
    return ' ';
  });
  return { prompt: prompt.replace(/\s+/g, ' ').trim(), negativePrompt: negative.filter(Boolean).join(', ') };
}

function readObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
