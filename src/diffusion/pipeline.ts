import ort from 'onnxruntime-node';
import { addedConditions, inspectAddedConditions, type AddedConditionSpec } from './added-conditions.js';
import { readModelFolder, VAE_DOWNSCALE, type ModelFolder } from './model/model-folder.js';
import { ModelSession, outputAsFloat32, type ProviderChoice, type SessionOptions } from './model/onnx-session.js';
import type { RgbImage } from './preview/latent2rgb.js';
import { BatchGenerator } from './random/batch-generator.js';
import { slerp } from './random/slerp.js';
import { TorchGenerator } from './random/index.js';
import { binaryLatentMask, blankMasked, blendKnown, latentMask, pasteKept, stackChannels } from './inpaint.js';
import { createScheduler } from './schedulers/index.js';
import { concatBatch, sliceBatch, type FloatTensor } from './tensor.js';
import { PromptEncoder, type TextEncoderPart } from './text/text-encoder.js';
import { PromptTokenizer } from './text/tokenizer.js';

const LATENT_CHANNELS = 4;
/** Longest prompt in 75-token chunks (600 tokens); beyond that the prompt is truncated with a warning. */
const MAX_PROMPT_CHUNKS = 8;

export interface Txt2ImgRequest {
  prompt: string;
  /** What to steer away from; the empty string is the plain unconditional embedding. Default "". */
  negativePrompt?: string;
  /** Scheduler name from `schedulerNames`, e.g. "euler". */
  sampler: string;
  steps: number;
  /**
   * Classifier-free guidance scale; values <= 1 skip the unconditional pass, as diffusers does. LCM UNets that
   * take `timestep_cond` get it as an embedding instead, and never make the unconditional pass.
   */
  guidanceScale: number;
  width: number;
  height: number;
  /** One image per seed; the initial noise of each image depends only on its own seed. */
  seeds: readonly bigint[];
  /**
   * AUTOMATIC1111's variation seeds: one per image, whose noise is blended (slerp) into the seed's noise by
   * `strength` (0 = the seed alone, 1 = the variation seed alone). Small strengths give variations of an image.
   */
  variation?: { seeds: readonly bigint[]; strength: number };
  /**
   * img2img: start from this picture (the request's width x height) instead of pure noise. `strength` (0..1) is
   * how much of the schedule is run: the picture is encoded by the VAE, noised to the timestep `strength` of
   * the way up, and denoised from there, so 0 gives it back and 1 ignores it (as diffusers' img2img pipeline).
   * `mask` (width x height bytes; 255 repaints, 0 keeps) inpaints: only the masked region changes (inpaint.ts).
   */
  init?: { image: RgbImage; strength: number; mask?: Uint8Array };
  /** Checked between denoising steps; when aborted, `txt2img` rejects with GenerationAbortedError. */
  signal?: AbortSignal;
  /** Called after every denoising step with the current latents (unscaled, [images, 4, h/8, w/8]). */
  onStep?: (progress: StepProgress) => void | Promise<void>;
}

export interface StepProgress {
  step: number;
  totalSteps: number;
  timestep: number;
  latents: FloatTensor;
}

export interface Txt2ImgResult {
  images: RgbImage[];
  /** Notes about the request, such as a prompt truncated to the text encoder's length. */
  warnings: string[];
}

export class GenerationAbortedError extends Error {
  constructor() {
    super('generation was cancelled');
    this.name = 'GenerationAbortedError';
  }
}

/**
 * Stable Diffusion text-to-image over ONNX sessions, in the shape of diffusers' pipeline: encode the prompts,
 * start from seeded noise, let the scheduler walk the UNet's predictions down to clean latents, decode them
 * with the VAE. The sessions are loaded once and reused for every call.
 */
export class StableDiffusionPipeline {
  private constructor(
    readonly model: ModelFolder,
    private readonly promptEncoder: PromptEncoder,
    private readonly unet: ModelSession,
    private readonly addedConditionSpec: AddedConditionSpec,
    private readonly vaeDecoder: ModelSession,
    /** Loaded on the first img2img request: txt2img never needs it, and some exports leave it out. */
    private vaeEncoder: Promise<ModelSession> | null,
    private readonly sessionOptions: SessionOptions,
  ) {}

