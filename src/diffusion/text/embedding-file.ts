/**
 * Textual-inversion embeddings from .safetensors files: AUTOMATIC1111's `emb_params` [n, dim] (or
 * `string_to_param.*`), diffusers' one `{token: [dim] or [n, dim]}`, and SDXL's pair `clip_l` [n, 768] +
 * `clip_g` [n, 1280], one set of vectors per text encoder. Pickles are refused, as for LoRAs.
 */
import { readSafetensors, readUserSafetensors, safetensorsFloat32 } from '../model/safetensors.js';

/** n vectors of `dim` values, row after row. */
export interface EmbeddingVectors {
  rows: number;
  dim: number;
  data: Float32Array;
}

export interface TextualInversion {
  /** The word that calls it up in a prompt (the file name, as AUTOMATIC1111 has it). */
  name: string;
  /** For SD 1.x/2.x's single encoder (`any`), or per SDXL encoder (`clip_l` first, `clip_g` second). */
  vectors: Partial<Record<'any' | 'clip_l' | 'clip_g', EmbeddingVectors>>;
}

export class EmbeddingFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmbeddingFileError';
  }
}

export async function readEmbeddingFile(file: string, name: string): Promise<TextualInversion> {
  const content = await readUserSafetensors(file, 'embeddings', readSafetensors, (message, options) => new EmbeddingFileError(message, options));
  const vectorsOf = (key: string): EmbeddingVectors => {
    const shape = content.tensors.get(key)!.shape;
    if (shape.length < 1 || shape.length > 2 || shape.some((d) => d === 0)) throw new EmbeddingFileError(`${file}: "${key}" has shape [${shape}], not [n, dim] or [dim]`);
    const [rows, dim] = shape.length === 1 ? [1, shape[0]!] : [shape[0]!, shape[1]!];
    return { rows, dim, data: safetensorsFloat32(content, key) };
  };
  const keys = [...content.tensors.keys()];
  if (keys.includes('clip_l') || keys.includes('clip_g')) {
    return { name, vectors: { ...(keys.includes('clip_l') ? { clip_l: vectorsOf('clip_l') } : {}), ...(keys.includes('clip_g') ? { clip_g: vectorsOf('clip_g') } : {}) } };
  }
  const a1111 = keys.find((k) => k === 'emb_params' || k.startsWith('string_to_param.'));
  if (a1111) return { name, vectors: { any: vectorsOf(a1111) } };
  if (keys.length === 1) return { name, vectors: { any: vectorsOf(keys[0]!) } };
  throw new EmbeddingFileError(`${file}: not a textual-inversion embedding (expected emb_params, clip_l/clip_g or one token's vectors; found ${keys.slice(0, 5).join(', ')})`);
}
