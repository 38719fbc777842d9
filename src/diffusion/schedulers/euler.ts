/**
 * Euler's method on the probability-flow ODE in sigma space (Karras et al. 2022, algorithm 2), as diffusers'
 * EulerDiscreteScheduler computes it. The model sees x / sqrt(sigma^2 + 1) (`scaleModelInput`), while `step`
 * expects the unscaled latents: a pipeline keeps those and only passes the scaled copy to the model.
 */
import type { FloatTensor } from '../tensor.js';
import { alphasCumprod, makeBetas } from './betas.js';
import {
  baseDefaults,
  checkOneOf,
  readConfig,
  type BaseSchedulerConfig,
  type RawSchedulerConfig,
  type Scheduler,
  type StepOptions,
  type StepResult,
} from './types.js';
import { interpolate, karrasSigmas, sigmaToTimestep } from './sigmas.js';
import { checkInferenceSteps, checkSameShape, linspace, perBatch, spacedTimesteps } from './timesteps.js';

export interface EulerConfig extends BaseSchedulerConfig {
  interpolationType: 'linear';
  useKarrasSigmas: boolean;
  sigmaMin: number | null;
  sigmaMax: number | null;
  finalSigmasType: 'zero' | 'sigma_min';
  timestepType: 'discrete' | 'continuous';
}

export const eulerDefaults: EulerConfig = {
  ...baseDefaults,
  timestepSpacing: 'linspace',
  interpolationType: 'linear',
  useKarrasSigmas: false,
  sigmaMin: null,
  sigmaMax: null,
  finalSigmasType: 'zero',
  timestepType: 'discrete',
};

const f = Math.fround;

export class EulerDiscreteScheduler implements Scheduler {
  readonly name: string = 'euler';
  readonly order: number = 1;
  readonly config: EulerConfig;
  readonly alphasCumprod: Float32Array;
  /** sigma_t = sqrt((1 - alphabar_t) / alphabar_t) for every training timestep t (ascending). */
  private readonly trainSigmas: Float32Array;
  protected sigmas: Float32Array;
  protected _timesteps: number[];
  private _numInferenceSteps: number | null = null;
  protected stepIndex: number | null = null;
  private beginIndex: number | null = null;

  constructor(rawConfig: RawSchedulerConfig = {}) {
    this.config = readConfig(rawConfig, eulerDefaults);
    const c = this.config;
    checkOneOf('prediction_type', c.predictionType, ['epsilon', 'v_prediction', 'sample']);
    checkOneOf('timestep_spacing', c.timestepSpacing, ['leading', 'trailing', 'linspace']);
    checkOneOf('interpolation_type', c.interpolationType, ['linear']);
    checkOneOf('final_sigmas_type', c.finalSigmasType, ['zero', 'sigma_min']);
    checkOneOf('timestep_type', c.timestepType, ['discrete', 'continuous']);
    for (const key of ['sigmaMin', 'sigmaMax'] as const) {
      if (c[key] !== null && typeof c[key] !== 'number') throw new Error(`scheduler config: ${key} must be a number`);
    }
    this.alphasCumprod = alphasCumprod(makeBetas(c));
    // With a zero terminal SNR the last sigma would be infinite; diffusers uses 2^-24 instead of 0.
    if (c.rescaleBetasZeroSnr) this.alphasCumprod[this.alphasCumprod.length - 1] = 2 ** -24;
    this.trainSigmas = this.alphasCumprod.map((a) => f(Math.sqrt(f(f(1 - a) / a))));
    // Before setTimesteps, diffusers exposes the full training schedule.
    this.sigmas = Float32Array.from([...this.trainSigmas].reverse().concat(0));
    const all = linspace(0, c.numTrainTimesteps - 1, c.numTrainTimesteps).reverse();
    this._timesteps = Object.freeze(this.modelTimesteps(all, this.sigmas)) as number[];
  }

  get timesteps(): number[] {
    return this._timesteps;
  }

  get numInferenceSteps(): number | null {
    return this._numInferenceSteps;
  }

  get initNoiseSigma(): number {
    const max = this.sigmas.reduce((a, b) => Math.max(a, b), 0);
    if (this.config.timestepSpacing === 'linspace' || this.config.timestepSpacing === 'trailing') return max;
    return f(Math.sqrt(f(f(max * max) + 1)));
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    checkInferenceSteps(numInferenceSteps, c.numTrainTimesteps);
    // diffusers makes these float32, then interpolates the training sigmas at them in float64 (np.interp).
    const spaced = spacedTimesteps(c.timestepSpacing, c.numTrainTimesteps, numInferenceSteps, c.stepsOffset, false);
    let timesteps = spaced.map(f);
    let sigmas = timesteps.map((t) => interpolate(this.trainSigmas, t));
    if (c.useKarrasSigmas) {
      sigmas = karrasSigmas(c.sigmaMin ?? sigmas[sigmas.length - 1], c.sigmaMax ?? sigmas[0], numInferenceSteps);
      const logSigmas = this.trainSigmas.map((s) => f(Math.log(s)));
      timesteps = sigmas.map((s) => f(sigmaToTimestep(s, logSigmas)));
    }
    const last = c.finalSigmasType === 'zero' ? 0 : this.trainSigmas[0];
    this.sigmas = Float32Array.from([...sigmas, last]);
    this._timesteps = Object.freeze(this.modelTimesteps(timesteps, this.sigmas)) as number[];
    this._numInferenceSteps = numInferenceSteps;
    this.stepIndex = null;
    this.beginIndex = null;
  }

