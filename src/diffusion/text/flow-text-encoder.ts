/**
 * Prompt strings -> the conditioning of the flow-matching transformers, as diffusers' SD3 and FLUX pipelines
 * build it:
 *
 * - SD3: CLIP-L's and CLIP-bigG's penultimate hidden states side by side ([P, 77, 768 + 1280]), zero-padded
 *   to T5's width (joint_attention_dim), then T5's last_hidden_state appended along the sequence axis ([P,
 *   77 + T5 tokens, D]; zeros of T5's length when the folder has no text_encoder_3). The pooled projection is
 *   both CLIP encoders' text_embeds side by side.
 * - FLUX: T5's last_hidden_state is encoder_hidden_states; CLIP-L's pooled output (text_embeds, or
 *   pooler_output when the export is a plain CLIPTextModel) is pooled_projections.
 *
 * CLIP reads 77 tokens, T5 its tokenizer's model_max_length (256 or 512, diffusers' max_sequence_length);
 * a prompt cut short is warned about (CLIP's cut only when there is no T5 to read the rest). Emphasis syntax
 * is parsed away but its weights are not applied: these pipelines have no agreed emphasis rule.
 *
 * T5 is the largest part (T5-XXL: 9.5 GB in fp32). `T5Encoder` keeps it loaded, or, when the worker's
 * memory budget says the model does not fit (pipeline.ts), loads it for each encode and releases it
 * straight after, so that one text encoder at a time is resident beside the transformer.
 */
import { ModelSession, type SessionOptions } from '../model/onnx-session.js';
import { outputAsFloat32 } from '../model/onnx-tensors.js';
import { concatLastAxis, type FloatTensor } from '../tensor.js';
import { parsePromptAttention } from './prompt-attention.js';
import { outputName, type EncodedPrompts, type TextEncoderPart } from './text-encoder.js';
import type { PromptTokenizer, TokenizedPrompts } from './tokenizer.js';

/** diffusers' SD3 default max_sequence_length: the zeros that stand for T5 when it is absent. */
export const SD3_ABSENT_T5_TOKENS = 256;

/** T5, resident or loaded for each encode. */
export class T5Encoder {
  private constructor(
    readonly tokenizer: PromptTokenizer,
    private readonly file: string,
    private readonly options: SessionOptions,
    private resident: ModelSession | null,
  ) {}

  /** `transient`: load and release around every encode instead of keeping the session. */
  static async load(file: string, tokenizer: PromptTokenizer, options: SessionOptions, transient: boolean): Promise<T5Encoder> {
    return new T5Encoder(tokenizer, file, options, transient ? null : await ModelSession.load(file, options));
  }

  /** Whether the session stays loaded between encodes. */
  get isResident(): boolean {
    return this.resident !== null;
  }

  /** last_hidden_state [rows, maxLength, width] of the token rows. */
  async encode(tokenized: TokenizedPrompts, rows: number): Promise<FloatTensor> {
    const session = this.resident ?? (await ModelSession.load(this.file, this.options));
    try {
      const outputs = await session.run({ input_ids: session.intInput('input_ids', tokenized.inputIds, [rows, this.tokenizer.maxLength]) });
      return outputAsFloat32(outputs.last_hidden_state ?? outputs[session.outputNames[0]!]!);
    } finally {
      if (!this.resident) await session.release();
    }
  }

  async release(): Promise<void> {
    await this.resident?.release();
  }
}

export interface FlowPromptEncoderParts {
  family: 'sd3' | 'flux';
  /** SD3: CLIP-L then CLIP-bigG; FLUX: CLIP-L. */
  clip: readonly TextEncoderPart[];
  /** SD3's text_encoder_3 (optional) or FLUX's text_encoder_2. */
  t5: T5Encoder | null;
  /** The transformer's encoder_hidden_states width (joint_attention_dim). */
  jointAttentionDim: number;
}

export class FlowPromptEncoder {
  constructor(private readonly parts: FlowPromptEncoderParts) {
    const { family, clip, t5 } = parts;
    if (clip.length !== (family === 'sd3' ? 2 : 1)) throw new Error(`${family === 'sd3' ? 'SD3 needs two CLIP encoders' : 'FLUX needs one CLIP encoder'}, got ${clip.length}`);
    if (family === 'flux' && !t5) throw new Error('FLUX needs its T5 encoder (text_encoder_2)');
    for (const part of clip) {
      if (family === 'sd3') outputName(part.session, 'penultimate'); // fail at load, not at the first request
      if (!pooledOutput(part.session)) throw new Error(`this CLIP encoder has neither text_embeds nor pooler_output (outputs: ${part.session.outputNames.join(', ')})`);
    }
  }

  /** The tokens T5 reads (start and end included), or the zeros standing in for it. */
  get t5Length(): number {
    return this.parts.t5?.tokenizer.maxLength ?? SD3_ABSENT_T5_TOKENS;
  }

