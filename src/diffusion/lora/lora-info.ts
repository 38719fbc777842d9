/**
 * What a LoRA file says about itself, read without loading its tensors: the family it is for, its base
 * model, trigger words and preview from the safetensors metadata (kohya's ss_* keys, the modelspec keys),
 * and AUTOMATIC1111's short hash, which is what "Lora hashes" in PNG parameters refers to.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { readSafetensorsHeader, readUserSafetensors, type SafetensorsEntry } from '../model/safetensors.js';

export type LoraFamily = 'sd1' | 'sd2' | 'sdxl';

export interface LoraFileInfo {
  file: string;
  /** The file name without .safetensors, as prompts name it (`<lora:name:0.8>`). */
  name: string;
  sizeBytes: number;
  /** AUTOMATIC1111's short hash: the first 12 hex digits of the sha256 of the bytes after the header. */
  hash: string;
  family: LoraFamily | null;
  baseModel: string | null;
  triggerWords: string[];
  /** A data: URL of the picture the file embeds (modelspec.thumbnail), if any. */
  preview: string | null;
  metadata: Record<string, string>;
}

/** Not a LoRA we can read: wrong file kind or a malformed safetensors file. */
export class LoraFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LoraFileError';
  }
}

const MAX_TRIGGER_WORDS = 10;

export async function readLoraFileInfo(file: string): Promise<LoraFileInfo> {
  const header = await readUserSafetensors(file, 'LoRA files', readSafetensorsHeader, (message, options) => new LoraFileError(message, options));
  const { metadata, tensors } = header;
  const thumbnail = metadata['modelspec.thumbnail'];
  return {
    file,
    name: path.basename(file).replace(/\.safetensors$/i, ''),
    sizeBytes: header.fileSize,
    hash: (await sha256From(file, header.dataStart)).slice(0, 12),
    family: loraFamily(tensors, metadata),
    baseModel: metadata.ss_sd_model_name || metadata['modelspec.architecture'] || null,
    triggerWords: triggerWords(metadata),
    preview: thumbnail?.startsWith('data:image/') ? thumbnail : null,
    metadata,
  };
}

/** sha256 of the file from `start` to its end: kohya's "addnet" hash, which AUTOMATIC1111 uses for LoRAs. */
export function sha256From(file: string, start: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { start })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Keys first (only SDXL has two text encoders), then what the trainer wrote, then the cross-attention width. */
export function loraFamily(tensors: ReadonlyMap<string, SafetensorsEntry>, metadata: Record<string, string>): LoraFamily | null {
  const names = [...tensors.keys()];
  if (names.some((n) => n.startsWith('lora_te1_') || n.startsWith('lora_te2_') || n.startsWith('text_encoder_2.'))) return 'sdxl';
  const declared = familyFromText(metadata.ss_base_model_version ?? '') ?? familyFromText(metadata['modelspec.architecture'] ?? '');
  if (declared) return declared;
  // attn2's to_k reads the text encoder's hidden states, so its input width is the text width.
  for (const [name, entry] of tensors) {
    const isKeyDown = /attn2[._]to_k[._](lora_down|lora\.down|lora_A)\.weight$/.test(name);
    if (!isKeyDown || entry.shape.length < 2) continue;
    const width = entry.shape[1];
    if (width === 768) return 'sd1';
    if (width === 1024) return 'sd2';
    if (width === 2048) return 'sdxl';
  }
  return null;
}

/** "sd_v1", "sd_v2_768_v", "sdxl_base_v1-0", "stable-diffusion-xl-v1-base/lora", "stable-diffusion-v1/lora". */
function familyFromText(text: string): LoraFamily | null {
  const t = text.toLowerCase();
  if (/sdxl|stable-diffusion-xl/.test(t)) return 'sdxl';
  if (/sd_v2|sd2|stable-diffusion-v2/.test(t)) return 'sd2';
  if (/sd_v1|sd1|stable-diffusion-v1/.test(t)) return 'sd1';
  return null;
}

/**
 * The author's trigger phrase when given (modelspec.trigger_phrase, comma-separated), else the most frequent
 * training tags (ss_tag_frequency: {dataset folder: {tag: count}}), summed over folders.
 */
export function triggerWords(metadata: Record<string, string>): string[] {
  const phrase = metadata['modelspec.trigger_phrase'];
  if (phrase?.trim()) {
    return phrase.split(',').map((w) => w.trim()).filter(Boolean).slice(0, MAX_TRIGGER_WORDS);
  }
  const frequencies = metadata.ss_tag_frequency;
  if (!frequencies) return [];
  let folders: unknown;
  try {
    folders = JSON.parse(frequencies);
  } catch {
    return []; // a trainer's malformed metadata is not worth refusing the LoRA for
  }
  const counts = new Map<string, number>();
  if (typeof folders !== 'object' || folders === null) return [];
  for (const tags of Object.values(folders)) {
    if (typeof tags !== 'object' || tags === null) continue;
    for (const [tag, count] of Object.entries(tags as Record<string, unknown>)) {
      const word = tag.trim();
      if (word && typeof count === 'number') counts.set(word, (counts.get(word) ?? 0) + count);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_TRIGGER_WORDS)
    .map(([word]) => word);
}
