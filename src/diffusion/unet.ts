/**
 * The UNet and how it is fed: the inputs each family's export declares (added-conditions.ts holds SDXL's and
 * LCM's), the timestep in the export's dtype, and classifier-free guidance as one batched call whose halves
 * are combined. The denoising loop only asks "what is the noise at t".
 *
 * Where the next inputs go: ControlNet residuals (down_block_additional_residuals, mid_block_additional_residual)
 * are extra float feeds of `predictNoise`, computed per step beside the call and batched like the latents;
 * a new model family reads its extra inputs in added-conditions.ts (and its traits in model/family.ts).
 */
import { addedConditions, inspectAddedConditions, type AddedConditionSpec } from './added-conditions.js';
import type { Denoiser } from './denoiser.js';
import { img2imgStart } from './latents.js';
import type { ModelSession, ProviderChoice } from './model/onnx-session.js';
import { outputAsFloat32, type OnnxFeeds, type OnnxTensor } from './model/onnx-tensors.js';
import { concatBatch, cropSpatial, padSpatial, sliceBatch, type FloatTensor } from './tensor.js';
import type { SetTimestepsOptions } from './schedulers/types.js';
import type { EncodedPrompts, HiddenLayer, PromptEncoder } from './text/text-encoder.js';

/** Longest prompt in 75-token chunks (600 tokens); beyond that the prompt is truncated with a warning. */
const MAX_PROMPT_CHUNKS = 8;
/** Latents + mask + masked-picture latents: the sample width of an inpainting UNet. */
const INPAINTING_CHANNELS = 9;

/** Everything but the latents that one request's UNet calls get, batched as the calls are. */
export interface UNetConditioning {
  /** [negatives x N, prompts x N] with guidance, else [prompts x N]. */
  hiddenStates: FloatTensor;
  /** The family's added inputs (SDXL's text_embeds and time_ids, LCM's timestep_cond), batched the same way. */
  added: Record<string, FloatTensor>;
  /** The guidance scale when each call carries an unconditional half; null when it does not. */
  guidanceScale: number | null;
}

export class UNet implements Denoiser<UNetConditioning> {
  private constructor(
    private readonly session: ModelSession,
    private readonly spec: AddedConditionSpec,
    /** What latent sides must be a multiple of (model-folder.ts); other sizes are padded for the call. */
    private readonly latentMultiple: number,
  ) {}

  /** Checks the session is an SD UNet and reads the added inputs it takes, which the prompt encoder must supply. */
  static inspect(session: ModelSession, promptEncoder: PromptEncoder, path: string, latentMultiple: number): UNet {
    return new UNet(session, inspectAddedConditions(session, promptEncoder, path), latentMultiple);
  }

  /** Fails unless the session has the three inputs every SD UNet export has. */
  static check(session: ModelSession, path: string): void {
    for (const name of ['sample', 'timestep', 'encoder_hidden_states']) {
      if (!session.hasInput(name)) throw new Error(`${path} has no "${name}" input; it is not an SD UNet export`);
    }
  }

  /** SDXL UNets (text_embeds) are conditioned on the text encoders' penultimate layer, as diffusers does. */
  static conditioningLayer(session: ModelSession): HiddenLayer {
    return session.hasInput('text_embeds') ? 'penultimate' : 'last';
  }

  get providerChoice(): ProviderChoice {
    return this.session.providerChoice;
  }

  /**
   * How many 77-token prompt chunks the UNet takes: exports with a symbolic sequence length (optimum's) take
   * long prompts as several chunks side by side; a fixed length means one.
   */
  get maxPromptChunks(): number {
    const sequence = this.session.input('encoder_hidden_states').shape[1];
    return typeof sequence === 'number' ? 1 : MAX_PROMPT_CHUNKS;
  }

  /** Whether this is an inpainting UNet, which takes the mask and the blanked picture at every step. */
  get isInpainting(): boolean {
    return this.session.input('sample').shape[1] === INPAINTING_CHANNELS;
  }

  /** Whether the request runs the unconditional half: a scale above 1, unless the UNet embeds guidance (LCM). */
  usesGuidance(guidanceScale: number): boolean {
    return guidanceScale > 1 && this.spec.guidanceEmbeddingDim === null;
  }

  /** The UNet schedulers' own spacing: nothing depends on the picture. */
  scheduleOptions(): SetTimestepsOptions {
    return {};
  }

