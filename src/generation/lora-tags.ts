/**
 * AUTOMATIC1111's LoRA syntax, read and written: `<lora:name:0.8>` tags in a prompt (taken out of the text that
 * is encoded), and the `Lora hashes: "name: hash, ..."` setting of a PNG's parameters. Pure text work, shared by
 * the request check (lora-request.ts), the PNG writer (engine-request.ts) and the importers (library/interchange).
 */

/** A LoRA applied to a generation: its name (a file in ATELIER_LORAS_DIR), its strength, and the file's short hash. */
export interface LoraUse {
  name: string;
  /** The multiplier of its weights: 1 as trained, 0 off, negative inverts it. */
  weight: number;
  /** AUTOMATIC1111's short hash of the file it was (12 hex digits); empty when not known (an import). */
  hash: string;
}

/** A LoRA a request or a prompt names: the weight is 1 when left out. */
export interface LoraMention {
  name: string;
  weight: number;
}

/** `<lora:name>` or `<lora:name:weight>`; `lyco` is the LyCORIS extension's spelling of the same. */
const TAG = /<(?:lora|lyco):([^<>]*)>/gi;

export class LoraTagError extends Error {
  constructor(
    message: string,
    /** The tag as written. */
    readonly tag: string,
  ) {
    super(message);
    this.name = 'LoraTagError';
  }
}

/** Splits the `<lora:...>` tags off a prompt: the text without them (spaces and commas tidied) and the LoRAs they name. */
export function takeLoraTags(prompt: string): { prompt: string; loras: LoraMention[] } {
  const loras: LoraMention[] = [];
  const text = prompt.replace(TAG, (tag: string, body: string) => {
    loras.push(parseTagBody(tag, body));
    return ' ';
  });
  if (loras.length === 0) return { prompt, loras };
  const tidied = text
    .replace(/[ \t]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/ ?, ?(, ?)+/g, ', ')
    .replace(/ +,/g, ',')
    .replace(/^[\s,]+|[\s,]+$/g, '');
  return { prompt: tidied, loras };
}

function parseTagBody(tag: string, body: string): LoraMention {
  const parts = body.split(':');
  const name = parts[0]!.trim();
  if (name === '') throw new LoraTagError(`${tag} names no LoRA; write <lora:name> or <lora:name:weight>`, tag);
  if (parts.length > 2) {
    throw new LoraTagError(`${tag}: separate text-encoder and UNet weights are not supported; write <lora:${name}:weight>`, tag);
  }
  const written = parts[1]?.trim() ?? '';
  const weight = written === '' ? 1 : Number(written);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(written || '1') || !Number.isFinite(weight)) {
    throw new LoraTagError(`${tag}: the weight must be a number, got "${written}"`, tag);
  }
  return { name, weight };
}

/** The prompt as AUTOMATIC1111 writes it into a PNG: the text, then a tag for each LoRA. */
export function promptWithLoraTags(prompt: string, loras: readonly LoraMention[]): string {
  if (loras.length === 0) return prompt;
  const tags = loras.map((lora) => `<lora:${lora.name}:${formatWeight(lora.weight)}>`).join(' ');
  return prompt === '' ? tags : `${prompt} ${tags}`;
}

/**
 * A1111's `Lora hashes` value ("name: hash, name: hash"), also its `TI hashes` for embeddings; only entries
 * whose hash is known; undefined for none.
 */
export function formatLoraHashes(loras: readonly { name: string; hash: string }[]): string | undefined {
  const known = loras.filter((lora) => lora.hash !== '');
  return known.length === 0 ? undefined : known.map((lora) => `${lora.name}: ${lora.hash}`).join(', ');
}

/** The inverse of formatLoraHashes: name -> hash. */
export function parseLoraHashes(value: string | undefined): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const entry of (value ?? '').split(',')) {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) continue;
    const name = entry.slice(0, colon).trim();
    const hash = entry.slice(colon + 1).trim();
    if (name && /^[0-9a-f]+$/i.test(hash)) hashes.set(name, hash.toLowerCase());
  }
  return hashes;
}

/** Weights as people write them: 0.8, 1, -0.5 (no float noise such as 0.30000000000000004). */
function formatWeight(weight: number): string {
  return String(Number(weight.toFixed(4)));
}
