/**
 * The scheduler contract (diffusers' API in camelCase) and the reading of a diffusers `scheduler_config.json`.
 */
import type { FloatTensor } from '../tensor.js';

/** Anything that draws standard normal noise like `torch.randn(dims, generator)`, e.g. `TorchGenerator`. */
export interface NoiseGenerator {
  randn(dims: readonly number[]): Float32Array;
}

export interface StepOptions {
  /** Source of the noise that stochastic steps add (DDIM with eta > 0, Euler with sChurn > 0). */
  generator?: NoiseGenerator;
  /** DDIM: weight of the added noise (0 = deterministic DDIM, 1 = DDPM-like). Default 0. */
  eta?: number;
  /** DDIM: recompute the noise prediction from the clipped x0 (diffusers `use_clipped_model_output`). */
  useClippedModelOutput?: boolean;
  /** DDIM: noise to add instead of drawing it from `generator` (diffusers `variance_noise`). */
  varianceNoise?: FloatTensor;
  /** Euler "churn" (Karras et al. 2022, algorithm 2); the defaults switch it off. */
  sChurn?: number;
  sTmin?: number;
  sTmax?: number;
  sNoise?: number;
}

/** What flow-matching schedulers need to know of the image when they set their timesteps; others ignore it. */
export interface SetTimestepsOptions {
  /** FLUX's resolution-dependent shift (diffusers' `mu`); with use_dynamic_shifting, this or `imageSeqLen`. */
  mu?: number;
  /** The transformer's image token count, from which `mu` is computed (`flowShiftMu`). */
  imageSeqLen?: number;
  /** Base sigmas to shift instead of the scheduler's own grid (diffusers' `sigmas`; FluxPipeline passes them). */
  sigmas?: readonly number[];
}

export interface StepResult {
  prevSample: FloatTensor;
  /** The model's estimate of the clean latents at this step (for previews). */
  predOriginalSample?: FloatTensor;
}

export interface Scheduler {
  /** Registry name, e.g. "euler". */
  readonly name: string;
  /** Model evaluations per step (1 for first-order schedulers). */
  readonly order: number;
  /** Timesteps to visit, in order, after `setTimesteps` (read-only: the array is frozen). */
  readonly timesteps: number[];
  /** Standard deviation of the initial noise: multiply unit noise by this to get the first latents. */
  readonly initNoiseSigma: number;
  readonly numInferenceSteps: number | null;
  setTimesteps(numInferenceSteps: number, options?: SetTimestepsOptions): void;
  /** The model input for timestep `t` (a new tensor, or `sample` itself when no scaling applies). */
  scaleModelInput(sample: FloatTensor, timestep: number): FloatTensor;
  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options?: StepOptions): StepResult;
  /** Noise `original` to the given timestep(s): one timestep for the whole batch or one per batch entry. */
  addNoise(original: FloatTensor, noise: FloatTensor, timesteps: number | readonly number[]): FloatTensor;
  /** img2img: the index in `timesteps` where denoising starts (diffusers `set_begin_index`). */
  setBeginIndex?(beginIndex: number): void;
}

/** A scheduler_config.json as parsed: snake_case (or camelCase) keys, any `_class_name`. */
export type RawSchedulerConfig = Readonly<Record<string, unknown>>;

export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** Settings every scheduler here reads; defaults are diffusers' (timestepSpacing differs per scheduler). */
export interface BaseSchedulerConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
  trainedBetas: number[] | null;
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
  stepsOffset: number;
  rescaleBetasZeroSnr: boolean;
}

export const baseDefaults: BaseSchedulerConfig = {
  numTrainTimesteps: 1000,
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: 'linear',
  trainedBetas: null,
  predictionType: 'epsilon',
  timestepSpacing: 'leading',
  stepsOffset: 0,
  rescaleBetasZeroSnr: false,
};

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Reads the keys of `defaults` from a raw config (snake_case as in the file, or camelCase), ignoring every
 * other key, so that a model's PNDMScheduler config can configure any scheduler. A missing or null value takes
 * the default; a value of the wrong type is an error naming the key.
 */
export function readConfig<T extends object>(raw: RawSchedulerConfig | undefined, defaults: T): T {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, fallback] of Object.entries(defaults)) {
    const fileKey = snakeCase(key);
    const value = raw?.[fileKey] ?? raw?.[key];
    if (value === undefined || value === null) continue;
    // Settings that default to null (trained_betas, sigma_min...) hold a number or a list; their users check which.
    const expected = fallback === null ? 'number or array' : typeof fallback;
    const actual = Array.isArray(value) ? 'array' : typeof value;
    const ok = fallback === null ? actual === 'number' || actual === 'array' : actual === expected;
    if (!ok) throw new Error(`scheduler config: "${fileKey}" should be a ${expected}, got ${JSON.stringify(value)}`);
    out[key] = value;
  }
  return out as T;
}

/** Throws unless `value` is one of `allowed`; `what` names the config key. */
export function checkOneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`scheduler config: unsupported ${what} "${value}" (supported: ${allowed.join(', ')})`);
  }
  return value as T;
}
