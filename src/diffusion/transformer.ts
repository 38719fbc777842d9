/**
 * The flow-matching transformers of SD3 and FLUX.1 as the denoising loop drives them (denoiser.ts), fed as
 * optimum's ONNX exports declare (the tiny models of test-models/tiny/ have the same interface):
 *
 * - SD3 (SD3Transformer2DModel): `hidden_states` [B, 16, h, w], `encoder_hidden_states` [B, 77 + T5 tokens,
 *   joint_attention_dim], `pooled_projections` [B, 2048 (tiny: 80)], `timestep` [B] as diffusers' SD3 pipeline
 *   passes it (sigma x 1000, float). Classifier-free guidance as SD: one batched call, halves combined.
 * - FLUX.1 (FluxTransformer2DModel): the latents packed as 2x2 patches, `hidden_states` [B, (h/2)(w/2), 64],
 *   `img_ids` ((0, row, column) per patch) and `txt_ids` (zeros) with or without a batch axis as the export
 *   declares, `timestep` t / 1000, and for dev (guidance-distilled) `guidance` [B], the guidance scale: no
 *   unconditional pass. schnell has no guidance input and the guidance scale is ignored.
 *
 * Both predict the velocity noise - x0 that the flow schedulers step with; latents stay [B, 16, h, w] in the
 * loop (schedulers, img2img, inpainting's blend, previews, the VAE all see them so), and FLUX's packing is
 * done and undone around each call. Odd latent sides (a 72 px side) are edge-padded for the call and cropped.
 */
import type { ConditioningRequest, Denoiser } from './denoiser.js';
import type { ModelSession, ProviderChoice } from './model/onnx-session.js';
import { outputAsFloat32, type OnnxFeeds, type OnnxTensor } from './model/onnx-tensors.js';
import { flowImg2ImgStart, fluxPipelineSigmas } from './schedulers/flow-sigmas.js';
import type { SetTimestepsOptions } from './schedulers/types.js';
import { concatBatch, cropSpatial, padSpatial, sliceBatch, type FloatTensor } from './tensor.js';
import type { EncodedPrompts } from './text/text-encoder.js';
import { combineGuidance } from './unet.js';

export type TransformerFamily = 'sd3' | 'flux';

/** Latent pixels per side of one transformer token (SD3's patch_size, FLUX's packing). */
export const PATCH = 2;

/** Everything but the latents that one request's transformer calls get. */
export interface FlowConditioning {
  /** [rows, tokens, joint_attention_dim]: [negatives x N, prompts x N] with guidance, else [prompts x N]. */
  hiddenStates: FloatTensor;
  /** [rows, pooled_projection_dim], batched the same way. */
  pooled: FloatTensor;
  /** Classifier-free guidance (SD3) when each call carries an unconditional half; null when it does not. */
  guidanceScale: number | null;
  /** FLUX.1 dev's embedded guidance (the `guidance` input); null for a model without one. */
  embeddedGuidance: number | null;
}

export class FlowTransformer implements Denoiser<FlowConditioning> {
  readonly isInpainting = false;
  /** T5 reads the long prompt; the CLIP part is one 77-token window. */
  readonly maxPromptChunks = 1;

  private constructor(
    private readonly session: ModelSession,
    readonly family: TransformerFamily,
  ) {}

  /** Checks the session has the inputs of its family's export. */
  static inspect(session: ModelSession, family: TransformerFamily, path: string): FlowTransformer {
    const needed = ['hidden_states', 'encoder_hidden_states', 'pooled_projections', 'timestep', ...(family === 'flux' ? ['img_ids', 'txt_ids'] : [])];
    for (const name of needed) {
      if (!session.hasInput(name)) throw new Error(`${path} has no "${name}" input; it is not an ${family === 'flux' ? 'FLUX' : 'SD3'} transformer export`);
    }
    return new FlowTransformer(session, family);
  }

  get providerChoice(): ProviderChoice {
    return this.session.providerChoice;
  }

  /** The width of encoder_hidden_states (joint_attention_dim), when the export fixes it. */
  get jointAttentionDim(): number | undefined {
    const width = this.session.input('encoder_hidden_states').shape[2];
    return typeof width === 'number' ? width : undefined;
  }

  /** Whether the transformer takes the guidance scale as an input (FLUX.1 dev). */
  get embedsGuidance(): boolean {
    return this.session.hasInput('guidance');
  }

