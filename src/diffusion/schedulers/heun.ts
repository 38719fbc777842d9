/**
 * Heun's method (Karras et al. 2022, algorithm 1), as diffusers' HeunDiscreteScheduler computes it: each step
 * is an Euler predictor plus a corrector that averages the derivatives at both ends, so every sigma after the
 * first appears twice in `timesteps` and the model runs about twice per step. Same sigmas and input scaling as
 * Euler. Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { EulerDiscreteScheduler } from './euler.js';
import { checkSameShape } from './timesteps.js';
import type { RawSchedulerConfig, StepResult } from './types.js';
import { predictX0FromSigma } from './predictions.js';

const f = Math.fround;

export class HeunDiscreteScheduler extends EulerDiscreteScheduler {
  override readonly name: string = 'heun';
  override readonly order: number = 2;
  /** Set between the predictor and the corrector half of a step. */
  private pending: { derivative: Float32Array; dt: number; sample: Float32Array } | null = null;

  constructor(rawConfig: RawSchedulerConfig = {}) {
    super(rawConfig);
  }

  override setTimesteps(numInferenceSteps: number): void {
    super.setTimesteps(numInferenceSteps);
    // [s0, s1, s1, s2, s2, ..., 0]: each inner sigma is visited by a corrector and then a predictor.
    const sigmas = [...this.sigmas];
    this.sigmas = Float32Array.from([sigmas[0]!, ...sigmas.slice(1, -1).flatMap((s) => [s, s]), sigmas[sigmas.length - 1]!]);
    const timesteps = this._timesteps;
    this._timesteps = Object.freeze([timesteps[0]!, ...timesteps.slice(1).flatMap((t) => [t, t])]) as number[];
    this.pending = null;
  }

  override step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor): StepResult {
    if (this.numInferenceSteps === null) throw new Error('Heun: call setTimesteps() before step()');
    checkSameShape(modelOutput, sample, 'Heun step');
    if (this.stepIndex === null) this.stepIndex = this.initialStepIndex(timestep);
    const firstOrder = this.pending === null;
    const sigma = firstOrder ? this.sigmas[this.stepIndex]! : this.sigmas[this.stepIndex - 1]!;
    const sigmaNext = firstOrder ? this.sigmas[this.stepIndex + 1]! : this.sigmas[this.stepIndex]!;
    const sigmaInput = firstOrder ? sigma : sigmaNext;
    const count = sample.data.length;
    const x = sample.data;
    const m = modelOutput.data;

    const x0 = predictX0FromSigma(this.config.predictionType, m, x, sigmaInput);

    const derivative = new Float32Array(count);
    let base: Float32Array;
    let dt: number;
    if (this.pending === null) {
      for (let i = 0; i < count; i++) derivative[i] = f(f(x[i]! - x0[i]!) / sigma);
      dt = f(sigmaNext - sigma);
      base = x;
      this.pending = { derivative, dt, sample: x };
    } else {
      const previous = this.pending;
      for (let i = 0; i < count; i++) derivative[i] = f(f(previous.derivative[i]! + f(f(x[i]! - x0[i]!) / sigmaNext)) / 2);
      dt = previous.dt;
      base = previous.sample;
      this.pending = null;
    }
    const prev = new Float32Array(count);
    for (let i = 0; i < count; i++) prev[i] = f(base[i]! + f(derivative[i]! * dt));
    this.stepIndex += 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }
}
