/**
 * What the schedulers that work on alphabar_t directly (DDIM, DDPM, LCM, PNDM) share, as diffusers' versions
 * do: reading and checking the config, the training schedule's alphas_cumprod, the alpha "before" timestep 0,
 * the timestep state, identity input scaling and variance-preserving noising. Each subclass adds its step.
 */
import type { FloatTensor } from '../tensor.js';
import { alphasCumprod, makeBetas } from './betas.js';
import { addNoiseVp } from './predictions.js';
import { checkInferenceSteps, spacedTimesteps } from './timesteps.js';
import {
  checkOneOf,
  readConfig,
  type BaseSchedulerConfig,
  type PredictionType,
  type RawSchedulerConfig,
  type Scheduler,
  type StepOptions,
  type StepResult,
} from './types.js';

const ALL_PREDICTIONS: readonly PredictionType[] = ['epsilon', 'v_prediction', 'sample'];

export interface AlphaSchedulerOptions {
  /** How errors name the scheduler, e.g. "DDIM". */
  label: string;
  /** The prediction types its step handles; default all three. */
  predictionTypes?: readonly PredictionType[];
  /** Whether timestep_spacing is checked (it is by the schedulers whose spacing it selects). */
  checkSpacing?: boolean;
  /** Timesteps before setTimesteps: every training timestep, high to low (DDIM, DDPM), or none. */
  trainingTimestepsFirst?: boolean;
}

export abstract class AlphaScheduler<C extends BaseSchedulerConfig & { setAlphaToOne?: boolean }> implements Scheduler {
  abstract readonly name: string;
  readonly order: number = 1;
  readonly initNoiseSigma: number = 1;
  readonly config: C;
  readonly alphasCumprod: Float32Array;
  /** alpha_cumprod "before" timestep 0, used by the last step: 1, or alphas_cumprod[0] when set_alpha_to_one is false. */
  readonly finalAlphaCumprod: number;
  protected readonly label: string;
  protected _timesteps: number[];
  protected _numInferenceSteps: number | null = null;

  protected constructor(rawConfig: RawSchedulerConfig, defaults: C, options: AlphaSchedulerOptions) {
    this.label = options.label;
    this.config = readConfig(rawConfig, defaults);
    const c = this.config;
    checkOneOf('prediction_type', c.predictionType, options.predictionTypes ?? ALL_PREDICTIONS);
    if (options.checkSpacing) checkOneOf('timestep_spacing', c.timestepSpacing, ['leading', 'trailing', 'linspace']);
    this.alphasCumprod = alphasCumprod(makeBetas(c));
    this.finalAlphaCumprod = c.setAlphaToOne === false ? this.alphasCumprod[0]! : 1;
    const all = options.trainingTimestepsFirst ? Array.from({ length: c.numTrainTimesteps }, (_, i) => c.numTrainTimesteps - 1 - i) : [];
    this._timesteps = Object.freeze(all) as number[];
  }

  get timesteps(): number[] {
    return this._timesteps;
  }

  get numInferenceSteps(): number | null {
    return this._numInferenceSteps;
  }

  /** diffusers' timestep_spacing (DDIM, DDPM); LCM and PNDM choose their timesteps their own way. */
  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    checkInferenceSteps(numInferenceSteps, c.numTrainTimesteps);
    this._timesteps = Object.freeze(spacedTimesteps(c.timestepSpacing, c.numTrainTimesteps, numInferenceSteps, c.stepsOffset, true)) as number[];
    this._numInferenceSteps = numInferenceSteps;
  }

  scaleModelInput(sample: FloatTensor): FloatTensor {
    return sample;
  }

  abstract step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options?: StepOptions): StepResult;

  addNoise(original: FloatTensor, noise: FloatTensor, timesteps: number | readonly number[]): FloatTensor {
    return addNoiseVp(this.alphasCumprod, original, noise, timesteps, this.label);
  }

  /** The number of inference steps, or an error when step() comes before setTimesteps(). */
  protected requireSteps(): number {
    if (this._numInferenceSteps === null) throw new Error(`${this.label}: call setTimesteps() before step()`);
    return this._numInferenceSteps;
  }

  /** alphabar at a timestep of the schedule, or the final alpha below timestep 0. */
  protected alphaBefore(prevTimestep: number): number {
    return prevTimestep >= 0 ? this.alphasCumprod[prevTimestep]! : this.finalAlphaCumprod;
  }
}

/**
 * diffusers' settings for the predicted x0 of DDIM and DDPM, with their defaults: clip_sample on, to
 * [-clip_sample_range, clip_sample_range]; dynamic thresholding is read only to be refused.
 */
export interface ClippedX0Config {
  clipSample: boolean;
  clipSampleRange: number;
  thresholding: boolean;
}

export const clippedX0Defaults: ClippedX0Config = { clipSample: true, clipSampleRange: 1, thresholding: false };

/** diffusers' clip_sample: x0 clamped to [-range, range], in place. */
export function clipSample(x0: Float32Array, range: number): void {
  for (let i = 0; i < x0.length; i++) x0[i] = Math.min(range, Math.max(-range, x0[i]!));
}