  static async load(dir: string, options: SessionOptions): Promise<StableDiffusionPipeline> {
    const model = await readModelFolder(dir);
    const textEncoders = await Promise.all(
      model.paths.textEncoders.map(
        async (paths): Promise<TextEncoderPart> => ({ tokenizer: await PromptTokenizer.load(paths.tokenizer), session: await ModelSession.load(paths.model, options) }),
      ),
    );
    const [unet, vaeDecoder] = await Promise.all([ModelSession.load(model.paths.unet, options), ModelSession.load(model.paths.vaeDecoder, options)]);
    for (const name of ['sample', 'timestep', 'encoder_hidden_states']) {
      if (!unet.hasInput(name)) throw new Error(`${model.paths.unet} has no "${name}" input; it is not an SD UNet export`);
    }
    // SDXL UNets (text_embeds) are conditioned on the text encoders' penultimate layer, as diffusers does.
    const promptEncoder = new PromptEncoder(textEncoders, unet.hasInput('text_embeds') ? 'penultimate' : 'last');
    const spec = inspectAddedConditions(unet, promptEncoder, model.paths.unet);
    return new StableDiffusionPipeline(model, promptEncoder, unet, spec, vaeDecoder, null, options);
  }

  /** Which execution provider the UNet runs on, and why it is not CUDA if it is not. */
  get provider(): ProviderChoice {
    return this.unet.providerChoice;
  }

  async txt2img(request: Txt2ImgRequest): Promise<Txt2ImgResult> {
    checkRequest(request);
    const imageCount = request.seeds.length;
    const embeddedGuidance = this.addedConditionSpec.guidanceEmbeddingDim !== null;
    const useGuidance = request.guidanceScale > 1 && !embeddedGuidance;
    const latentHeight = request.height / VAE_DOWNSCALE;
    const latentWidth = request.width / VAE_DOWNSCALE;

    const prompts = useGuidance ? [request.negativePrompt ?? '', request.prompt] : [request.prompt];
    const labels = useGuidance ? ['negative prompt', 'prompt'] : ['prompt'];
    const encoded = await this.promptEncoder.encode(prompts, labels, this.maxPromptChunks());
    if (useGuidance && this.model.traits.zeroEmptyNegative && (request.negativePrompt ?? '').trim() === '') {
      // SDXL's force_zeros_for_empty_prompt: no negative prompt means zero embeddings, not the encoded "".
      zeroFirstRow(encoded.hiddenStates);
      if (encoded.pooled) zeroFirstRow(encoded.pooled);
    }
    const conditioning = buildConditioning(encoded.hiddenStates, imageCount, useGuidance);
    const added = addedConditions(this.addedConditionSpec, { ...request, pooled: encoded.pooled, imageCount, useGuidance });
    throwIfAborted(request.signal);

    const scheduler = createScheduler(request.sampler, this.model.schedulerConfig);
    scheduler.setTimesteps(request.steps);
    const noiseShape = [1, LATENT_CHANNELS, latentHeight, latentWidth];
    // As diffusers with a generator per image: each image's initial noise, then its per-step noise (ancestral
    // schedulers), continue one torch-compatible stream seeded with that image's seed.
    const noise = new BatchGenerator(request.seeds.map((seed) => new TorchGenerator(seed)));
    const latentShape = [imageCount, ...noiseShape.slice(1)];
    const start = initialNoise(noise, latentShape, request.variation);
    let latents: FloatTensor;
    let timesteps = scheduler.timesteps;
    let initLatents: FloatTensor | null = null;
    if (request.init) {
      // diffusers' img2img: skip the first (1 - strength) of the schedule, noise the encoded picture to where it starts.
      const skipped = img2imgStart(request.steps, request.init.strength) * scheduler.order;
      timesteps = timesteps.slice(skipped);
      scheduler.setBeginIndex?.(skipped);
      initLatents = await this.encodeImage(request.init.image, imageCount);
      latents = timesteps.length > 0 ? scheduler.addNoise(initLatents, { data: start, dims: latentShape }, timesteps[0]!) : initLatents;
    } else {
      latents = { data: start, dims: latentShape };
      scale(latents.data, scheduler.initNoiseSigma);
    }

    // An inpainting UNet sees the mask and the blanked picture at every step; an ordinary one gets the kept
    // region blended back after every step instead.
    const inpaintingInputs = this.isInpaintingUNet ? await this.inpaintingConditioning(request, imageCount) : null;
    const mask = request.init?.mask && !inpaintingInputs ? latentMask(request.init.mask, request.width, request.height) : null;
    for (let i = 0; i < timesteps.length; i++) {
      throwIfAborted(request.signal);
      const t = timesteps[i]!;
      const scaled = scheduler.scaleModelInput(latents, t);
      const modelInput = inpaintingInputs ? stackChannels(scaled, inpaintingInputs) : scaled;
      const unetInput = useGuidance ? concatBatch([modelInput, modelInput]) : modelInput;
      const prediction = await this.predictNoise(unetInput, t, conditioning, added);
      const predicted = useGuidance ? applyGuidance(prediction, request.guidanceScale) : prediction;
      latents = scheduler.step(predicted, t, latents, { generator: noise }).prevSample;
      if (mask && initLatents) {
        // The kept region: the init latents at the next step's noise level (clean after the last step).
        const next = timesteps[i + 1];
        const known = next === undefined ? initLatents : scheduler.addNoise(initLatents, { data: start, dims: latentShape }, next);
        latents = blendKnown(latents, known, mask);
      }
      await request.onStep?.({ step: i + 1, totalSteps: timesteps.length, timestep: t, latents });
    }
    throwIfAborted(request.signal);

    const images: RgbImage[] = [];
    for (let i = 0; i < imageCount; i++) {
      const image = await this.decode(sliceBatch(latents, i, 1));
      images.push(request.init?.mask ? pasteKept(image, request.init.image, request.init.mask) : image);
    }
    return { images, warnings: encoded.warnings };
  }

