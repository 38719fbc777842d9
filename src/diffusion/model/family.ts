/**
 * Which kind of Stable Diffusion model a folder holds, read from its JSON files (model_index.json, the
 * scheduler config, unet/config.json or transformer/config.json, which text encoders are there). The pipeline then goes by the ONNX
 * sessions' inputs when it loads them (added-conditions.ts), since those are what it actually has to feed;
 * the traits here decide the defaults, the preview colours and SDXL's empty-negative rule.
 *
 * A new model family starts here (its ModelFamily value, how its files show it, its defaults); the UNet inputs
 * it adds are read and built in added-conditions.ts and fed by unet.ts, its preview colours go in
 * preview/latent2rgb.ts.
 */
import type { PredictionType } from '../schedulers/types.js';

/**
 * The architecture: what the UNet is conditioned on; sd3 and flux are flow-matching transformers (SD3/SD3.5's
 * MM-DiT over CLIP-L + bigG + T5; FLUX.1's over CLIP-L's pooled output + T5), run by transformer.ts.
 */
export type ModelFamily = 'sd1' | 'sd2' | 'sdxl' | 'sd3' | 'flux';
/**
 * Few-step distilled variants of a family, which want other defaults (and LCM, its guidance embedding).
 * FLUX.1 schnell and SD3.5 Large Turbo are distilled the Turbo way (adversarially, for 1-4 steps without
 * guidance), so they read as turbo.
 */
export type Distillation = 'none' | 'lcm' | 'turbo';

export interface GenerationDefaults {
  /** A name in the scheduler registry (schedulers/index.ts). */
  sampler: string;
  steps: number;
  /** 0 or 1 turn classifier-free guidance off (Turbo runs with 0). */
  guidanceScale: number;
}

export interface ModelTraits {
  family: ModelFamily;
  distillation: Distillation;
  predictionType: PredictionType;
  /** A 9-channel UNet (latents + mask + masked-picture latents). */
  inpainting: boolean;
  /**
   * The denoiser takes the guidance scale as an input and no unconditional pass is made: LCM's UNet as
   * `timestep_cond` (an embedding of guidance - 1; diffusers: time_cond_proj_dim set => no classifier-free
   * guidance), FLUX.1 dev's transformer as `guidance` (guidance distillation: guidance_embeds).
   */
  embeddedGuidance: boolean;
  /** SDXL: an empty negative prompt is all-zero embeddings, not the encoded empty string. */
  zeroEmptyNegative: boolean;
  /** What a request that leaves them out gets: the values each family's model cards recommend. */
  defaults: GenerationDefaults;
}

export interface FamilyEvidence {
  /** The folder name (Turbo models are SD 2.1 / SDXL files; the name is where they say so). */
  name: string;
  index: Record<string, unknown>;
  scheduler: Record<string, unknown>;
  unet: Record<string, unknown>;
  /** transformer/config.json of a folder with a transformer instead of a UNet (SD3, FLUX); {} or absent otherwise. */
  transformer?: Record<string, unknown>;
  /** Whether the folder has text_encoder_2/ (SDXL's second, projected text encoder; FLUX's T5). */
  hasSecondTextEncoder: boolean;
  /** Whether the folder has text_encoder_3/ (SD3's T5). */
  hasThirdTextEncoder?: boolean;
}

export function detectTraits(evidence: FamilyEvidence): ModelTraits {
  const family = flowFamily(evidence) ?? detectFamily(evidence);
  const flow = family === 'sd3' || family === 'flux';
  const distillation = flow ? flowDistillation(family, evidence) : detectDistillation(evidence);
  const embeddedGuidance = flow ? family === 'flux' && distillation === 'none' : evidence.unet.time_cond_proj_dim != null;
  // Flow-matching models predict a velocity, which no scheduler config spells as a prediction_type: theirs
  // reads as the default, and the transformer pipeline goes by the family (flow schedulers step a velocity).
  const predictionType = readPredictionType(evidence.scheduler.prediction_type);
  return {
    family,
    distillation,
    predictionType,
    inpainting: evidence.unet.in_channels === 9,
    embeddedGuidance,
    zeroEmptyNegative: family === 'sdxl' && evidence.index.force_zeros_for_empty_prompt !== false,
    defaults: flow ? flowDefaults(family, distillation, evidence.transformer ?? {}) : defaultsFor(family, distillation, embeddedGuidance),
  };
}

/**
 * SD3 or FLUX, from the pipeline class, the transformer's class, or the components only they have (checked
 * before SDXL: both have a text_encoder_2). Undefined for UNet models.
 */