  /** diffusers' SD pipelines: the last floor(steps x strength) steps run. */
  img2imgStart(steps: number, strength: number): number {
    return img2imgStart(steps, strength);
  }

  /**
   * One request's conditioning from its encoded prompts (rows [negative, prompt] with guidance, else [prompt]):
   * each row repeated per image, so a single UNet call computes every image and both halves.
   */
  conditioning(encoded: EncodedPrompts, request: { width: number; height: number; guidanceScale: number }, imageCount: number): UNetConditioning {
    const useGuidance = this.usesGuidance(request.guidanceScale);
    const rows = useGuidance ? [0, 1] : [0];
    const parts: FloatTensor[] = [];
    for (const row of rows) {
      const embedding = sliceBatch(encoded.hiddenStates, row, 1);
      for (let i = 0; i < imageCount; i++) parts.push(embedding);
    }
    const added = addedConditions(this.spec, { ...request, pooled: encoded.pooled, imageCount, useGuidance });
    return { hiddenStates: concatBatch(parts), added, guidanceScale: useGuidance ? request.guidanceScale : null };
  }

  /** The guided noise prediction for the model input at timestep t: [images, 4, h, w]. */
  async predictNoise(modelInput: FloatTensor, timestep: number, conditioning: UNetConditioning): Promise<FloatTensor> {
    const { guidanceScale } = conditioning;
    const sample = guidanceScale === null ? modelInput : concatBatch([modelInput, modelInput]);
    const prediction = await this.run(sample, timestep, conditioning);
    return guidanceScale === null ? prediction : combineGuidance(prediction, guidanceScale);
  }

  release(): Promise<void> {
    return this.session.release();
  }

  /**
   * One UNet call. Latent sides that its down blocks cannot halve exactly (a 72 px side is 9 latents; SD 1.5
   * needs multiples of 8) are edge-padded for the call and the prediction cropped back, as exported graphs
   * cannot match their skip connections otherwise; any multiple of 8 pixels then runs on any model.
   */
  private async run(sample: FloatTensor, timestep: number, conditioning: UNetConditioning): Promise<FloatTensor> {
    const [, , height, width] = sample.dims as [number, number, number, number];
    const roundUp = (side: number) => Math.ceil(side / this.latentMultiple) * this.latentMultiple;
    const padded = padSpatial(sample, roundUp(height), roundUp(width));
    return cropSpatial(await this.runExact(padded, timestep, conditioning), height, width);
  }

  private async runExact(sample: FloatTensor, timestep: number, conditioning: UNetConditioning): Promise<FloatTensor> {
    const feeds: OnnxFeeds = {
      sample: this.session.floatInput('sample', sample),
      timestep: this.timestepFeed(timestep, sample.dims[0]!),
      encoder_hidden_states: this.session.floatInput('encoder_hidden_states', conditioning.hiddenStates),
    };
    for (const [name, value] of Object.entries(conditioning.added)) feeds[name] = this.session.floatInput(name, value);
    const outputs = await this.session.run(feeds);
    return outputAsFloat32(outputs.out_sample ?? outputs[this.session.outputNames[0]!]!);
  }

  /** The timestep in whatever form the export declares: int64, int32 or float; scalar, [1] or [batch]. */
  private timestepFeed(timestep: number, batch: number): OnnxTensor {
    const { type, shape } = this.session.input('timestep');
    const dims = shape.length === 0 ? [] : shape[0] === 1 ? [1] : [batch];
    const count = dims.length === 0 ? 1 : dims[0]!;
    if (type === 'int64' || type === 'int32') return this.session.intInput('timestep', new Int32Array(count).fill(Math.round(timestep)), dims);
    return this.session.floatInput('timestep', { data: new Float32Array(count).fill(timestep), dims });
  }
}

/** noise = uncond + scale * (cond - uncond), on a [2N, ...] prediction whose first half is unconditional. */
export function combineGuidance(prediction: FloatTensor, guidanceScale: number): FloatTensor {
  const half = prediction.data.length / 2;
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const unconditional = prediction.data[i]!;
    out[i] = unconditional + guidanceScale * (prediction.data[half + i]! - unconditional);
  }
  return { data: out, dims: [prediction.dims[0]! / 2, ...prediction.dims.slice(1)] };
}