  setBeginIndex(beginIndex: number): void {
    this.beginIndex = beginIndex;
  }

  scaleModelInput(sample: FloatTensor, timestep: number): FloatTensor {
    if (this.stepIndex === null) this.stepIndex = this.initialStepIndex(timestep);
    const sigma = this.sigmas[this.stepIndex];
    const divisor = f(Math.sqrt(f(f(sigma * sigma) + 1)));
    const scaled = new Float32Array(sample.data.length);
    for (let i = 0; i < scaled.length; i++) scaled[i] = sample.data[i]! / divisor; // a plain loop: TypedArray.map is several times slower
    return { data: scaled, dims: [...sample.dims] };
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    if (this._numInferenceSteps === null) throw new Error('Euler: call setTimesteps() before step()');
    checkSameShape(modelOutput, sample, 'Euler step');
    if (this.stepIndex === null) this.stepIndex = this.initialStepIndex(timestep);
    const { sChurn = 0, sTmin = 0, sTmax = Infinity, sNoise = 1 } = options;
    const sigma = this.sigmas[this.stepIndex];
    const gamma = sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / (this.sigmas.length - 1), Math.SQRT2 - 1) : 0;
    const sigmaHat = f(sigma * (gamma + 1));
    const count = sample.data.length;
    const x = Float32Array.from(sample.data);
    if (gamma > 0) {
      if (!options.generator) throw new Error('Euler step: sChurn > 0 needs a generator');
      const noise = options.generator.randn(sample.dims);
      const scale = f(Math.sqrt(f(f(sigmaHat * sigmaHat) - f(sigma * sigma))));
      for (let i = 0; i < count; i++) x[i] = f(x[i] + f(f(noise[i] * sNoise) * scale));
    }

    const m = modelOutput.data;
    const x0 = new Float32Array(count);
    const pt = this.config.predictionType;
    const vScale = f(-sigma / f(Math.sqrt(f(f(sigma * sigma) + 1))));
    const vDivisor = f(f(sigma * sigma) + 1);
    if (pt === 'epsilon') for (let i = 0; i < count; i++) x0[i] = f(x[i] - f(sigmaHat * m[i]));
    else if (pt === 'v_prediction') for (let i = 0; i < count; i++) x0[i] = f(f(m[i] * vScale) + f(x[i] / vDivisor));
    else x0.set(m);
    // One Euler step along d = (x - x0) / sigma from sigma_hat to the next sigma.
    const dt = f(this.sigmas[this.stepIndex + 1] - sigmaHat);
    const prev = new Float32Array(count);
    for (let i = 0; i < count; i++) prev[i] = f(x[i] + f(f(f(x[i] - x0[i]) / sigmaHat) * dt));
    this.stepIndex += 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }

  addNoise(original: FloatTensor, noise: FloatTensor, timesteps: number | readonly number[]): FloatTensor {
    checkSameShape(original, noise, 'Euler addNoise');
    const list = perBatch(typeof timesteps === 'number' ? [timesteps] : timesteps, original.dims, 'Euler addNoise');
    // As diffusers: look the timesteps up, unless img2img fixed the start (beginIndex) or denoising has begun.
    const indices = list.map((t) => this.beginIndex === null ? this.indexForTimestep(t) : this.stepIndex ?? this.beginIndex);
    const out = new Float32Array(original.data.length);
    const perEntry = out.length / list.length;
    indices.forEach((index, b) => {
      const sigma = this.sigmas[index];
      for (let i = b * perEntry; i < (b + 1) * perEntry; i++) out[i] = f(original.data[i] + f(noise.data[i] * sigma));
    });
    return { data: out, dims: [...original.dims] };
  }

  /** What the model is told the timestep is: the (fractional) training timestep, or c_noise for continuous. */
  private modelTimesteps(timesteps: number[], sigmas: Float32Array): number[] {
    if (this.config.timestepType === 'continuous' && this.config.predictionType === 'v_prediction') {
      return Array.from(sigmas.subarray(0, sigmas.length - 1), (s) => f(0.25 * f(Math.log(s))));
    }
    return timesteps.map(f);
  }

  protected initialStepIndex(timestep: number): number {
    return this.beginIndex ?? this.indexForTimestep(timestep);
  }

  /** Index of `timestep` in the schedule; a repeated timestep maps to its second occurrence, as in diffusers. */
  private indexForTimestep(timestep: number): number {
    const matches: number[] = [];
    this._timesteps.forEach((t, i) => {
      if (t === f(timestep)) matches.push(i);
    });
    if (matches.length === 0) throw new Error(`Euler: timestep ${timestep} is not in the schedule`);
    return matches[matches.length > 1 ? 1 : 0];
  }
}
