/**
 * The JSON files of the tiny flow-matching models (SD3, FLUX): scheduler configs and model_index.json as the
 * published models' repositories have them (stabilityai/stable-diffusion-3-medium-diffusers,
 * black-forest-labs/FLUX.1-dev and FLUX.1-schnell), and the VAE latent constants of each family.
 */

/** The VAE latent constants (vae/config.json scaling_factor and shift_factor) of SD3 and FLUX. */
export const FLOW_VAE = {
  sd3: { scalingFactor: 1.5305, shiftFactor: 0.0609 },
  flux: { scalingFactor: 0.3611, shiftFactor: 0.1159 },
} as const;

/** What FlowMatchEulerDiscreteScheduler's resolution-dependent shift (FLUX's "mu") is computed from. */
const DYNAMIC_SHIFT_RANGE = { base_image_seq_len: 256, base_shift: 0.5, max_image_seq_len: 4096, max_shift: 1.15 };

/** SD3 medium: a fixed shift of 3. */
const SD3_SCHEDULER_CONFIG = { _class_name: 'FlowMatchEulerDiscreteScheduler', _diffusers_version: '0.29.0.dev0', num_train_timesteps: 1000, shift: 3.0 };

/** FLUX.1 dev: the shift follows the image's token count (use_dynamic_shifting). */
const FLUX_DEV_SCHEDULER_CONFIG = {
  _class_name: 'FlowMatchEulerDiscreteScheduler',
  _diffusers_version: '0.30.0.dev0',
  ...DYNAMIC_SHIFT_RANGE,
  num_train_timesteps: 1000,
  shift: 3.0,
  use_dynamic_shifting: true,
};

/** FLUX.1 schnell: no shift at all (shift 1, not dynamic). */
const FLUX_SCHNELL_SCHEDULER_CONFIG = { ...FLUX_DEV_SCHEDULER_CONFIG, shift: 1.0, use_dynamic_shifting: false };

export function flowSchedulerConfig(family: 'sd3' | 'flux', schnell: boolean): Record<string, unknown> {
  if (family === 'sd3') return SD3_SCHEDULER_CONFIG;
  return schnell ? FLUX_SCHNELL_SCHEDULER_CONFIG : FLUX_DEV_SCHEDULER_CONFIG;
}

const CLIP_TOKENIZER = ['transformers', 'CLIPTokenizer'];
const T5_TOKENIZER = ['transformers', 'T5TokenizerFast'];
const T5_ENCODER = ['transformers', 'T5EncoderModel'];
const VAE = ['diffusers', 'AutoencoderKL'];
const SCHEDULER = ['diffusers', 'FlowMatchEulerDiscreteScheduler'];
/** How diffusers writes a component the pipeline was saved without (SD3 without T5). */
const ABSENT = [null, null];

/** The model_index.json of an SD3 pipeline, with or without its T5 encoder (text_encoder_3). */
export function sd3ModelIndex(withT5: boolean): Record<string, unknown> {
  return {
    _class_name: 'StableDiffusion3Pipeline',
    _diffusers_version: '0.29.0.dev0',
    scheduler: SCHEDULER,
    text_encoder: ['transformers', 'CLIPTextModelWithProjection'],
    text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
    text_encoder_3: withT5 ? T5_ENCODER : ABSENT,
    tokenizer: CLIP_TOKENIZER,
    tokenizer_2: CLIP_TOKENIZER,
    tokenizer_3: withT5 ? T5_TOKENIZER : ABSENT,
    transformer: ['diffusers', 'SD3Transformer2DModel'],
    vae: VAE,
  };
}

/** The model_index.json of a FLUX.1 pipeline (dev and schnell list the same components). */
export function fluxModelIndex(): Record<string, unknown> {
  return {
    _class_name: 'FluxPipeline',
    _diffusers_version: '0.30.0.dev0',
    scheduler: SCHEDULER,
    text_encoder: ['transformers', 'CLIPTextModel'],
    text_encoder_2: T5_ENCODER,
    tokenizer: CLIP_TOKENIZER,
    tokenizer_2: T5_TOKENIZER,
    transformer: ['diffusers', 'FluxTransformer2DModel'],
    vae: VAE,
  };
}