  async encode(prompts: string[], labels: string[] = prompts.map(() => 'prompt')): Promise<EncodedPrompts> {
    const { family, clip, t5, jointAttentionDim } = this.parts;
    const warnings: string[] = [];
    // The emphasis syntax removed and the rest tokenized whole: T5's pieces depend on the words around them.
    const parsed = prompts.map((prompt) => [{ text: parsePromptAttention(prompt).map((f) => (f.isBreak ? ' ' : f.text)).join(''), weight: 1 }]);
    const rows = prompts.length;

    const clipHidden: FloatTensor[] = [];
    const pooled: FloatTensor[] = [];
    for (const [i, part] of clip.entries()) {
      const tokenized = part.tokenizer.encodeChunked(parsed, 1);
      const outputs = await part.session.run({ input_ids: part.session.intInput('input_ids', tokenized.inputIds, [rows, part.tokenizer.maxLength]) });
      if (family === 'sd3') clipHidden.push(outputAsFloat32(outputs[outputName(part.session, 'penultimate')]!));
      pooled.push(outputAsFloat32(outputs[pooledOutput(part.session)!]!));
      if (i === 0 && !t5) warnCut(warnings, tokenized, labels, part.tokenizer, 'CLIP');
    }

    let t5Hidden: FloatTensor;
    if (t5) {
      const tokenized = t5.tokenizer.encodeChunked(parsed, 1);
      t5Hidden = await t5.encode(tokenized, rows);
      warnCut(warnings, tokenized, labels, t5.tokenizer, 'T5');
      const width = t5Hidden.dims[2];
      if (width !== jointAttentionDim) throw new Error(`T5 gives ${width}-wide states, the transformer takes ${jointAttentionDim}`);
    } else {
      t5Hidden = { data: new Float32Array(rows * SD3_ABSENT_T5_TOKENS * jointAttentionDim), dims: [rows, SD3_ABSENT_T5_TOKENS, jointAttentionDim] };
    }

    const pooledProjection = concatLastAxis(pooled);
    if (family === 'flux') return { hiddenStates: t5Hidden, pooled: pooledProjection, warnings };
    const sideBySide = concatLastAxis(clipHidden);
    const padded = padLastAxis(sideBySide, jointAttentionDim);
    return { hiddenStates: concatSequence(padded, t5Hidden), pooled: pooledProjection, warnings };
  }

  async release(): Promise<void> {
    await Promise.all([...this.parts.clip.map((part) => part.session.release()), this.parts.t5?.release()]);
  }
}

/** The pooled output of a CLIP export: text_embeds (with projection) or pooler_output (a plain CLIPTextModel). */
function pooledOutput(session: ModelSession): string | undefined {
  return ['text_embeds', 'pooler_output'].find((name) => session.outputNames.includes(name));
}

function warnCut(warnings: string[], tokenized: TokenizedPrompts, labels: string[], tokenizer: PromptTokenizer, encoder: string): void {
  const ends = tokenizer.startTokenId === null ? 'the end token' : 'start and end';
  tokenized.truncated.forEach((cut, i) => {
    if (cut) {
      warnings.push(
        `The ${labels[i]} has ${tokenized.tokenCounts[i]} tokens; only the first ${tokenizer.room} were used (${encoder} reads at most ${tokenizer.maxLength} including ${ends}).`,
      );
    }
  });
}

/** [rows, tokens, w] -> [rows, tokens, width], zeros after the w values (SD3's padding of CLIP to T5's width). */
export function padLastAxis(tensor: FloatTensor, width: number): FloatTensor {
  const w = tensor.dims[tensor.dims.length - 1]!;
  if (w > width) throw new Error(`CLIP's states are ${w} wide, wider than the transformer's ${width}`);
  if (w === width) return tensor;
  const rows = tensor.data.length / w;
  const data = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) data.set(tensor.data.subarray(r * w, (r + 1) * w), r * width);
  return { data, dims: [...tensor.dims.slice(0, -1), width] };
}

/** [P, a, D] and [P, b, D] -> [P, a + b, D]. */
export function concatSequence(first: FloatTensor, second: FloatTensor): FloatTensor {
  const [rows, a, width] = first.dims as [number, number, number];
  const [rows2, b, width2] = second.dims as [number, number, number];
  if (rows !== rows2 || width !== width2) throw new Error(`cannot put [${second.dims}] after [${first.dims}] along the sequence axis`);
  const data = new Float32Array(rows * (a + b) * width);
  for (let r = 0; r < rows; r++) {
    data.set(first.data.subarray(r * a * width, (r + 1) * a * width), r * (a + b) * width);
    data.set(second.data.subarray(r * b * width, (r + 1) * b * width), (r * (a + b) + a) * width);
  }
  return { data, dims: [rows, a + b, width] };
}
