// The token-embedding rows of words in a model's text encoder: what a textual-inversion embedding standing for them holds.
import path from 'node:path';
import { EditableOnnxModel } from '../../src/diffusion/model/editable-onnx.js';
import { findTokenTable } from '../../src/diffusion/text/embedding-table.js';
import { PromptTokenizer } from '../../src/diffusion/text/tokenizer.js';

/** The token-embedding rows of `words` in a text encoder: what an embedding standing for them holds. */
export async function rowsOf(model: string, encoder: string, tokenizer: string, words: string): Promise<{ rows: number; dim: number; data: number[] }> {
  const ids = (await PromptTokenizer.load(path.join(model, tokenizer))).tokenIds(words);
  const editable = await EditableOnnxModel.read(path.join(model, encoder, 'model.onnx'));
  const table = findTokenTable(editable.scan)!;
  const values = await editable.float32(table.initializer);
  return { rows: ids.length, dim: table.dim, data: ids.flatMap((id) => [...values.subarray(id * table.dim, (id + 1) * table.dim)]) };
}
