import ort from 'onnxruntime-node';
import { ModelSession, outputAsFloat32 } from '../model/onnx-session.js';
import type { FloatTensor } from '../tensor.js';
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
    const { inputIds, truncated, tokenCounts } = this.tokenizer.encode(prompts);
    const dims = [prompts.length, this.tokenizer.maxLength];
    const { type } = this.session.input('input_ids');
    const ids =
      type === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(inputIds, (id) => BigInt(id)), dims)
        : new ort.Tensor('int32', inputIds, dims);
    const outputs = await this.session.run({ input_ids: ids });
    const hidden = outputs.last_hidden_state ?? outputs[this.session.outputNames[0]!]!;
    const warnings: string[] = [];
    const usable = this.tokenizer.maxLength - 2;
    truncated.forEach((wasTruncated, i) => {
      if (wasTruncated) {
        warnings.push(
          `The ${labels[i]} has ${tokenCounts[i]} tokens; only the first ${usable} were used (CLIP reads at most ${this.tokenizer.maxLength} including start and end).`,
        );
      }
    });
    return { hiddenStates: outputAsFloat32(hidden), warnings };
  }
}