  /** SD3 runs classifier-free guidance above 1; FLUX never makes an unconditional pass. */
  usesGuidance(guidanceScale: number): boolean {
    return this.family === 'sd3' && guidanceScale > 1;
  }

  conditioning(encoded: EncodedPrompts, request: ConditioningRequest, imageCount: number): FlowConditioning {
    if (!encoded.pooled) throw new Error('the transformer needs the pooled prompt embedding');
    const useGuidance = this.usesGuidance(request.guidanceScale);
    const rows = useGuidance ? [0, 1] : [0];
    const hidden: FloatTensor[] = [];
    const pooled: FloatTensor[] = [];
    for (const row of rows) {
      const h = sliceBatch(encoded.hiddenStates, row, 1);
      const p = sliceBatch(encoded.pooled, row, 1);
      for (let i = 0; i < imageCount; i++) {
        hidden.push(h);
        pooled.push(p);
      }
    }
    return {
      hiddenStates: concatBatch(hidden),
      pooled: concatBatch(pooled),
      guidanceScale: useGuidance ? request.guidanceScale : null,
      embeddedGuidance: this.embedsGuidance ? request.guidanceScale : null,
    };
  }

  /**
   * As diffusers' pipelines call set_timesteps: SD3 with the scheduler's own grid (the image size matters only
   * to a config with use_dynamic_shifting); FLUX with its linspace(1, 1/n, n) sigmas and mu from the image's
   * token count.
   */
  scheduleOptions(steps: number, size: { width: number; height: number }): SetTimestepsOptions {
    const imageSeqLen = imageSequenceLength(size.width / 8, size.height / 8);
    return this.family === 'flux' ? { sigmas: fluxPipelineSigmas(steps), imageSeqLen } : { imageSeqLen };
  }

  img2imgStart(steps: number, strength: number): number {
    return flowImg2ImgStart(steps, strength);
  }

  async predictNoise(modelInput: FloatTensor, timestep: number, conditioning: FlowConditioning): Promise<FloatTensor> {
    const { guidanceScale } = conditioning;
    const sample = guidanceScale === null ? modelInput : concatBatch([modelInput, modelInput]);
    const [, , height, width] = sample.dims as [number, number, number, number];
    const padded = padSpatial(sample, roundUp(height), roundUp(width));
    const prediction = cropSpatial(await this.run(padded, timestep, conditioning), height, width);
    return guidanceScale === null ? prediction : combineGuidance(prediction, guidanceScale);
  }

  release(): Promise<void> {
    return this.session.release();
  }

  private async run(sample: FloatTensor, timestep: number, conditioning: FlowConditioning): Promise<FloatTensor> {
    const [batch, , height, width] = sample.dims as [number, number, number, number];
    const s = this.session;
    const feeds: OnnxFeeds = {
      encoder_hidden_states: s.floatInput('encoder_hidden_states', conditioning.hiddenStates),
      pooled_projections: s.floatInput('pooled_projections', conditioning.pooled),
      // SD3's pipeline passes sigma x 1000; FLUX's passes t / 1000 (its model multiplies by 1000 again).
      timestep: this.valueFeed('timestep', this.family === 'flux' ? timestep / 1000 : timestep, batch),
    };
    if (this.family === 'sd3') {
      feeds.hidden_states = s.floatInput('hidden_states', sample);
    } else {
      feeds.hidden_states = s.floatInput('hidden_states', packLatents(sample));
      const textTokens = conditioning.hiddenStates.dims[1]!;
      feeds.img_ids = this.idsFeed('img_ids', latentImageIds(height, width), batch);
      feeds.txt_ids = this.idsFeed('txt_ids', new Int32Array(textTokens * 3), batch);
      if (s.hasInput('guidance')) {
        if (conditioning.embeddedGuidance === null) throw new Error('this FLUX transformer takes a guidance input');
        feeds.guidance = this.valueFeed('guidance', conditioning.embeddedGuidance, batch);
      }
    }
    const outputs = await s.run(feeds);
    const output = outputAsFloat32(outputs.out_hidden_states ?? outputs[s.outputNames[0]!]!);
    return this.family === 'flux' ? unpackLatents(output, height, width) : output;
  }