  /**
   * How many 77-token prompt chunks the UNet takes: exports with a symbolic sequence length (optimum's) take
   * long prompts as several chunks side by side; a fixed length means one.
   */
  private maxPromptChunks(): number {
    const sequence = this.unet.input('encoder_hidden_states').shape[1];
    return typeof sequence === 'number' ? 1 : MAX_PROMPT_CHUNKS;
  }

  private async predictNoise(sample: FloatTensor, timestep: number, conditioning: FloatTensor, added: Record<string, FloatTensor>): Promise<FloatTensor> {
    const feeds: Record<string, ort.Tensor> = {
      sample: this.unet.floatInput('sample', sample),
      timestep: timestepTensor(this.unet, timestep, sample.dims[0]!),
      encoder_hidden_states: this.unet.floatInput('encoder_hidden_states', conditioning),
    };
    for (const [name, value] of Object.entries(added)) feeds[name] = this.unet.floatInput(name, value);
    const outputs = await this.unet.run(feeds);
    return outputAsFloat32(outputs.out_sample ?? outputs[this.unet.outputNames[0]!]!);
  }

  /** One image's latents -> RGB bytes. Decoding one at a time bounds memory at large sizes. */
  private async decode(latents: FloatTensor): Promise<RgbImage> {
    const scaled = { data: new Float32Array(latents.data.length), dims: latents.dims };
    for (let i = 0; i < scaled.data.length; i++) scaled.data[i] = latents.data[i]! / this.model.vaeScalingFactor;
    const outputs = await this.vaeDecoder.run({ latent_sample: this.vaeDecoder.floatInput('latent_sample', scaled) });
    const sample = outputAsFloat32(outputs.sample ?? outputs[this.vaeDecoder.outputNames[0]!]!);
    return planarToRgb(sample);
  }

  /** Whether the UNet is an inpainting one: 9 input channels (latents, mask, masked-image latents). */
  private get isInpaintingUNet(): boolean {
    return this.unet.input('sample').shape[1] === 9;
  }

