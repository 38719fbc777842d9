/**
 * DDIM (Song et al. 2020, "Denoising Diffusion Implicit Models"), as diffusers' DDIMScheduler computes it.
 * Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { AlphaScheduler, clippedX0Defaults, clipSample, type ClippedX0Config } from './alpha-scheduler.js';
import { checkSameShape } from './timesteps.js';
import { baseDefaults, type BaseSchedulerConfig, type RawSchedulerConfig, type StepOptions, type StepResult } from './types.js';

export interface DDIMConfig extends BaseSchedulerConfig, ClippedX0Config {
  setAlphaToOne: boolean;
}

export const ddimDefaults: DDIMConfig = {
  ...baseDefaults,
  timestepSpacing: 'leading',
  ...clippedX0Defaults,
  setAlphaToOne: true,
};

const f = Math.fround;

export class DDIMScheduler extends AlphaScheduler<DDIMConfig> {
  readonly name = 'ddim';

  constructor(rawConfig: RawSchedulerConfig = {}) {
    super(rawConfig, ddimDefaults, { label: 'DDIM', checkSpacing: true, trainingTimestepsFirst: true });
    if (this.config.thresholding) {
      throw new Error('scheduler config: DDIM dynamic thresholding ("thresholding": true) is not supported');
    }
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    const n = this.requireSteps();
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
    if (c.clipSample) clipSample(x0, c.clipSampleRange);

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