function flowFamily({ index, transformer = {}, hasThirdTextEncoder = false }: FamilyEvidence): 'sd3' | 'flux' | undefined {
  const className = typeof index._class_name === 'string' ? index._class_name : '';
  const transformerClass = typeof transformer._class_name === 'string' ? transformer._class_name : '';
  if (/^Flux/.test(className) || /^Flux/.test(transformerClass) || transformer.guidance_embeds !== undefined) return 'flux';
  if (/^StableDiffusion3/.test(className) || /^SD3/.test(transformerClass) || hasThirdTextEncoder) return 'sd3';
  return undefined;
}

/** FLUX.1 schnell has no guidance embedding (dev has); an SD3.5 Large Turbo says so in its name. */
function flowDistillation(family: 'sd3' | 'flux', evidence: FamilyEvidence): Distillation {
  const guidance = evidence.transformer?.guidance_embeds;
  if (family === 'flux' && (guidance === false || (guidance === undefined && /schnell/i.test(nameAndSource(evidence))))) return 'turbo';
  return /turbo/i.test(nameAndSource(evidence)) ? 'turbo' : 'none';
}

/**
 * The model cards' values, with the Euler flow-matching sampler. FLUX.1 dev: 28 steps (diffusers' default;
 * the card's example runs 50) at guidance 3.5, embedded; schnell: 4 steps, no guidance. SD3 medium: 28 steps,
 * CFG 7 (its card and diffusers' default); SD3.5 (its transformer has qk_norm): CFG 4.5, the SD3.5 medium
 * card's (SD3.5 large's says 3.5). Turbo-distilled SD3.5: 4 steps, no guidance.
 */
function flowDefaults(family: 'sd3' | 'flux', distillation: Distillation, transformer: Record<string, unknown>): GenerationDefaults {
  if (distillation === 'turbo') return { sampler: 'euler', steps: 4, guidanceScale: 0 };
  if (family === 'flux') return { sampler: 'euler', steps: 28, guidanceScale: 3.5 };
  return { sampler: 'euler', steps: 28, guidanceScale: transformer.qk_norm ? 4.5 : 7 };
}

function nameAndSource({ name, index }: FamilyEvidence): string {
  return `${name} ${typeof index._name_or_path === 'string' ? index._name_or_path : ''}`;
}

function detectFamily({ index, unet, hasSecondTextEncoder }: FamilyEvidence): ModelFamily {
  const className = typeof index._class_name === 'string' ? index._class_name : '';
  if (unet.addition_embed_type === 'text_time' || hasSecondTextEncoder || /XL/.test(className)) return 'sdxl';
  // SD 2.x conditions on OpenCLIP ViT-H (1024 wide); SD 1.x on CLIP ViT-L (768). Anything else (the tiny test
  // models) is treated as SD 1.x, which only decides defaults and the preview colours.
  return unet.cross_attention_dim === 1024 ? 'sd2' : 'sd1';
}

function detectDistillation(evidence: FamilyEvidence): Distillation {
  const { index, scheduler, unet } = evidence;
  const className = typeof index._class_name === 'string' ? index._class_name : '';
  if (unet.time_cond_proj_dim != null || scheduler._class_name === 'LCMScheduler' || /LatentConsistency/.test(className)) return 'lcm';
  return /turbo/i.test(nameAndSource(evidence)) ? 'turbo' : 'none';
}

function readPredictionType(value: unknown): PredictionType {
  return value === 'v_prediction' || value === 'sample' ? value : 'epsilon';
}

/**
 * SD 1.x/2.x: A1111's Euler, 20 steps, CFG 7. SDXL: diffusers' default CFG 5. LCM: 4 steps of the LCM sampler,
 * CFG 8.5 when embedded (diffusers' LCM default), else 1 (LCM-LoRA style, no unconditional pass). Turbo: one
 * Euler ancestral step without guidance, as the SD-Turbo and SDXL-Turbo model cards say.
 */
function defaultsFor(family: ModelFamily, distillation: Distillation, embeddedGuidance: boolean): GenerationDefaults {
  if (distillation === 'lcm') return { sampler: 'lcm', steps: 4, guidanceScale: embeddedGuidance ? 8.5 : 1 };
  if (distillation === 'turbo') return { sampler: 'euler_a', steps: 1, guidanceScale: 0 };
  return { sampler: 'euler', steps: 20, guidanceScale: family === 'sdxl' ? 5 : 7 };
}