  /**
   * The 5 extra channels of an inpainting UNet, per image: the mask and the latents of the picture with the
   * masked part blanked. Without a mask (or without a picture) everything is to be painted: mask 1, blank picture.
   */
  private async inpaintingConditioning(request: Txt2ImgRequest, imageCount: number): Promise<FloatTensor> {
    const { width, height } = request;
    const mask = request.init?.mask ?? new Uint8Array(width * height).fill(255);
    const picture = request.init ? rgbToPlanar(request.init.image) : { data: new Float32Array(3 * width * height), dims: [1, 3, height, width] };
    const blanked = await this.encodePlanar(blankMasked(picture, mask), 1);
    const latentMaskData = binaryLatentMask(mask, width, height);
    const one = { data: new Float32Array(5 * latentMaskData.length), dims: [1, 5, height / VAE_DOWNSCALE, width / VAE_DOWNSCALE] };
    one.data.set(latentMaskData, 0);
    one.data.set(blanked.data, latentMaskData.length);
    return concatBatch(Array.from({ length: imageCount }, () => one));
  }

  /** A picture -> scaled latents, repeated for each image of the batch (the VAE encoder's mean; no sampling). */
  private encodeImage(image: RgbImage, imageCount: number): Promise<FloatTensor> {
    return this.encodePlanar(rgbToPlanar(image), imageCount);
  }

  private async encodePlanar(picture: FloatTensor, imageCount: number): Promise<FloatTensor> {
    if (!this.model.paths.vaeEncoder) throw new Error(`model "${this.model.name}" has no vae_encoder, which img2img and inpainting need`);
    this.vaeEncoder ??= ModelSession.load(this.model.paths.vaeEncoder, this.sessionOptions);
    const encoder = await this.vaeEncoder;
    const outputs = await encoder.run({ sample: encoder.floatInput('sample', picture) });
    const latent = posteriorMean(outputAsFloat32(outputs.latent_sample ?? outputs.latent_parameters ?? outputs[encoder.outputNames[0]!]!));
    scale(latent.data, this.model.vaeScalingFactor);
    return concatBatch(Array.from({ length: imageCount }, () => latent));
  }

  async release(): Promise<void> {
    const encoder = this.vaeEncoder ? [(await this.vaeEncoder).release()] : [];
    const textEncoders = this.promptEncoder.parts.map((part) => part.session.release());
    await Promise.all([...textEncoders, this.unet.release(), this.vaeDecoder.release(), ...encoder]);
  }
}

/**
 * img2img: how many inference steps are skipped, as diffusers' get_timesteps: the last
 * min(floor(steps * strength), steps) steps are run.
 */
export function img2imgStart(steps: number, strength: number): number {
  return steps - Math.min(Math.floor(steps * strength), steps);
}

function checkRequest(request: Txt2ImgRequest): void {
  if (request.seeds.length === 0) throw new RangeError('at least one seed is needed');
  if (request.init) {
    const { image, strength } = request.init;
    if (!(strength >= 0 && strength <= 1)) throw new RangeError(`init strength must be between 0 and 1, got ${strength}`);
    if (image.width !== request.width || image.height !== request.height) {
      throw new RangeError(`init image is ${image.width}x${image.height}, the request ${request.width}x${request.height}`);
    }
    const mask = request.init.mask;
    if (mask && mask.length !== request.width * request.height) {
      throw new RangeError(`mask has ${mask.length} pixels, the request ${request.width * request.height} (one byte per pixel)`);
    }
  }
  if (!Number.isInteger(request.steps) || request.steps < 1) throw new RangeError('steps must be a positive integer');
  for (const [name, value] of [['width', request.width], ['height', request.height]] as const) {
    if (!Number.isInteger(value) || value <= 0 || value % VAE_DOWNSCALE !== 0) {
      throw new RangeError(`${name} must be a positive multiple of ${VAE_DOWNSCALE}, got ${value}`);
    }
  }
}

/** The seeds' noise, with the variation seeds' noise blended in when asked. */
function initialNoise(noise: BatchGenerator, shape: number[], variation: Txt2ImgRequest['variation']): Float32Array {
  const base = noise.randn(shape);
  if (!variation || variation.strength <= 0) return base;
  if (variation.seeds.length !== shape[0]) throw new RangeError('one variation seed per image is needed');
  const other = new BatchGenerator(variation.seeds.map((seed) => new TorchGenerator(seed))).randn(shape);
  const itemSize = base.length / shape[0]!;
  const out = new Float32Array(base.length);
  for (let i = 0; i < shape[0]!; i++) {
    const range = [i * itemSize, (i + 1) * itemSize] as const;
    out.set(slerp(Math.min(1, variation.strength), base.subarray(...range), other.subarray(...range)), range[0]);
  }
  return out;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new GenerationAbortedError();
}

