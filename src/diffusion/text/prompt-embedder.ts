/**
 * A prompt's meaning as one vector, for semantic search: the pooled output of a model folder's CLIP text
 * encoder (the end-of-text token's final state, which attends to the whole prompt), scaled to unit length so
 * cosine similarity is a dot product.
 *
 * The encoder runs through transformers.js (`CLIPTextModel`) straight from the diffusers ONNX layout
 * (`text_encoder/model.onnx`, read locally, never from the hub); token ids come from our own tokenizer, which
 * also reads exports that ship only the slow tokenizer files.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { CLIPTextModel, env, LogLevel, PretrainedConfig, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { PromptTokenizer } from './tokenizer.js';

// transformers.js warns that it has no class for `clip_text_model` and treats it as encoder-only, which is
// exactly what it is; only real errors should reach the server's output.
env.logLevel = LogLevel.ERROR;

/** Prompts per encoder run: large enough to amortise a run, small enough to bound memory on a real encoder. */
const BATCH = 32;

export class PromptEmbedder {
  private constructor(
    private readonly model: PreTrainedModel,
    private readonly tokenizer: PromptTokenizer,
    private readonly idType: 'int32' | 'int64',
    /** Length of every vector. */
    readonly dimensions: number,
  ) {}

  /** Loads `<modelDir>/text_encoder` and `<modelDir>/tokenizer`; rejects when either is missing or unusable. */
  static async load(modelDir: string): Promise<PromptEmbedder> {
    const encoderDir = path.resolve(modelDir, 'text_encoder');
    const tokenizer = await PromptTokenizer.load(path.join(modelDir, 'tokenizer'));
    // Exports made by diffusers' own converter have no config.json beside the graph; the graph is enough.
    const config = (await exists(path.join(encoderDir, 'config.json')))
      ? undefined
      : new PretrainedConfig({ model_type: 'clip_text_model', architectures: ['CLIPTextModel'] });
    const model = await CLIPTextModel.from_pretrained(encoderDir, {
      local_files_only: true,
      subfolder: '',
      model_file_name: 'model',
      dtype: 'fp32',
      device: 'cpu',
      ...(config ? { config } : {}),
    });
    const session = (model as unknown as { sessions: Record<string, SessionLike> }).sessions.model;
    const idType = session?.inputMetadata?.find((input) => input.name === 'input_ids')?.type === 'int64' ? 'int64' : 'int32';
    const embedder = new PromptEmbedder(model, tokenizer, idType, 0);
    const [probe] = await embedder.embed(['']);
    return new PromptEmbedder(model, tokenizer, idType, probe!.length);
  }

  /** One unit-length vector per text (prompts longer than the encoder's window are cut, as for generation). */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      vectors.push(...(await this.embedBatch(texts.slice(start, start + BATCH))));
    }
    return vectors;
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }

  private async embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const encoded = this.tokenizer.encode([...texts]);
    const dims = [texts.length, this.tokenizer.maxLength];
    const ids =
      this.idType === 'int64'
        ? new Tensor('int64', BigInt64Array.from(encoded.inputIds, (id) => BigInt(id)), dims)
        : new Tensor('int32', encoded.inputIds, dims);
    const outputs = (await this.model({ input_ids: ids })) as Record<string, Tensor>;
    const pooled = outputs.pooler_output ?? endTokenStates(outputs.last_hidden_state!, encoded.tokenCounts, this.tokenizer.maxLength);
    const width = pooled.dims.at(-1)!;
    const data = pooled.data as Float32Array;
    return texts.map((_, row) => unitLength(data.slice(row * width, (row + 1) * width)));
  }
}

interface SessionLike {
  inputMetadata?: ReadonlyArray<{ name: string; type?: string }>;
}

/** Exports without `pooler_output`: the end token's state (after start + prompt tokens), as CLIP pools. */
function endTokenStates(hidden: Tensor, tokenCounts: number[], maxLength: number): Tensor {
  const [rows, tokens, width] = hidden.dims as [number, number, number];
  const data = hidden.data as Float32Array;
  const pooled = new Float32Array(rows * width);
  for (let row = 0; row < rows; row++) {
    const end = Math.min(tokenCounts[row]! + 1, maxLength - 1, tokens - 1);
    pooled.set(data.subarray((row * tokens + end) * width, (row * tokens + end + 1) * width), row * width);
  }
  return new Tensor('float32', pooled, [rows, width]);
}

function unitLength(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum) || 1;
  return vector.map((v) => v / norm);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
