/**
 * Stable Diffusion over ONNX sessions, in the shape of diffusers' pipelines: one entry point per task
 * (txt2img, img2img, inpaint) over one private loop that reads as numbered steps (check inputs, encode
 * prompt, prepare timesteps, prepare latents, denoise, decode). The parts it drives live beside it: the
 * denoiser (denoiser.ts: the UNet and its feeding in unet.ts, or SD3's / FLUX's flow-matching transformer in
 * transformer.ts, with their text conditioning in text/flow-text-encoder.ts), the VAE codec (vae.ts), the
 * starting noise (latents.ts), inpainting's mask conditioning (inpaint.ts). Sessions are loaded once and
 * reused for every call (a T5 encoder that does not fit the worker's memory budget is loaded per encode).
 *
 * Where the next capabilities go: LoRA weights are merged where sessions are loaded (lora/patched-sessions.ts);
 * ControlNet residuals are UNet inputs (unet.ts); a hires second pass is an entry point that runs the loop,
 * upscales its latents and runs the loop again from them with a strength, as img2img starts from an encoded
 * picture (step 4); a new model family is detected in model/family.ts and fed in unet.ts / added-conditions.ts.
 */
import { loadMergedSessions, type EmbeddingWarning, type SessionExtras } from './lora/patched-sessions.js';
import { inpaintingConditioning, blendKnown, latentMask, pasteKept, stackChannels } from './inpaint.js';
import { resizeLanczos } from './image.js';
import { upscaleLatents } from './latent-upscale.js';
import { upscaleToSize } from './upscale/upscale-to-size.js';
import { initialNoise, seededNoise } from './latents.js';
import { readModelFolder, VAE_DOWNSCALE, type ModelFolder } from './model/model-folder.js';
import { pipelineFileBytes } from './model/model-file-bytes.js';
import { ModelSession, type ProviderChoice, type SessionOptions } from './model/onnx-session.js';
import { fitLatentRgbMap } from './preview/latent-fit.js';
import { latentRgbMapFor, type LatentRgbMap } from './preview/latent2rgb.js';
import type { Denoiser } from './denoiser.js';
import { FlowTransformer } from './transformer.js';
import { FlowPromptEncoder, T5Encoder } from './text/flow-text-encoder.js';
import type { BatchGenerator } from './random/batch-generator.js';
import type { RgbImage } from './rgb-image.js';
import {
  checkRequest,
  throwIfAborted,
  type GenerationRequest,
  type GenerationResult,
  type HiresPass,
  type Img2ImgRequest,
  type InpaintRequest,
  type Txt2ImgRequest,
} from './requests.js';
import { createScheduler } from './schedulers/index.js';
import type { Scheduler } from './schedulers/types.js';
import { concatBatch, scaleInPlace, sliceBatch, type FloatTensor } from './tensor.js';
import { namedEmbeddings } from './text/added-tokens.js';
import { PromptEncoder, type EncodedPrompts, type TextEncoderPart } from './text/text-encoder.js';
import { PromptTokenizer } from './text/tokenizer.js';
import { UNet } from './unet.js';
import { Vae } from './vae.js';

/** Prompt strings -> the denoiser's inputs: the CLIP prompt encoder (UNets) or SD3's / FLUX's (transformers). */
interface PromptConditioner {
  encode(prompts: string[], labels: string[], maxChunks: number): Promise<EncodedPrompts>;
  release(): Promise<void>;
}

/** What the loop starts from: a picture to keep part of (img2img, inpainting), or nothing (txt2img). */
interface LoopInit {
  image: RgbImage;
  strength: number;
  mask?: Uint8Array;
}

/** Everything the denoising steps read and update, as prepared by steps 3 and 4. */
interface Denoising {
  scheduler: Scheduler;
  timesteps: readonly number[];
  latents: FloatTensor;
  generator: BatchGenerator;
  /** The denoiser's own conditioning (denoiser.ts), built once per request and pass. */
  conditioning: unknown;
  /** An inpainting UNet's extra channels (mask, blanked-picture latents), stacked onto every model input. */
  inpaintingChannels: FloatTensor | null;
  /** Inpainting with an ordinary UNet: the kept region, noised to each step's level and blended back in. */
  keep: { mask: Float32Array; initLatents: FloatTensor; noise: FloatTensor } | null;
}

