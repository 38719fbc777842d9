/**
 * The JSON files of a tiny model: scheduler configs and model_index.json as the real models' exports write
 * them (SD 1.5, SDXL base, LCM, Turbo), and the key-sorted JSON writer that keeps their bytes stable.
 */
import type { TinyModelOptions } from './write-tiny-model.js';

/** Keys sorted, as diffusers writes its configs, so the bytes depend on nothing but the values. */
export function json(value: Record<string, unknown>): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** The scheduler config a model with these options ships. */
export function schedulerConfig(options: TinyModelOptions): Record<string, unknown> {
  if (options.lcm) return LCM_SCHEDULER_CONFIG;
  if (options.turbo) return TURBO_SCHEDULER_CONFIG;
  return options.family === 'sdxl' ? SDXL_SCHEDULER_CONFIG : SCHEDULER_CONFIG;
}

/** model_index.json without Atelier's own record of the options. */
export function modelIndex(options: TinyModelOptions): Record<string, unknown> {
  const base = options.family === 'sdxl' ? SDXL_MODEL_INDEX : MODEL_INDEX;
  const scheduler = schedulerConfig(options)._class_name as string;
  return {
    ...base,
    scheduler: ['diffusers', scheduler],
    ...(options.inpainting ? { _class_name: options.family === 'sdxl' ? 'StableDiffusionXLInpaintPipeline' : 'OnnxStableDiffusionInpaintPipeline' } : {}),
    ...(options.lcm ? { _class_name: 'LatentConsistencyModelPipeline' } : {}),
    // Turbo models are their base family's files; the name they were published under says what they are.
    ...(options.turbo ? { _name_or_path: options.family === 'sdxl' ? 'atelier/tiny-sdxl-turbo' : 'atelier/tiny-sd-turbo' } : {}),
  };
}

/** SDXL's VAE latent scaling (its VAE config's scaling_factor). */
export const SDXL_VAE_SCALING_FACTOR = 0.13025;

/**
 * The noise schedule every SD model here was trained on (SD 1.x/2.x/SDXL share it; key order does not matter,
 * json() sorts keys).
 */
const SD_TRAINING_SCHEDULE = {
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  trained_betas: null,
};

/** SD 1.5's PNDM settings, which the SDXL and Turbo configs carry over unchanged. */
const PNDM_LEFTOVERS = { clip_sample: false, set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1 };

/** What the Euler configs (SDXL, Turbo) add. */
const EULER_SETTINGS = { interpolation_type: 'linear', prediction_type: 'epsilon' };

/** Stable Diffusion 1.5's scheduler config. */
const SCHEDULER_CONFIG = { _class_name: 'PNDMScheduler', _diffusers_version: '0.6.0', ...SD_TRAINING_SCHEDULE, ...PNDM_LEFTOVERS };

/** SDXL base 1.0's scheduler config. */
const SDXL_SCHEDULER_CONFIG = {
  _class_name: 'EulerDiscreteScheduler',
  _diffusers_version: '0.19.0.dev0',
  ...SD_TRAINING_SCHEDULE,
  ...PNDM_LEFTOVERS,
  ...EULER_SETTINGS,
  sample_max_value: 1.0,
  timestep_spacing: 'leading',
  use_karras_sigmas: false,
};

/** SDXL-Turbo's scheduler config: Euler ancestral from the last training timestep ("trailing"). */
const TURBO_SCHEDULER_CONFIG = {
  _class_name: 'EulerAncestralDiscreteScheduler',
  _diffusers_version: '0.24.0.dev0',
  ...SD_TRAINING_SCHEDULE,
  ...PNDM_LEFTOVERS,
  ...EULER_SETTINGS,
  timestep_spacing: 'trailing',
};

/** The LCM distillations' scheduler config (LCMScheduler over SD's training schedule). */
const LCM_SCHEDULER_CONFIG = {
  _class_name: 'LCMScheduler',
  _diffusers_version: '0.22.0.dev0',
  ...SD_TRAINING_SCHEDULE,
  clip_sample: false,
  clip_sample_range: 1.0,
  original_inference_steps: 50,
  prediction_type: 'epsilon',
  rescale_betas_zero_snr: false,
  set_alpha_to_one: true,
  steps_offset: 1,
  thresholding: false,
  timestep_scaling: 10.0,
  timestep_spacing: 'leading',
};

const ONNX_MODEL = ['diffusers', 'OnnxRuntimeModel'];
const CLIP_TOKENIZER = ['transformers', 'CLIPTokenizer'];
/** The components every export here has, as their model_index.json entries. */
const ONNX_COMPONENTS = { tokenizer: CLIP_TOKENIZER, unet: ONNX_MODEL, vae_decoder: ONNX_MODEL, vae_encoder: ONNX_MODEL };

/** An SDXL base export's model_index.json, as optimum writes it. */
const SDXL_MODEL_INDEX = {
  _class_name: 'StableDiffusionXLPipeline',
  _diffusers_version: '0.19.0.dev0',
  force_zeros_for_empty_prompt: true,
  scheduler: ['diffusers', 'EulerDiscreteScheduler'],
  text_encoder: ['transformers', 'CLIPTextModel'],
  text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
  tokenizer_2: CLIP_TOKENIZER,
  ...ONNX_COMPONENTS,
};

/** What diffusers' ONNX export writes, without the safety checker. */
const MODEL_INDEX = {
  _class_name: 'OnnxStableDiffusionPipeline',
  _diffusers_version: '0.6.0',
  feature_extractor: [null, null],
  requires_safety_checker: false,
  safety_checker: [null, null],
  scheduler: ['diffusers', 'PNDMScheduler'],
  text_encoder: ONNX_MODEL,
  ...ONNX_COMPONENTS,
};
