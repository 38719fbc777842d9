/**
 * What the embeddings catalogue shows of a textual-inversion file: its name (the word a prompt writes), the
 * family its vectors fit (SDXL's clip_l + clip_g pair; otherwise by width: 768 SD 1.x, 1024 SD 2.x), how many
 * vectors (tokens) it adds, its size and a short hash of the file. Reading it checks the file is an embedding.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sha256From, type LoraFamily } from '../lora/lora-info.js';
import { readEmbeddingFile } from './embedding-file.js';

export interface EmbeddingFileInfo {
  file: string;
  name: string;
  family: LoraFamily | null;
  /** Tokens it takes in a prompt (vectors per encoder). */
  vectors: number;
  sizeBytes: number;
  /** First 12 hex digits of the file's sha256. */
  hash: string;
}

const FAMILY_BY_WIDTH: Record<number, LoraFamily> = { 768: 'sd1', 1024: 'sd2' };

export async function readEmbeddingFileInfo(file: string): Promise<EmbeddingFileInfo> {
  const name = path.basename(file).replace(/\.safetensors$/i, '');
  const { vectors } = await readEmbeddingFile(file, name);
  const any = vectors.any;
  const family = vectors.clip_l || vectors.clip_g ? 'sdxl' : (FAMILY_BY_WIDTH[any?.dim ?? 0] ?? null);
  const rows = (any ?? vectors.clip_l ?? vectors.clip_g)?.rows ?? 0;
  return { file, name, family, vectors: rows, sizeBytes: (await fs.stat(file)).size, hash: (await sha256From(file, 0)).slice(0, 12) };
}
