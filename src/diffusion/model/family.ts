/**
 * Which kind of Stable Diffusion model a folder holds, read from its JSON files (model_index.json, the
 * scheduler config, unet/config.json, which text encoders are there). The pipeline then goes by the ONNX
 * sessions' inputs when it loads them (added-conditions.ts), since those are what it actually has to feed;
 * the traits here decide the defaults, the preview colours and SDXL's empty-negative rule.
 *
 * A new model family starts here (its ModelFamily value, how its files show it, its defaults); the UNet inputs
 * it adds are read and built in added-conditions.ts and fed by unet.ts, its preview colours go in
 * preview/latent2rgb.ts.
 */
import type { PredictionType } from '../schedulers/types.js';

/** The architecture: what the UNet is conditioned on. */
export type ModelFamily = 'sd1' | 'sd2' | 'sdxl';
/** Few-step distilled variants of a family, which want other defaults (and LCM, its guidance embedding). */
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
   * LCM's guidance: the UNet takes the scale as `timestep_cond` (an embedding of guidance - 1) and no
   * unconditional pass is made (diffusers: time_cond_proj_dim set => no classifier-free guidance).
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
  /** Whether the folder has text_encoder_2/ (SDXL's second, projected text encoder). */
  hasSecondTextEncoder: boolean;
}

export function detectTraits(evidence: FamilyEvidence): ModelTraits {
  const family = detectFamily(evidence);
  const distillation = detectDistillation(evidence);
  const embeddedGuidance = evidence.unet.time_cond_proj_dim != null;
  const predictionType = readPredictionType(evidence.scheduler.prediction_type);
  return {
    family,
    distillation,
    predictionType,
    inpainting: evidence.unet.in_channels === 9,
    embeddedGuidance,
    zeroEmptyNegative: family === 'sdxl' && evidence.index.force_zeros_for_empty_prompt !== false,
    defaults: defaultsFor(family, distillation, embeddedGuidance),
  };
}

function detectFamily({ index, unet, hasSecondTextEncoder }: FamilyEvidence): ModelFamily {
  const className = typeof index._class_name === 'string' ? index._class_name : '';
  if (unet.addition_embed_type === 'text_time' || hasSecondTextEncoder || /XL/.test(className)) return 'sdxl';
  // SD 2.x conditions on OpenCLIP ViT-H (1024 wide); SD 1.x on CLIP ViT-L (768). Anything else (the tiny test
  // models) is treated as SD 1.x, which only decides defaults and the preview colours.
  return unet.cross_attention_dim === 1024 ? 'sd2' : 'sd1';
}

function detectDistillation({ name, index, scheduler, unet }: FamilyEvidence): Distillation {
  const className = typeof index._class_name === 'string' ? index._class_name : '';
  if (unet.time_cond_proj_dim != null || scheduler._class_name === 'LCMScheduler' || /LatentConsistency/.test(className)) return 'lcm';
  const source = typeof index._name_or_path === 'string' ? index._name_or_path : '';
  return /turbo/i.test(`${name} ${source}`) ? 'turbo' : 'none';
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