/** Where one pass's steps fall in the whole job's count. */
interface PassProgress {
  pass: 1 | 2;
  /** Steps of the passes before this one. */
  before: number;
  total: number;
}

/** What a pipeline is loaded with besides the model: LoRAs merged in, textual-inversion embeddings added. */
export interface PipelineExtras extends SessionExtras {
  /**
   * The worker's memory budget in bytes (0 or absent: none). A transformer model whose ONNX files exceed it
   * loads its T5 encoder for each encode and releases it after, instead of keeping it beside the transformer.
   */
  memoryBudgetBytes?: number;
}

export class StableDiffusionPipeline {
  private constructor(
    readonly model: ModelFolder,
    private readonly promptEncoder: PromptConditioner,
    private readonly denoiser: Denoiser,
    private readonly vae: Vae,
    /** What of the LoRAs could not be applied, one message per LoRA (for the generation's warnings). */
    readonly loraWarnings: string[],
    /** Embeddings that could not be loaded (every installed one is offered: one made for another width, say). */
    private readonly unloadedEmbeddings: readonly EmbeddingWarning[],
  ) {}

  /** Every embedding that could not be loaded, one message each. */
  get embeddingWarnings(): string[] {
    return this.unloadedEmbeddings.map((w) => w.message);
  }

  /** The embeddings that could not be loaded and that these texts name (any case): what a generation is told. */
  embeddingWarningsFor(texts: readonly string[]): string[] {
    const named = namedEmbeddings(texts, this.unloadedEmbeddings.map((w) => w.name));
    return this.unloadedEmbeddings.filter((w) => named.has(w.name)).map((w) => w.message);
  }

  static async load(dir: string, options: SessionOptions, extras: PipelineExtras = {}): Promise<StableDiffusionPipeline> {
    const model = await readModelFolder(dir);
    if (model.denoiser === 'transformer') return StableDiffusionPipeline.loadTransformer(model, options, extras);
    const tokenizers = await Promise.all(model.paths.textEncoders.map((paths) => PromptTokenizer.load(paths.tokenizer)));
    const [sessions, vae] = await Promise.all([
      loadMergedSessions(model, options, extras, tokenizers.map((t) => t.endTokenId)),
      Vae.load(model, options),
    ]);
    const textEncoders = sessions.textEncoders.map(({ session, addedTokens }, i): TextEncoderPart => {
      const tokenizer = tokenizers[i]!;
      return { tokenizer: addedTokens ? tokenizer.withAddedTokens(addedTokens) : tokenizer, session };
    });
    const { unet } = sessions;
    UNet.check(unet, model.paths.unet);
    const promptEncoder = new PromptEncoder(textEncoders, UNet.conditioningLayer(unet));
    const inspected = UNet.inspect(unet, promptEncoder, model.paths.unet, model.latentMultiple);
    return new StableDiffusionPipeline(model, promptEncoder, inspected, vae, sessions.loraWarnings, sessions.embeddingWarnings);
  }

