/**
 * Latent Consistency Model sampling (Luo et al. 2023), as diffusers' LCMScheduler computes it: each step maps
 * the sample straight to a denoised estimate through the consistency boundary condition, then (except at the
 * last step) re-noises it to the next timestep with fresh noise from the generator. For LCM-distilled models,
 * which need only 2-8 steps.
 * Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { AlphaScheduler, clipSample } from './alpha-scheduler.js';
import { predictX0FromAlpha } from './predictions.js';
import { checkSameShape, linspace } from './timesteps.js';
import { baseDefaults, type BaseSchedulerConfig, type RawSchedulerConfig, type StepOptions, type StepResult } from './types.js';

export interface LCMConfig extends BaseSchedulerConfig {
  originalInferenceSteps: number;
  timestepScaling: number;
  setAlphaToOne: boolean;
  clipSample: boolean;
  clipSampleRange: number;
}

export const lcmDefaults: LCMConfig = {
  ...baseDefaults,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  timestepSpacing: 'leading',
  originalInferenceSteps: 50,
  timestepScaling: 10,
  setAlphaToOne: true,
  clipSample: false,
  clipSampleRange: 1,
};

const f = Math.fround;
const SIGMA_DATA = 0.5;

export class LCMScheduler extends AlphaScheduler<LCMConfig> {
  readonly name = 'lcm';
  private stepIndex: number | null = null;

  constructor(rawConfig: RawSchedulerConfig = {}) {
    super(rawConfig, lcmDefaults, { label: 'LCM' });
  }

  /** Evenly chosen among the distillation schedule's timesteps (k-1, 2k-1, ..., T-1 with k = T / original steps). */
  override setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    const original = c.originalInferenceSteps;
    if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1 || numInferenceSteps > original) {
      throw new RangeError(`LCM takes 1 to original_inference_steps (${original}) steps, got ${numInferenceSteps}`);
    }
    const k = Math.floor(c.numTrainTimesteps / original);
    const origin = Array.from({ length: original }, (_, i) => (i + 1) * k - 1).reverse();
    const indices = linspace(0, original, numInferenceSteps + 1).slice(0, -1).map(Math.floor);
    this._timesteps = Object.freeze(indices.map((i) => origin[i]!)) as number[];
    this._numInferenceSteps = numInferenceSteps;
    this.stepIndex = null;
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    this.requireSteps();
    checkSameShape(modelOutput, sample, 'LCM step');
    if (this.stepIndex === null) this.stepIndex = Math.max(0, this._timesteps.indexOf(timestep));
    const c = this.config;
    const next = this.stepIndex + 1;
    const prevTimestep = next < this._timesteps.length ? this._timesteps[next]! : timestep;
    const alphaT = this.alphasCumprod[timestep]!;
    const alphaPrev = this.alphaBefore(prevTimestep);

    // Consistency boundary condition: c_skip -> 1 and c_out -> 0 as t -> 0.
    const scaled = timestep * c.timestepScaling;
    const cSkip = f((SIGMA_DATA * SIGMA_DATA) / (scaled * scaled + SIGMA_DATA * SIGMA_DATA));
    const cOut = f(scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA));

    const count = sample.data.length;
    const s = sample.data;
    const m = modelOutput.data;
    const x0 = predictX0FromAlpha(c.predictionType, m, s, alphaT);
    if (c.clipSample) clipSample(x0, c.clipSampleRange);

    const denoised = new Float32Array(count);
    for (let i = 0; i < count; i++) denoised[i] = f(f(cOut * x0[i]!) + f(cSkip * s[i]!));

    let prev = denoised;
    if (this.stepIndex !== this._timesteps.length - 1) {
      if (!options.generator) throw new Error('LCM step: multi-step sampling needs a generator for its noise');
      const noise = options.generator.randn(sample.dims);
      const a = f(Math.sqrt(alphaPrev));
      const b = f(Math.sqrt(f(1 - alphaPrev)));
      prev = new Float32Array(count);
      for (let i = 0; i < count; i++) prev[i] = f(f(a * denoised[i]!) + f(b * noise[i]!));
    }
    this.stepIndex += 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: denoised, dims: [...sample.dims] } };
  }
}
