import ort from 'onnxruntime-node';
import { ModelSession, outputAsFloat32 } from '../model/onnx-session.js';
import type { FloatTensor } from '../tensor.js';
import { parsePromptAttention } from './prompt-attention.js';
import { PromptTokenizer } from './tokenizer.js';

export interface EncodedPrompts {
  /** [prompts, tokens, hidden] hidden states that condition the UNet. */
  hiddenStates: FloatTensor;
  /** Human-readable notes for the caller, e.g. that a prompt was truncated. */
  warnings: string[];
}

/** Tokenizer + text encoder session: prompt strings in, conditioning tensors out. */
export class PromptEncoder {
  constructor(
    readonly tokenizer: PromptTokenizer,
    readonly session: ModelSession,
  ) {}

  /**
   * Encodes the prompts (emphasis syntax applied). `maxChunks` 1 truncates each prompt to one 77-token window;
   * more lets long prompts span several windows, concatenated along the sequence axis, for UNets that accept
   * a longer encoder_hidden_states.
   */
  async encode(prompts: string[], labels: string[] = prompts.map(() => 'prompt'), maxChunks = 1): Promise<EncodedPrompts> {
    const warnings: string[] = [];
    const parsed = prompts.map((prompt, i) => {
      const fragments = parsePromptAttention(prompt);
      if (maxChunks === 1 && fragments.some((f) => f.isBreak)) {
        warnings.push(`BREAK in the ${labels[i]} was ignored: this model reads a single ${this.tokenizer.maxLength}-token chunk.`);
      }
      return fragments;
    });
    const { inputIds, weights, truncated, tokenCounts, chunkCount } = this.tokenizer.encodeChunked(parsed, maxChunks);
    const rows = prompts.length * chunkCount;
    const dims = [rows, this.tokenizer.maxLength];
    const { type } = this.session.input('input_ids');
    const ids =
      type === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(inputIds, (id) => BigInt(id)), dims)
        : new ort.Tensor('int32', inputIds, dims);
    const outputs = await this.session.run({ input_ids: ids });
    const hidden = outputAsFloat32(outputs.last_hidden_state ?? outputs[this.session.outputNames[0]!]!);
    applyEmphasis(hidden, weights);
    // A prompt's chunk rows are contiguous, so [prompts * chunks, 77, D] is [prompts, chunks * 77, D] as it is.
    const [, tokens, width] = hidden.dims as [number, number, number];
    const hiddenStates: FloatTensor = { data: hidden.data, dims: [prompts.length, chunkCount * tokens, width] };

    const usable = this.tokenizer.maxLength - 2;
    truncated.forEach((wasTruncated, i) => {
      if (!wasTruncated) return;
      warnings.push(
        maxChunks === 1
          ? `The ${labels[i]} has ${tokenCounts[i]} tokens; only the first ${usable} were used (CLIP reads at most ${this.tokenizer.maxLength} including start and end).`
          : `The ${labels[i]} has ${tokenCounts[i]} tokens; only the first ${maxChunks} chunks of ${usable} were used.`,
      );
    });
    return { hiddenStates, warnings };
  }
}

/**
 * AUTOMATIC1111's emphasis: scale each token's hidden state by its weight, then rescale the prompt's row so
 * its mean is what it was (emphasis shifts attention between tokens without changing the overall level).
 */
function applyEmphasis(hidden: FloatTensor, weights: Float32Array): void {
  const [rows, tokens, width] = hidden.dims as [number, number, number];
  for (let row = 0; row < rows; row++) {
    const rowWeights = weights.subarray(row * tokens, (row + 1) * tokens);
    if (rowWeights.every((w) => w === 1)) continue;
    const values = hidden.data.subarray(row * tokens * width, (row + 1) * tokens * width);
    let before = 0;
    for (const v of values) before += v;
    let after = 0;
    for (let t = 0; t < tokens; t++) {
      for (let k = t * width; k < (t + 1) * width; k++) {
        values[k]! *= rowWeights[t]!;
        after += values[k]!;
      }
    }
    if (after !== 0) {
      const restore = before / after;
      for (let k = 0; k < values.length; k++) values[k]! *= restore;
    }
  }
}
