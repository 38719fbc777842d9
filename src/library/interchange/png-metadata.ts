/** A PNG's generation parameters, from whichever tool's chunk it carries. */
import { parseA1111 } from './a1111.js';
import { parseComfyUi } from './comfyui.js';
import { parseInvokeAiDream, parseInvokeAiLegacy, parseInvokeAiMetadata } from './invokeai.js';
import type { ImportedParameters } from './parameters.js';
import { readPngText } from './png-text.js';
import type { SamplerNames } from './sampler-names.js';

/** Text chunk keyword -> its parser, in the order they are tried (a picture may carry several). */
const READERS: ReadonlyArray<[keyword: string, parse: (text: string, samplers: SamplerNames) => ImportedParameters | null]> = [
  ['parameters', parseA1111],
  ['prompt', parseComfyUi],
  ['invokeai_metadata', parseInvokeAiMetadata],
  ['sd-metadata', parseInvokeAiLegacy],
  ['Dream', parseInvokeAiDream],
];

/** What is looked for, for messages to whoever sent a file without it. */
export const RECOGNISED_METADATA =
  'AUTOMATIC1111 "parameters", ComfyUI "prompt", InvokeAI "invokeai_metadata" (or 2.x "sd-metadata" / "Dream")';

/**
 * The generation parameters a PNG carries, or null when it has none of the recognised chunks (or they do
 * not parse). Throws NotPngError for data that is not a PNG.
 */
export function readPngParameters(png: Uint8Array, samplers: SamplerNames): ImportedParameters | null {
  const texts = readPngText(png);
  for (const [keyword, parse] of READERS) {
    const text = texts.get(keyword);
    if (text === undefined) continue;
    const parsed = parse(text, samplers);
    if (parsed) return parsed;
  }
  return null;
}