  /**
   * SD3 / FLUX: CLIP encoders (and T5) and the transformer, loaded as they are. LoRAs and textual-inversion
   * embeddings are not merged into these models yet: each LoRA asked for is a warning.
   */
  private static async loadTransformer(model: ModelFolder, options: SessionOptions, extras: PipelineExtras): Promise<StableDiffusionPipeline> {
    const family = model.traits.family;
    if (family !== 'sd3' && family !== 'flux') throw new Error(`${model.dir}: transformer/ holds neither an SD3 nor a FLUX transformer`);
    const encoders = model.paths.textEncoders;
    const clipCount = family === 'sd3' ? 2 : 1;
    const t5Paths = encoders[clipCount];
    const tokenizers = await Promise.all(encoders.map((paths, i) => PromptTokenizer.load(paths.tokenizer, i === clipCount ? 't5' : 'clip')));
    const transient = Boolean(extras.memoryBudgetBytes && extras.memoryBudgetBytes > 0 && (await pipelineFileBytes(model)) > extras.memoryBudgetBytes);
    const loaded: { release(): Promise<void> }[] = [];
    const track = async <T extends { release(): Promise<void> }>(value: Promise<T>): Promise<T> => {
      const v = await value;
      loaded.push(v);
      return v;
    };
    try {
      const [clipSessions, t5, transformerSession, vae] = await Promise.all([
        Promise.all(encoders.slice(0, clipCount).map((paths) => track(ModelSession.load(paths.model, options)))),
        t5Paths ? track(T5Encoder.load(t5Paths.model, tokenizers[clipCount]!, options, transient)) : Promise.resolve(null),
        track(ModelSession.load(model.paths.unet, options)),
        track(Vae.load(model, options)),
      ]);
      const transformer = FlowTransformer.inspect(transformerSession, family, model.paths.unet);
      const jointAttentionDim = transformer.jointAttentionDim;
      if (jointAttentionDim === undefined) throw new Error(`${model.paths.unet}: encoder_hidden_states has no fixed width (joint_attention_dim)`);
      const clip = clipSessions.map((session, i): TextEncoderPart => ({ tokenizer: tokenizers[i]!, session }));
      const promptEncoder = new FlowPromptEncoder({ family, clip, t5, jointAttentionDim });
      const conditioner: PromptConditioner = { encode: (prompts, labels) => promptEncoder.encode(prompts, labels), release: () => promptEncoder.release() };
      const loraWarnings = (extras.loras ?? [])
        .filter((l) => l.weight !== 0)
        .map((l) => `LoRA "${l.name}" was not applied: LoRAs are not supported on ${family === 'sd3' ? 'SD3' : 'FLUX'} models yet.`);
      const embeddingWarnings = (extras.embeddings ?? []).map((e) => ({
        name: e.name,
        message: `Embedding "${e.name}" was not loaded: textual-inversion embeddings are not supported on ${family === 'sd3' ? 'SD3' : 'FLUX'} models yet.`,
      }));
      return new StableDiffusionPipeline(model, conditioner, transformer, vae, loraWarnings, embeddingWarnings);
    } catch (error) {
      await Promise.allSettled(loaded.map((part) => part.release()));
      throw error;
    }
  }

  /** The prompts' conditioning as the denoiser takes it, one chunk each (what the benchmarks time). */
  encodePrompts(prompts: string[]): Promise<EncodedPrompts> {
    return this.promptEncoder.encode(prompts, prompts.map(() => 'prompt'), 1);
  }

  /** Which execution provider the denoiser runs on, and why it is not CUDA if it is not. */
  get provider(): ProviderChoice {
    return this.denoiser.providerChoice;
  }

  private previewMap: Promise<LatentRgbMap> | undefined;

  /**
   * The linear latent -> RGB map of step previews: the family's fixed factors for 4-channel latents, else
   * (SD3, FLUX) a least-squares fit to this model's own VAE, computed once (preview/latent-fit.ts).
   */
  latentRgbMap(): Promise<LatentRgbMap> {
    if (this.model.latentChannels === 4) return Promise.resolve(latentRgbMapFor(this.model.traits.family));
    this.previewMap ??= fitLatentRgbMap(this.model.latentChannels, (latents) => this.vae.decodePlanar(latents));
    return this.previewMap;
  }

  /** Pictures from seeded noise. A request with `init` (older callers) runs as img2img or inpaint would. */
  txt2img(request: Txt2ImgRequest): Promise<GenerationResult> {
    return this.generate(request, request.init);
  }

  /** Pictures from `init.image`, of which `init.strength` of the schedule is re-imagined. */
  async img2img(request: Img2ImgRequest): Promise<GenerationResult> {
    if (!request.init) throw new RangeError('img2img needs init: { image, strength }');
    return this.generate(request, { image: request.init.image, strength: request.init.strength });
  }

  /** `init.image` with the region that `init.mask` marks (255) repainted and the rest kept. */
  async inpaint(request: InpaintRequest): Promise<GenerationResult> {
    if (!request.init?.mask) throw new RangeError('inpaint needs init: { image, strength, mask }');
    return this.generate(request, request.init);
  }

  async release(): Promise<void> {
    await Promise.all([this.promptEncoder.release(), this.denoiser.release(), this.vae.release()]);
  }

