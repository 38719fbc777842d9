/**
 * Midjourney-style parameters written at the end of a prompt: "a red fox --ar 16:9 --seed 42 --no blurry,
 * text --steps 30 --cfg 7". They are split off the prompt and returned as generation parameters; whatever
 * follows the first "--name" is parameters, the text before it is the prompt.
 */

export interface PromptParameters {
  /** Width:height, e.g. [16, 9]. */
  aspectRatio?: [number, number];
  seed?: bigint;
  /** Things to avoid, from --no (comma-separated in the prompt; joined with ", " for a negative prompt). */
  negative?: string;
  steps?: number;
  guidanceScale?: number;
}

export class PromptParameterError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'PromptParameterError';
  }
}

const KNOWN = ['ar', 'aspect', 'seed', 'no', 'steps', 'cfg'] as const;

/** Splits "prompt --name value ..." into the prompt and its parameters. Unknown or malformed ones are errors. */
export function parsePromptParameters(text: string): { prompt: string; parameters: PromptParameters } {
  const start = text.search(/(^|\s)--[a-z]/i);
  if (start < 0) return { prompt: text.trim(), parameters: {} };
  const prompt = text.slice(0, start).trim();
  const parameters: PromptParameters = {};
  // "--name value words" groups: the value runs until the next "--name".
  for (const group of text.slice(start).split(/\s--(?=[a-z])/i)) {
    const match = /^\s*-{0,2}([a-z]+)\s*(.*)$/is.exec(group);
    if (!match) continue;
    const name = match[1]!.toLowerCase();
    const value = match[2]!.trim();
    if (!(KNOWN as readonly string[]).includes(name)) {
      throw new PromptParameterError(name, `unknown prompt parameter --${name}; known: ${KNOWN.map((k) => `--${k}`).join(', ')}`);
    }
    if (name === 'ar' || name === 'aspect') parameters.aspectRatio = parseAspectRatio(value);
    else if (name === 'seed') {
      if (!/^\d+$/.test(value)) throw new PromptParameterError('seed', `--seed needs a non-negative integer, got "${value}"`);
      parameters.seed = BigInt(value);
    } else if (name === 'no') {
      const items = value.split(',').map((item) => item.trim()).filter(Boolean);
      if (items.length === 0) throw new PromptParameterError('no', '--no needs something to avoid');
      parameters.negative = items.join(', ');
    } else if (name === 'steps') {
      if (!/^\d+$/.test(value)) throw new PromptParameterError('steps', `--steps needs an integer, got "${value}"`);
      parameters.steps = Number(value);
    } else {
      const cfg = Number(value);
      if (value === '' || !Number.isFinite(cfg)) throw new PromptParameterError('cfg', `--cfg needs a number, got "${value}"`);
      parameters.guidanceScale = cfg;
    }
  }
  return { prompt, parameters };
}

function parseAspectRatio(value: string): [number, number] {
  const match = /^(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)$/.exec(value);
  const width = match ? Number(match[1]) : NaN;
  const height = match ? Number(match[2]) : NaN;
  if (!(width > 0 && height > 0) || Math.max(width / height, height / width) > 8) {
    throw new PromptParameterError('ar', `--ar needs "width:height" with a ratio up to 8:1, got "${value}"`);
  }
  return [width, height];
}

/**
 * Width and height for an aspect ratio with about the area of a square of `baseSize`, each a multiple of
 * `multiple` (the way AUTOMATIC1111 and Midjourney keep the pixel count when the shape changes), scaled up
 * when the short side would fall below `minSide`.
 */
export function sizeForAspectRatio(
  [w, h]: [number, number],
  baseSize: number,
  { multiple = 8, minSide = 64 }: { multiple?: number; minSide?: number } = {},
): { width: number; height: number } {
  const area = baseSize * baseSize;
  let width = Math.sqrt((area * w) / h);
  let height = area / width;
  const grow = Math.max(1, minSide / Math.min(width, height));
  width *= grow;
  height *= grow;
  const snap = (value: number) => Math.max(minSide, Math.round(value / multiple) * multiple);
  return { width: snap(width), height: snap(height) };
}
