/**
 * DDPM ancestral sampling (Ho et al. 2020, "Denoising Diffusion Probabilistic Models"), as diffusers'
 * DDPMScheduler computes it with variance_type "fixed_small": the posterior mean of x_{t-1} given the
 * predicted x0, plus posterior-variance noise from the generator. Stochastic and slow (meant for many steps);
 * here mainly for parity and for models trained with it.
 * Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { AlphaScheduler, clippedX0Defaults, clipSample, type ClippedX0Config } from './alpha-scheduler.js';
import { predictX0FromAlpha } from './predictions.js';
import { checkSameShape } from './timesteps.js';
import { baseDefaults, checkOneOf, type BaseSchedulerConfig, type RawSchedulerConfig, type StepOptions, type StepResult } from './types.js';

export interface DDPMConfig extends BaseSchedulerConfig, ClippedX0Config {
  varianceType: string;
}

export const ddpmDefaults: DDPMConfig = {
  ...baseDefaults,
  timestepSpacing: 'leading',
  varianceType: 'fixed_small',
  ...clippedX0Defaults,
};

const f = Math.fround;

export class DDPMScheduler extends AlphaScheduler<DDPMConfig> {
  readonly name = 'ddpm';

  constructor(rawConfig: RawSchedulerConfig = {}) {
    super(rawConfig, ddpmDefaults, { label: 'DDPM', checkSpacing: true, trainingTimestepsFirst: true });
    checkOneOf('variance_type', this.config.varianceType, ['fixed_small']);
    if (this.config.thresholding) throw new Error('scheduler config: DDPM dynamic thresholding is not supported');
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    checkSameShape(modelOutput, sample, 'DDPM step');
    const c = this.config;
    const prevTimestep = this.previousTimestep(timestep);
    const alphaT = this.alphasCumprod[timestep]!;
    const alphaPrev = this.alphaBefore(prevTimestep);
    const betaT = f(1 - alphaT);
    const betaPrev = f(1 - alphaPrev);
    const currentAlpha = f(alphaT / alphaPrev);
    const currentBeta = f(1 - currentAlpha);

    const count = sample.data.length;
    const s = sample.data;
    const m = modelOutput.data;
    const x0 = predictX0FromAlpha(c.predictionType, m, s, alphaT);
    if (c.clipSample) clipSample(x0, c.clipSampleRange);

    // Posterior mean (eq. 7 of the DDPM paper).
    const x0Coeff = f(f(f(Math.sqrt(alphaPrev)) * currentBeta) / betaT);
    const sampleCoeff = f(f(f(Math.sqrt(currentAlpha)) * betaPrev) / betaT);
    const prev = new Float32Array(count);
    for (let i = 0; i < count; i++) prev[i] = f(f(x0Coeff * x0[i]!) + f(sampleCoeff * s[i]!));

    if (timestep > 0) {
      if (!options.generator) throw new Error('DDPM step needs a generator for its noise');
      const noise = options.generator.randn(sample.dims);
      const variance = Math.max(f(f(betaPrev / betaT) * currentBeta), 1e-20);
      const std = f(Math.sqrt(variance));
      for (let i = 0; i < count; i++) prev[i] = f(prev[i]! + f(std * noise[i]!));
    }
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }

  /** diffusers steps back by T // n once set_timesteps was called, else by one training step. */
  private previousTimestep(timestep: number): number {
    const n = this._numInferenceSteps;
    return n === null ? timestep - 1 : timestep - Math.floor(this.config.numTrainTimesteps / n);
  }
}