  /** The one loop under every entry point. */
  private async generate(request: GenerationRequest, init: LoopInit | undefined): Promise<GenerationResult> {
    // 1. Check inputs.
    checkRequest({ ...request, init });
    const imageCount = request.seeds.length;
    // 2. Encode the prompt, and the negative prompt when guidance makes an unconditional pass.
    const encoded = await this.encodePrompt(request);
    const conditioning = this.denoiser.conditioning(encoded, request, imageCount);
    throwIfAborted(request.signal);
    // 3. Prepare timesteps (a hires fix's second schedule too, so that progress counts both passes).
    const { scheduler, timesteps } = this.prepareTimesteps(request, init?.strength);
    const second = request.hires ? this.prepareTimesteps({ ...request, steps: request.hires.steps }, request.hires.strength) : undefined;
    const progress: PassProgress = { pass: 1, before: 0, total: timesteps.length + (second?.timesteps.length ?? 0) };
    // 4. Prepare latents (and inpainting's conditioning).
    const denoising = await this.prepareLatents(request, init, scheduler, timesteps, conditioning);
    // 5. Denoise.
    let latents = await this.denoise(denoising, request, progress);
    throwIfAborted(request.signal);
    // 5b. Hires fix: enlarge, noise to the second pass's strength and denoise again at the new size.
    if (request.hires && second) {
      const hiresRequest = { ...request, width: request.hires.width, height: request.hires.height };
      const start = await this.enlarge(latents, request.hires, request.signal);
      throwIfAborted(request.signal);
      const state = await this.prepareSecondPass(hiresRequest, start, second, this.denoiser.conditioning(encoded, hiresRequest, imageCount));
      latents = await this.denoise(state, request, { pass: 2, before: timesteps.length, total: progress.total });
      throwIfAborted(request.signal);
    }
    // 6. Decode.
    return { images: await this.decode(latents, imageCount, init), warnings: encoded.warnings };
  }

  /** The first pass's latents at the hires size: resampled as latents, or decoded, enlarged (Lanczos or a model) and encoded. */
  private async enlarge(latents: FloatTensor, hires: HiresPass, signal?: AbortSignal): Promise<FloatTensor> {
    const height = hires.height / VAE_DOWNSCALE;
    const width = hires.width / VAE_DOWNSCALE;
    if (hires.upscaler !== 'lanczos' && hires.upscaler !== 'model') return upscaleLatents(latents, height, width, hires.upscaler);
    const { upscalerModel } = hires;
    const parts: FloatTensor[] = [];
    for (let i = 0; i < latents.dims[0]!; i++) {
      const picture = await this.vae.decode(sliceBatch(latents, i, 1));
      const enlarged = upscalerModel
        ? await upscaleToSize(upscalerModel, picture, hires.width, hires.height, signal ? { signal } : {})
        : await resizeLanczos(picture, hires.width, hires.height);
      parts.push(await this.vae.encode(enlarged, 1));
    }
    return concatBatch(parts);
  }

  /** As img2img from `start`: fresh seeded noise of the new size, added at the second schedule's first timestep. */
  private async prepareSecondPass(
    request: GenerationRequest,
    start: FloatTensor,
    schedule: { scheduler: Scheduler; timesteps: readonly number[] },
    conditioning: unknown,
  ): Promise<Denoising> {
    const { scheduler, timesteps } = schedule;
    const generator = seededNoise(request.seeds);
    const noise: FloatTensor = { data: initialNoise(generator, [...start.dims], request.variation), dims: start.dims };
    const latents = timesteps.length > 0 ? scheduler.addNoise(start, noise, timesteps[0]!) : start;
    const inpaintingChannels = this.denoiser.isInpainting ? await inpaintingConditioning(this.vae, request, undefined, request.seeds.length) : null;
    return { scheduler, timesteps, latents, generator, conditioning, inpaintingChannels, keep: null };
  }

  private async encodePrompt(request: GenerationRequest): Promise<EncodedPrompts> {
    const useGuidance = this.denoiser.usesGuidance(request.guidanceScale);
    const negative = request.negativePrompt ?? '';
    const prompts = useGuidance ? [negative, request.prompt] : [request.prompt];
    const labels = useGuidance ? ['negative prompt', 'prompt'] : ['prompt'];
    const encoded = await this.promptEncoder.encode(prompts, labels, this.denoiser.maxPromptChunks);
    if (useGuidance && this.model.traits.zeroEmptyNegative && negative.trim() === '') {
      // SDXL's force_zeros_for_empty_prompt: no negative prompt means zero embeddings, not the encoded "".
      zeroFirstRow(encoded.hiddenStates);
      if (encoded.pooled) zeroFirstRow(encoded.pooled);
    }
    return encoded;
  }