/**
 * The encoder's latents: diffusers' export gives the posterior mean (4 channels); newer optimum exports give
 * `latent_parameters`, mean and log-variance stacked (8 channels), of which the mean is the first half.
 */
function posteriorMean(latent: FloatTensor): FloatTensor {
  const [batch, channels, height, width] = latent.dims as [number, number, number, number];
  if (channels !== 2 * LATENT_CHANNELS) return latent;
  const plane = height * width;
  const data = new Float32Array(batch * LATENT_CHANNELS * plane);
  for (let b = 0; b < batch; b++) {
    data.set(latent.data.subarray(b * channels * plane, (b * channels + LATENT_CHANNELS) * plane), b * LATENT_CHANNELS * plane);
  }
  return { data, dims: [batch, LATENT_CHANNELS, height, width] };
}

/** Zeroes the first item of the batch axis in place. */
function zeroFirstRow(tensor: FloatTensor): void {
  tensor.data.fill(0, 0, tensor.data.length / tensor.dims[0]!);
}

function scale(values: Float32Array, factor: number): void {
  if (factor === 1) return;
  for (let i = 0; i < values.length; i++) values[i]! *= factor;
}

/**
 * UNet conditioning for the whole batch: with guidance, [negative x N, positive x N] so a single UNet call
 * computes both halves (the first N rows are the unconditional predictions).
 */
function buildConditioning(hidden: FloatTensor, imageCount: number, useGuidance: boolean): FloatTensor {
  const rows = useGuidance ? [0, 1] : [0];
  const parts: FloatTensor[] = [];
  for (const row of rows) {
    const embedding = sliceBatch(hidden, row, 1);
    for (let i = 0; i < imageCount; i++) parts.push(embedding);
  }
  return concatBatch(parts);
}

/** noise = uncond + scale * (cond - uncond), on a [2N, ...] prediction whose first half is unconditional. */
function applyGuidance(prediction: FloatTensor, guidanceScale: number): FloatTensor {
  const half = prediction.data.length / 2;
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const unconditional = prediction.data[i]!;
    out[i] = unconditional + guidanceScale * (prediction.data[half + i]! - unconditional);
  }
  return { data: out, dims: [prediction.dims[0]! / 2, ...prediction.dims.slice(1)] };
}

/** The timestep in whatever form the export declares: int64 or float, scalar, [1] or [batch]. */
function timestepTensor(unet: ModelSession, timestep: number, batch: number): ort.Tensor {
  const { type, shape } = unet.input('timestep');
  const dims = shape.length === 0 ? [] : shape[0] === 1 ? [1] : [batch];
  const count = dims.length === 0 ? 1 : dims[0]!;
  if (type === 'int64') return new ort.Tensor('int64', new BigInt64Array(count).fill(BigInt(Math.round(timestep))), dims);
  if (type === 'int32') return new ort.Tensor('int32', new Int32Array(count).fill(Math.round(timestep)), dims);
  return unet.floatInput('timestep', { data: new Float32Array(count).fill(timestep), dims });
}

/** RGB bytes -> [1, 3, H, W] in [-1, 1], what the VAE encoder takes. */
function rgbToPlanar(image: RgbImage): FloatTensor {
  const plane = image.width * image.height;
  const data = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) data[c * plane + p] = image.data[p * 3 + c]! / 127.5 - 1;
  return { data, dims: [1, 3, image.height, image.width] };
}

/** VAE output [1, 3, H, W] in [-1, 1] -> interleaved 8-bit RGB. */
function planarToRgb(sample: FloatTensor): RgbImage {
  const [, , height, width] = sample.dims as [number, number, number, number];
  const plane = width * height;
  const data = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      const value = (sample.data[c * plane + p]! / 2 + 0.5) * 255;
      data[p * 3 + c] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
    }
  }
  return { width, height, data };
}
