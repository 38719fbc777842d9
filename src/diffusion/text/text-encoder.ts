/** Prompt strings -> the hidden states (and SDXL's pooled projection) that condition the UNet. */
import type { ModelSession } from '../model/onnx-session.js';
import { outputAsFloat32, type OnnxFeeds } from '../model/onnx-tensors.js';
import { concatLastAxis, type FloatTensor } from '../tensor.js';
import { parsePromptAttention } from './prompt-attention.js';
import { PromptTokenizer, type TokenizedWeightedPrompts } from './tokenizer.js';

export interface EncodedPrompts {
  /** [prompts, tokens, hidden] hidden states that condition the UNet (SDXL: both encoders', side by side). */
  hiddenStates: FloatTensor;
  /** [prompts, projection] pooled, projected embedding of each prompt's first chunk, when an encoder gives one (SDXL). */
  pooled?: FloatTensor;
  /** Human-readable notes for the caller, e.g. that a prompt was truncated. */
  warnings: string[];
}

/** One text encoder and the tokenizer that goes with it. */
export interface TextEncoderPart {
  tokenizer: PromptTokenizer;
  session: ModelSession;
}

/**
 * Which hidden states condition the UNet: the last layer's (SD 1.x/2.x; SD 2.x exports already stop at the
 * penultimate OpenCLIP layer, so "last" is right there too) or the penultimate layer's (SDXL, diffusers'
 * `hidden_states[-2]`, which needs an export with the `hidden_states.N` outputs).
 */
export type HiddenLayer = 'last' | 'penultimate';

/** Tokenizers + text encoder sessions: prompt strings in, conditioning tensors out. */
export class PromptEncoder {
  constructor(
    readonly parts: readonly TextEncoderPart[],
    private readonly layer: HiddenLayer = 'last',
  ) {
    if (parts.length === 0) throw new Error('a prompt encoder needs at least one text encoder');
    for (const part of parts) outputName(part.session, layer); // fail at load, not at the first request
  }

  get tokenizer(): PromptTokenizer {
    return this.parts[0]!.tokenizer;
  }

  /** Releases every text encoder's session. */
  async release(): Promise<void> {
    await Promise.all(this.parts.map((part) => part.session.release()));
  }

  /** Whether some encoder gives a pooled projection (`text_embeds`), which SDXL UNets take. */
  get hasPooled(): boolean {
    return this.parts.some((part) => part.session.outputNames.includes('text_embeds'));
  }

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
    const tokenized = this.parts.map((part) => part.tokenizer.encodeChunked(parsed, maxChunks));
    const first = tokenized[0]!;
    if (tokenized.some((t) => t.chunkCount !== first.chunkCount || t.inputIds.length !== first.inputIds.length)) {
      throw new Error("the text encoders' tokenizers split the prompt into different chunks; they must share a vocabulary");
    }
    const hiddenParts: FloatTensor[] = [];
    let pooledRows: FloatTensor | undefined;
    for (const [i, part] of this.parts.entries()) {
      const outputs = await runEncoder(part, tokenized[i]!, prompts.length * first.chunkCount);
      hiddenParts.push(outputAsFloat32(outputs[outputName(part.session, this.layer)]!));
      if (outputs.text_embeds) pooledRows = outputAsFloat32(outputs.text_embeds);
    }
    const hidden = concatLastAxis(hiddenParts);
    applyEmphasis(hidden, first.weights);
    // A prompt's chunk rows are contiguous, so [prompts * chunks, 77, D] is [prompts, chunks * 77, D] as it is.
    const [, tokens, width] = hidden.dims as [number, number, number];
    const hiddenStates: FloatTensor = { data: hidden.data, dims: [prompts.length, first.chunkCount * tokens, width] };
    const pooled = pooledRows && firstChunkRows(pooledRows, prompts.length, first.chunkCount);

    const usable = this.tokenizer.room;
    first.truncated.forEach((wasTruncated, i) => {
      if (!wasTruncated) return;
      warnings.push(
        maxChunks === 1
          ? `The ${labels[i]} has ${first.tokenCounts[i]} tokens; only the first ${usable} were used (CLIP reads at most ${this.tokenizer.maxLength} including start and end).`
          : `The ${labels[i]} has ${first.tokenCounts[i]} tokens; only the first ${maxChunks} chunks of ${usable} were used.`,
      );
    });
    return { hiddenStates, ...(pooled ? { pooled } : {}), warnings };
  }
}

function runEncoder(part: TextEncoderPart, tokenized: TokenizedWeightedPrompts, rows: number): Promise<OnnxFeeds> {
  return part.session.run({ input_ids: part.session.intInput('input_ids', tokenized.inputIds, [rows, part.tokenizer.maxLength]) });
}

/** The output that holds the wanted layer: last_hidden_state, or hidden_states.{N-1} of outputs 0..N. */
export function outputName(session: ModelSession, layer: HiddenLayer): string {
  const names = session.outputNames;
  if (layer === 'last') return names.includes('last_hidden_state') ? 'last_hidden_state' : names[0]!;
  const layers = names.map((name) => /^hidden_states\.(\d+)$/.exec(name)).filter((m) => m !== null).map((m) => Number(m[1]));
  if (layers.length < 2) {
    throw new Error(
      `this text encoder has no per-layer outputs (hidden_states.0, hidden_states.1, ...), which SDXL needs for its penultimate layer; export it with output_hidden_states (outputs: ${names.join(', ')})`,
    );
  }
  return `hidden_states.${Math.max(...layers) - 1}`;
}

/** Rows [prompts * chunks, D] -> [prompts, D], keeping each prompt's first chunk (as AUTOMATIC1111 pools long prompts). */
function firstChunkRows(rows: FloatTensor, prompts: number, chunkCount: number): FloatTensor {
  const width = rows.dims[rows.dims.length - 1]!;
  const data = new Float32Array(prompts * width);
  for (let p = 0; p < prompts; p++) data.set(rows.data.subarray(p * chunkCount * width, (p * chunkCount + 1) * width), p * width);
  return { data, dims: [prompts, width] };
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
