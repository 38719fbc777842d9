/**
 * Textual inversion in a text encoder's graph: the token-embedding table (the Gather over input_ids, a
 * [vocab, dim] initializer) gets the embeddings' vectors appended as new rows, which makes it larger, so that
 * one initializer is rewritten (editable-onnx.ts replace). The ids of the new rows go to the tokenizer.
 */
import type { EditableOnnxModel } from '../model/editable-onnx.js';
import type { OnnxModelScan } from '../model/onnx-scan.js';
import type { AddedTokens } from './added-tokens.js';
import type { EmbeddingVectors } from './embedding-file.js';

const INPUT_IDS = 'input_ids';

/** The token-embedding table's initializer and whether the encoder pools at the largest input id. */
export function findTokenTable(scan: OnnxModelScan): { initializer: string; vocab: number; dim: number; poolsAtLargestId: boolean } | undefined {
  const producers = new Map(scan.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  // input_ids itself, or input_ids cast (to int64 for Gather, to float for ArgMax).
  const readsIds = (value: string | undefined) => value === INPUT_IDS || (producers.get(value ?? '')?.opType === 'Cast' && producers.get(value!)!.inputs[0] === INPUT_IDS);
  const table = (value: string | undefined): string | undefined => {
    if (value && scan.initializers.has(value)) return value;
    const cast = producers.get(value ?? '');
    return cast?.opType === 'Cast' && scan.initializers.has(cast.inputs[0]!) ? cast.inputs[0] : undefined;
  };
  for (const node of scan.nodes) {
    if (node.opType !== 'Gather' || (node.ints.get('axis') ?? 0) !== 0 || !readsIds(node.inputs[1])) continue;
    const initializer = table(node.inputs[0]);
    const dims = initializer ? scan.initializers.get(initializer)!.dims : [];
    if (!initializer || dims.length !== 2) continue;
    const poolsAtLargestId = scan.nodes.some((n) => n.opType === 'ArgMax' && readsIds(n.inputs[0]));
    return { initializer, vocab: dims[0]!, dim: dims[1]!, poolsAtLargestId };
  }
  return undefined;
}

/**
 * Appends each embedding's rows to the table, in order, and returns the ids they got. When the encoder pools
 * at the largest id, the end token's row is copied after them and the end token takes that id.
 */
export async function appendTokenEmbeddings(model: EditableOnnxModel, embeddings: readonly { name: string; vectors: EmbeddingVectors }[], endTokenId: number): Promise<AddedTokens> {
  const found = findTokenTable(model.scan);
  if (!found) throw new Error(`${model.source} has no token-embedding table (a Gather over input_ids)`);
  const { initializer, vocab, dim, poolsAtLargestId } = found;
  for (const e of embeddings) {
    if (e.vectors.dim !== dim) throw new Error(`embedding "${e.name}" has ${e.vectors.dim}-wide vectors; this text encoder takes ${dim}`);
  }
  const added = embeddings.reduce((n, e) => n + e.vectors.rows, 0);
  const rows = vocab + added + (poolsAtLargestId ? 1 : 0);
  const table = new Float32Array(rows * dim);
  const old = await model.float32(initializer);
  table.set(old);
  let next = vocab;
  const words = embeddings.map((e) => {
    table.set(e.vectors.data, next * dim);
    const ids = Array.from({ length: e.vectors.rows }, (_, i) => next + i);
    next += e.vectors.rows;
    return { name: e.name, ids };
  });
  if (poolsAtLargestId) table.set(old.subarray(endTokenId * dim, (endTokenId + 1) * dim), next * dim);
  await model.replace(initializer, table, [rows, dim]);
  return { words, ...(poolsAtLargestId ? { endTokenId: next } : {}) };
}
