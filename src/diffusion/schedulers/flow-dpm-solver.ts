/**
 * DPM-Solver++ 2M (Lu et al. 2022) on the sigmas of a flow-matching model. The flow latents
 * x = (1 - sigma) x0 + sigma noise are a diffusion with alpha = 1 - sigma, so the solver runs in its half log-SNR
 * lambda = log((1 - sigma) / sigma) on the data prediction x0 = x - sigma v, with h = lambda_next - lambda:
 *
 *   x_next = (sigma_next / sigma) x + alpha_next (1 - e^-h) (D0 + D1 / 2),   D1 = (D0 - D0_prev) h / h_prev
 *
 * (the midpoint form of diffusers' DPMSolverMultistepScheduler). What it is equal to:
 * - without D1 (the first step, one after an img2img start, and the step to sigma 0) it is exactly the flow Euler
 *   step x + (sigma_next - sigma) v, since (sigma_next / sigma) + alpha_next (1 - e^-h) = 1 when alpha = 1 - sigma;
 * - with D1 it is diffusers' DPMSolverMultistepScheduler(algorithm_type "dpmsolver++", solver_order 2,
 *   solver_type "midpoint", prediction_type "flow_prediction") given these sigmas, and ComfyUI's dpmpp_2m_sde
 *   with eta 0 on a flow model (ComfyUI nudges a first sigma of 1 down by 1e-4 there; ComfyUI's plain dpmpp_2m
 *   uses lambda = -log sigma instead, which treats the flow latents as x0 + sigma noise);
 * - a first sigma of 1 has lambda = -infinity, so the step after it gets D1 = 0: the limit, taken exactly.
 */
import type { FloatTensor } from '../tensor.js';
import { FlowMatchEulerDiscreteScheduler, predictX0 } from './flow-match-euler.js';
import type { RawSchedulerConfig, SetTimestepsOptions, StepResult } from './types.js';

const f = Math.fround;

/** log(alpha / sigma) with alpha = 1 - sigma: -Infinity at sigma 1, Infinity at sigma 0. */
function halfLogSnr(sigma: number): number {
  return Math.log(1 - sigma) - Math.log(sigma);
}

export class FlowDPMSolverMultistepScheduler extends FlowMatchEulerDiscreteScheduler {
  /** The previous step's data prediction and lambda, for D1. */
  private previous: { x0: Float32Array; lambda: number } | null = null;

  constructor(rawConfig: RawSchedulerConfig = {}, name = 'dpmpp_2m') {
    super(rawConfig, name);
    if (this.config.stochasticSampling || this.config.invertSigmas) {
      throw new Error('scheduler config: flow DPM++ 2M supports neither stochastic_sampling nor invert_sigmas');
    }
  }

  override setTimesteps(numInferenceSteps: number, options: SetTimestepsOptions = {}): void {
    super.setTimesteps(numInferenceSteps, options);
    this.previous = null;
  }

  override step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor): StepResult {
    const i = this.beginStep(modelOutput, timestep, sample, 'flow DPM++ 2M');
    const sigma = this.sigmas[i]!;
    const sigmaNext = this.sigmas[i + 1]!;
    const x = sample.data;
    const x0 = predictX0(modelOutput.data, x, sigma);
    const lambda = halfLogSnr(sigma);
    const h = halfLogSnr(sigmaNext) - lambda;
    const ratio = f(sigmaNext / sigma);
    const drive = f((1 - sigmaNext) * -Math.expm1(-h)); // alpha_next (1 - e^-h)
    const prev = new Float32Array(x.length);
    if (this.previous === null || sigmaNext === 0) {
      for (let k = 0; k < x.length; k++) prev[k] = f(f(ratio * x[k]!) + f(drive * x0[k]!));
    } else {
      // D1 / 2 = (D0 - D0_prev) h / (2 h_prev); h_prev is infinite after a first sigma of 1, making it 0.
      const half = f(h / (2 * (lambda - this.previous.lambda)));
      const older = this.previous.x0;
      for (let k = 0; k < x.length; k++) {
        const d = f(x0[k]! + f(half * f(x0[k]! - older[k]!)));
        prev[k] = f(f(ratio * x[k]!) + f(drive * d));
      }
    }
    this.previous = { x0, lambda };
    this.stepIndex = i + 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }
}
