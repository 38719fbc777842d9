/**
 * Heun's method on a flow-matching ODE, as diffusers' FlowMatchHeunDiscreteScheduler computes it: each step is
 * an Euler predictor to the next sigma plus a corrector that averages the slopes at both ends, so every sigma
 * after the first appears twice in `timesteps` (the model runs about twice per step). The step to sigma 0 stays
 * a plain Euler step. Same sigmas as FlowMatch Euler; diffusers' Heun class knows only the static `shift`, and
 * this one also takes FLUX's dynamic shifting (the same schedule Euler uses). Scalars are rounded to float32 where
 * diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { FlowMatchEulerDiscreteScheduler, predictX0 } from './flow-match-euler.js';
import type { RawSchedulerConfig, SetTimestepsOptions, StepOptions, StepResult } from './types.js';

const f = Math.fround;

export class FlowMatchHeunDiscreteScheduler extends FlowMatchEulerDiscreteScheduler {
  override readonly order: number = 2;
  /** Set between the predictor and the corrector half of a step. */
  private pending: { slope: Float32Array; dt: number; sample: Float32Array } | null = null;

  constructor(rawConfig: RawSchedulerConfig = {}, name = 'heun') {
    super(rawConfig, name);
    if (this.config.stochasticSampling || this.config.invertSigmas) {
      throw new Error('scheduler config: FlowMatch Heun supports neither stochastic_sampling nor invert_sigmas');
    }
  }

  override setTimesteps(numInferenceSteps: number, options: SetTimestepsOptions = {}): void {
    super.setTimesteps(numInferenceSteps, options);
    // [s0, s1, s1, s2, s2, ..., 0]: each inner sigma is visited by a corrector and then a predictor.
    const sigmas = [...this.sigmas];
    this.sigmas = Float32Array.from([sigmas[0]!, ...sigmas.slice(1, -1).flatMap((s) => [s, s]), sigmas[sigmas.length - 1]!]);
    const timesteps = this._timesteps;
    this._timesteps = Object.freeze([timesteps[0]!, ...timesteps.slice(1).flatMap((t) => [t, t])]) as number[];
    this.pending = null;
  }

  override step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    if ((options.sChurn ?? 0) > 0) throw new Error('FlowMatch Heun: sChurn is not supported');
    const i = this.beginStep(modelOutput, timestep, sample, 'FlowMatch Heun');
    const x = sample.data;
    const count = x.length;
    const previous = this.pending;
    // A predictor runs from sigmas[i] to sigmas[i + 1]; the corrector after it sees the model at sigmas[i + 1].
    const sigma = this.sigmas[i]!;
    const x0 = predictX0(modelOutput.data, x, sigma);
    // The slope as diffusers writes it, (x - x0) / sigma: the velocity, up to float32 rounding.
    const slope = new Float32Array(count);
    for (let k = 0; k < count; k++) slope[k] = f(f(x[k]! - x0[k]!) / sigma);

    let base: Float32Array;
    let dt: number;
    if (previous === null) {
      dt = f(this.sigmas[i + 1]! - sigma);
      base = x;
      this.pending = { slope, dt, sample: x };
    } else {
      for (let k = 0; k < count; k++) slope[k] = f(0.5 * f(previous.slope[k]! + slope[k]!));
      dt = previous.dt;
      base = previous.sample;
      this.pending = null;
    }
    const prev = new Float32Array(count);
    for (let k = 0; k < count; k++) prev[k] = f(base[k]! + f(slope[k]! * dt));
    this.stepIndex = i + 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }
}
