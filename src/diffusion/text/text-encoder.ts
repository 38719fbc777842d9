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

  async encode(prompts: string[], labels: string[] = prompts.map(() => 'prompt')): Promise<EncodedPrompts> {
    const warnings: string[] = [];
    const parsed = prompts.map((prompt, i) => {
      const fragments = parsePromptAttention(prompt);
      if (fragments.some((f) => f.isBreak)) {
        warnings.push(`BREAK in the ${labels[i]} was ignored: prompts longer than one ${this.tokenizer.maxLength}-token chunk are not supported yet.`);
      }
      return fragments.filter((f) => !f.isBreak);
    });
    const { inputIds, weights, truncated, tokenCounts } = this.tokenizer.encodeWeighted(parsed);
    const dims = [prompts.length, this.tokenizer.maxLength];
    const { type } = this.session.input('input_ids');
    const ids =
      type === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(inputIds, (id) => BigInt(id)), dims)
        : new ort.Tensor('int32', inputIds, dims);
    const outputs = await this.session.run({ input_ids: ids });
    const hidden = outputAsFloat32(outputs.last_hidden_state ?? outputs[this.session.outputNames[0]!]!);
    applyEmphasis(hidden, weights);
    const usable = this.tokenizer.maxLength - 2;
    truncated.forEach((wasTruncated, i) => {
      if (wasTruncated) {
        warnings.push(
          `The ${labels[i]} has ${tokenCounts[i]} tokens; only the first ${usable} were used (CLIP reads at most ${this.tokenizer.maxLength} including start and end).`,
        );
      }
    });
    return { hiddenStates: hidden, warnings };
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
