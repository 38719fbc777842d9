/**
 * DDIM (Song et al. 2020, "Denoising Diffusion Implicit Models"), as diffusers' DDIMScheduler computes it.
 * Scalars are rounded to float32 where diffusers holds them in float32 tensors.
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
import { checkInferenceSteps, checkSameShape, spacedTimesteps } from './timesteps.js';
import { addNoiseVp } from './predictions.js';

export interface DDIMConfig extends BaseSchedulerConfig {
  clipSample: boolean;
  clipSampleRange: number;
  setAlphaToOne: boolean;
  thresholding: boolean;
}

export const ddimDefaults: DDIMConfig = {
  ...baseDefaults,
  timestepSpacing: 'leading',
  clipSample: true,
  clipSampleRange: 1,
  setAlphaToOne: true,
  thresholding: false,
};

const f = Math.fround;

export class DDIMScheduler implements Scheduler {
  readonly name = 'ddim';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  readonly config: DDIMConfig;
  readonly alphasCumprod: Float32Array;
  /** alpha_cumprod "before" timestep 0, used by the last step. */
  readonly finalAlphaCumprod: number;
  private _timesteps: number[];
  private _numInferenceSteps: number | null = null;

  constructor(rawConfig: RawSchedulerConfig = {}) {
    this.config = readConfig(rawConfig, ddimDefaults);
    const c = this.config;
    checkOneOf('prediction_type', c.predictionType, ['epsilon', 'v_prediction', 'sample']);
    checkOneOf('timestep_spacing', c.timestepSpacing, ['leading', 'trailing', 'linspace']);
    if (c.thresholding) {
      throw new Error('scheduler config: DDIM dynamic thresholding ("thresholding": true) is not supported');
    }
    this.alphasCumprod = alphasCumprod(makeBetas(c));
    this.finalAlphaCumprod = c.setAlphaToOne ? 1 : this.alphasCumprod[0];
    const all = Array.from({ length: c.numTrainTimesteps }, (_, i) => c.numTrainTimesteps - 1 - i);
    this._timesteps = Object.freeze(all) as number[];
  }

  get timesteps(): number[] {
    return this._timesteps;
  }

  get numInferenceSteps(): number | null {
    return this._numInferenceSteps;
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    checkInferenceSteps(numInferenceSteps, c.numTrainTimesteps);
    const steps = spacedTimesteps(c.timestepSpacing, c.numTrainTimesteps, numInferenceSteps, c.stepsOffset, true);
    this._timesteps = Object.freeze(steps) as number[];
    this._numInferenceSteps = numInferenceSteps;
  }

  scaleModelInput(sample: FloatTensor): FloatTensor {
    return sample;
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    const n = this._numInferenceSteps;
    if (n === null) throw new Error('DDIM: call setTimesteps() before step()');
    checkSameShape(modelOutput, sample, 'DDIM step');
    const c = this.config;
    const eta = options.eta ?? 0;
    // diffusers steps back by T // n whatever the spacing.
    const prevTimestep = timestep - Math.floor(c.numTrainTimesteps / n);
    const alphaProdT = this.alphaAt(timestep);
    const alphaProdPrev = prevTimestep >= 0 ? this.alphaAt(prevTimestep) : this.finalAlphaCumprod;
    const betaProdT = f(1 - alphaProdT);
    const sqrtAlpha = f(Math.sqrt(alphaProdT));
    const sqrtBeta = f(Math.sqrt(betaProdT));

    const count = sample.data.length;
    const x0 = new Float32Array(count);
    const eps = new Float32Array(count);
    const s = sample.data;
    const m = modelOutput.data;
    for (let i = 0; i < count; i++) {
      if (c.predictionType === 'epsilon') {
        x0[i] = f(f(s[i] - f(sqrtBeta * m[i])) / sqrtAlpha);
        eps[i] = m[i];
      } else if (c.predictionType === 'sample') {
        x0[i] = m[i];
        eps[i] = f(f(s[i] - f(sqrtAlpha * x0[i])) / sqrtBeta);
      } else {
        x0[i] = f(f(sqrtAlpha * s[i]) - f(sqrtBeta * m[i]));
        eps[i] = f(f(sqrtAlpha * m[i]) + f(sqrtBeta * s[i]));
      }
    }
    if (c.clipSample) {
      const r = c.clipSampleRange;
      for (let i = 0; i < count; i++) x0[i] = Math.min(r, Math.max(-r, x0[i]));
    }

    // sigma_t of eq. 16: eta = 0 gives deterministic DDIM.
    const betaProdPrev = f(1 - alphaProdPrev);
    const variance = f(f(betaProdPrev / betaProdT) * f(1 - f(alphaProdT / alphaProdPrev)));
    const stdDev = f(eta * f(Math.sqrt(variance)));
    if (options.useClippedModelOutput) {
      for (let i = 0; i < count; i++) eps[i] = f(f(s[i] - f(sqrtAlpha * x0[i])) / sqrtBeta);
    }
    const directionScale = f(Math.sqrt(f(f(1 - alphaProdPrev) - f(stdDev * stdDev))));
    const sqrtAlphaPrev = f(Math.sqrt(alphaProdPrev));
    const prev = new Float32Array(count);
    for (let i = 0; i < count; i++) prev[i] = f(f(sqrtAlphaPrev * x0[i]) + f(directionScale * eps[i]));

    if (eta > 0) {
      const noise = this.varianceNoise(sample.dims, options);
      for (let i = 0; i < count; i++) prev[i] = f(prev[i] + f(stdDev * noise[i]));
    }
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }

  addNoise(original: FloatTensor, noise: FloatTensor, timesteps: number | readonly number[]): FloatTensor {
    return addNoiseVp(this.alphasCumprod, original, noise, timesteps, 'DDIM');
  }

  private alphaAt(timestep: number): number {
    if (!Number.isInteger(timestep) || timestep < 0 || timestep >= this.alphasCumprod.length) {
      throw new RangeError(`DDIM: timestep must be an integer from 0 to ${this.alphasCumprod.length - 1}, got ${timestep}`);
    }
    return this.alphasCumprod[timestep];
  }

  private varianceNoise(dims: number[], options: StepOptions): Float32Array {
    if (options.varianceNoise) {
      if (options.varianceNoise.data.length !== dims.reduce((a, b) => a * b, 1)) {
        throw new Error('DDIM step: varianceNoise has the wrong shape');
      }
      return options.varianceNoise.data;
    }
    if (!options.generator) throw new Error('DDIM step: eta > 0 needs a generator (or varianceNoise)');
    return options.generator.randn(dims);
  }
}