  /** A value per batch row (timestep, guidance) in the form the export declares: scalar, [1] or [batch]. */
  private valueFeed(name: string, value: number, batch: number): OnnxTensor {
    const { type, shape } = this.session.input(name);
    const dims = shape.length === 0 ? [] : shape[0] === 1 ? [1] : [batch];
    const count = dims.length === 0 ? 1 : dims[0]!;
    if (type === 'int64' || type === 'int32') return this.session.intInput(name, new Int32Array(count).fill(Math.round(value)), dims);
    return this.session.floatInput(name, { data: new Float32Array(count).fill(value), dims });
  }

  /** [n, 3] ids, with a batch axis in front when the export has one (diffusers before 0.31), int or float as declared. */
  private idsFeed(name: string, ids: Int32Array, batch: number): OnnxTensor {
    const { type, shape } = this.session.input(name);
    const rows = ids.length / 3;
    const batched = shape.length === 3;
    const data = batched ? repeat(ids, batch) : ids;
    const dims = batched ? [batch, rows, 3] : [rows, 3];
    if (type === 'int64' || type === 'int32') return this.session.intInput(name, data, dims);
    return this.session.floatInput(name, { data: Float32Array.from(data), dims });
  }
}

/** The transformer's image tokens for a latent of this size: one per 2x2 patch (odd sides padded). */
export function imageSequenceLength(latentWidth: number, latentHeight: number): number {
  return (roundUp(latentWidth) / PATCH) * (roundUp(latentHeight) / PATCH);
}

/**
 * FLUX's packing (diffusers' _pack_latents): [B, C, h, w] -> [B, (h/2)(w/2), 4C], token by token in rows of
 * patches, each token's features channel-major, then the patch's row and column (c * 4 + dy * 2 + dx).
 */
export function packLatents(latents: FloatTensor): FloatTensor {
  const [batch, channels, height, width] = latents.dims as [number, number, number, number];
  if (height % PATCH || width % PATCH) throw new RangeError(`FLUX packs 2x2 patches; the latents are ${height}x${width}`);
  const out = new Float32Array(latents.data.length);
  forEachPatchElement(batch, channels, height, width, (latent, packed) => {
    out[packed] = latents.data[latent]!;
  });
  return { data: out, dims: [batch, (height / PATCH) * (width / PATCH), channels * PATCH * PATCH] };
}

/** The inverse of packLatents (diffusers' _unpack_latents): [B, (h/2)(w/2), 4C] -> [B, C, h, w]. */
export function unpackLatents(packed: FloatTensor, height: number, width: number): FloatTensor {
  const [batch, tokens, features] = packed.dims as [number, number, number];
  if (tokens !== (height / PATCH) * (width / PATCH)) throw new RangeError(`${tokens} tokens do not make a ${height}x${width} latent`);
  const channels = features / (PATCH * PATCH);
  const out = new Float32Array(packed.data.length);
  forEachPatchElement(batch, channels, height, width, (latent, at) => {
    out[latent] = packed.data[at]!;
  });
  return { data: out, dims: [batch, channels, height, width] };
}

/** Each latent element's index in [B, C, h, w] and in the packed [B, (h/2)(w/2), 4C] layout: the one mapping both directions use. */
function forEachPatchElement(batch: number, channels: number, height: number, width: number, visit: (latent: number, packed: number) => void): void {
  const cols = width / PATCH;
  const features = channels * PATCH * PATCH;
  const tokens = (height / PATCH) * cols;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const plane = (b * channels + c) * height * width;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const token = ((y >> 1) * cols + (x >> 1)) * features;
          visit(plane + y * width + x, b * tokens * features + token + c * 4 + (y & 1) * 2 + (x & 1));
        }
      }
    }
  }
}

/** FLUX's img_ids for a latent of height x width: (0, row, column) per 2x2 patch (diffusers' _prepare_latent_image_ids). */
export function latentImageIds(height: number, width: number): Int32Array {
  const rows = height / PATCH;
  const cols = width / PATCH;
  const ids = new Int32Array(rows * cols * 3);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      ids[(r * cols + c) * 3 + 1] = r;
      ids[(r * cols + c) * 3 + 2] = c;
    }
  }
  return ids;
}

function roundUp(side: number): number {
  return Math.ceil(side / PATCH) * PATCH;
}

function repeat(values: Int32Array, times: number): Int32Array {
  const out = new Int32Array(values.length * times);
  for (let i = 0; i < times; i++) out.set(values, i * values.length);
  return out;
}
