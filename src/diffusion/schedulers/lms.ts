/**
 * Linear multistep in sigma space (Karras et al. 2022 notation; k-diffusion's "LMS"), as diffusers'
 * LMSDiscreteScheduler computes it: the next sample from the last (up to four) derivatives, weighted by the
 * integrals of their Lagrange basis polynomials over [sigma_t, sigma_next]. Same sigmas, timesteps and input
 * scaling as Euler. Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { EulerDiscreteScheduler } from './euler.js';
import { checkSameShape } from './timesteps.js';
import type { RawSchedulerConfig, StepResult } from './types.js';
import { predictX0FromSigma } from './predictions.js';

const f = Math.fround;
const LMS_ORDER = 4;

/** Gauss-Legendre nodes and weights on [-1, 1]; exact for polynomials up to degree 7 (the basis has degree <= 3). */
const GAUSS_NODES = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GAUSS_WEIGHTS = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

function integrate(fn: (x: number) => number, from: number, to: number): number {
  const half = (to - from) / 2;
  const mid = (to + from) / 2;
  return GAUSS_NODES.reduce((sum, node, i) => sum + GAUSS_WEIGHTS[i]! * fn(mid + half * node), 0) * half;
}

export class LMSDiscreteScheduler extends EulerDiscreteScheduler {
  override readonly name: string = 'lms';
  /** Derivatives of the last steps, oldest first. */
  private derivatives: Float32Array[] = [];

  constructor(rawConfig: RawSchedulerConfig = {}) {
    super(rawConfig);
  }

  override setTimesteps(numInferenceSteps: number): void {
    super.setTimesteps(numInferenceSteps);
    this.derivatives = [];
  }

  override step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor): StepResult {
    if (this.numInferenceSteps === null) throw new Error('LMS: call setTimesteps() before step()');
    checkSameShape(modelOutput, sample, 'LMS step');
    if (this.stepIndex === null) this.stepIndex = this.initialStepIndex(timestep);
    const index = this.stepIndex;
    const sigma = this.sigmas[index]!;
    const count = sample.data.length;
    const x = sample.data;
    const m = modelOutput.data;

    const x0 = predictX0FromSigma(this.config.predictionType, m, x, sigma);

    const derivative = new Float32Array(count);
    for (let i = 0; i < count; i++) derivative[i] = f(f(x[i]! - x0[i]!) / sigma);
    this.derivatives.push(derivative);
    if (this.derivatives.length > LMS_ORDER) this.derivatives.shift();

    // diffusers takes min(index + 1, 4), the same in txt2img; from an img2img start (index > 0) it would weight the
    // one derivative there is with a 4th-order coefficient, so the order here is what the history holds.
    const order = Math.min(this.derivatives.length, LMS_ORDER);
    const prev = Float32Array.from(x);
    for (let current = 0; current < order; current++) {
      const coefficient = f(this.lmsCoefficient(order, index, current));
      const d = this.derivatives[this.derivatives.length - 1 - current]!;
      for (let i = 0; i < count; i++) prev[i] = f(prev[i]! + f(coefficient * d[i]!));
    }
    this.stepIndex += 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }

  /** Integral over [sigma_t, sigma_{t+1}] of the Lagrange basis polynomial of the derivative `current` steps back. */
  private lmsCoefficient(order: number, t: number, current: number): number {
    const sigmas = this.sigmas;
    const basis = (tau: number): number => {
      let product = 1;
      for (let k = 0; k < order; k++) {
        if (k === current) continue;
        product *= (tau - sigmas[t - k]!) / (sigmas[t - current]! - sigmas[t - k]!);
      }
      return product;
    };
    return integrate(basis, sigmas[t]!, sigmas[t + 1]!);
  }
}