  /**
   * The scheduler's schedule (a flow model's set by its denoiser: FLUX's sigmas and shift); img2img (a
   * `strength`) skips its first (1 - strength), as diffusers' get_timesteps.
   */
  private prepareTimesteps(request: GenerationRequest, strength: number | undefined): { scheduler: Scheduler; timesteps: readonly number[] } {
    const scheduler = createScheduler(request.sampler, this.model.schedulerConfig);
    scheduler.setTimesteps(request.steps, this.denoiser.scheduleOptions(request.steps, request));
    if (strength === undefined) return { scheduler, timesteps: scheduler.timesteps };
    const skipped = this.denoiser.img2imgStart(request.steps, strength) * scheduler.order;
    scheduler.setBeginIndex?.(skipped);
    return { scheduler, timesteps: scheduler.timesteps.slice(skipped) };
  }

  /** Seeded noise at the scheduler's initial sigma, or the encoded picture noised to the first timestep. */
  private async prepareLatents(
    request: GenerationRequest,
    init: LoopInit | undefined,
    scheduler: Scheduler,
    timesteps: readonly number[],
    conditioning: unknown,
  ): Promise<Denoising> {
    const imageCount = request.seeds.length;
    const shape = [imageCount, this.model.latentChannels, request.height / VAE_DOWNSCALE, request.width / VAE_DOWNSCALE];
    const generator = seededNoise(request.seeds);
    const noise: FloatTensor = { data: initialNoise(generator, shape, request.variation), dims: shape };
    let latents = noise;
    let initLatents: FloatTensor | null = null;
    if (init) {
      initLatents = await this.vae.encode(init.image, imageCount);
      latents = timesteps.length > 0 ? scheduler.addNoise(initLatents, noise, timesteps[0]!) : initLatents;
    } else {
      scaleInPlace(latents.data, scheduler.initNoiseSigma);
    }
    // An inpainting UNet sees the mask and the blanked picture at every step; an ordinary one gets the kept
    // region blended back after every step instead.
    const inpaintingChannels = this.denoiser.isInpainting ? await inpaintingConditioning(this.vae, request, init, imageCount) : null;
    const keep =
      init?.mask && initLatents && !inpaintingChannels ? { mask: latentMask(init.mask, request.width, request.height), initLatents, noise } : null;
    return { scheduler, timesteps, latents, generator, conditioning, inpaintingChannels, keep };
  }

  /** The scheduler walks the denoiser's predictions down to clean latents, reporting every step. */
  private async denoise(state: Denoising, request: GenerationRequest, progress: PassProgress): Promise<FloatTensor> {
    const { scheduler, timesteps, generator, conditioning, inpaintingChannels, keep } = state;
    let latents = state.latents;
    for (let i = 0; i < timesteps.length; i++) {
      throwIfAborted(request.signal);
      const started = performance.now();
      const t = timesteps[i]!;
      const scaled = scheduler.scaleModelInput(latents, t);
      const modelInput = inpaintingChannels ? stackChannels(scaled, inpaintingChannels) : scaled;
      const noisePrediction = await this.denoiser.predictNoise(modelInput, t, conditioning);
      latents = scheduler.step(noisePrediction, t, latents, { generator }).prevSample;
      if (keep) {
        // The kept region: the init latents at the next step's noise level (clean after the last step).
        const next = timesteps[i + 1];
        const known = next === undefined ? keep.initLatents : scheduler.addNoise(keep.initLatents, keep.noise, next);
        latents = blendKnown(latents, known, keep.mask);
      }
      const step = progress.before + i + 1;
      await request.onStep?.({ step, totalSteps: progress.total, pass: progress.pass, timestep: t, latents, durationMs: performance.now() - started });
    }
    return latents;
  }

  /** Each image through the VAE; inpainting pastes the kept pixels back exactly. */
  private async decode(latents: FloatTensor, imageCount: number, init: LoopInit | undefined): Promise<RgbImage[]> {
    const images: RgbImage[] = [];
    for (let i = 0; i < imageCount; i++) {
      const image = await this.vae.decode(sliceBatch(latents, i, 1));
      images.push(init?.mask ? pasteKept(image, init.image, init.mask) : image);
    }
    return images;
  }
}

/** Zeroes the first item of the batch axis in place. */
function zeroFirstRow(tensor: FloatTensor): void {
  tensor.data.fill(0, 0, tensor.data.length / tensor.dims[0]!);
}

