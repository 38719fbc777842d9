/**
 * DPM-Solver++ (Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic
 * Models"), multistep, first or second order, as diffusers' DPMSolverMultistepScheduler computes it with
 * algorithm_type "dpmsolver++" (the ODE solver: AUTOMATIC1111's "DPM++ 2M", with Karras sigmas "DPM++ 2M
 * Karras") or "sde-dpmsolver++" (the SDE variant: "DPM++ 2M SDE", which adds fresh noise at every step and so
 * needs the step's generator). Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { alphaSigma, MultistepSolver, type MultistepScheduleConfig } from './multistep.js';
import { baseDefaults, checkOneOf, readConfig, type RawSchedulerConfig, type StepOptions, type StepResult } from './types.js';

export interface DPMSolverConfig extends MultistepScheduleConfig {
  solverOrder: number;
  algorithmType: string;
  solverType: 'midpoint' | 'heun';
  lowerOrderFinal: boolean;
  eulerAtFinal: boolean;
  thresholding: boolean;
}

export const dpmSolverDefaults: DPMSolverConfig = {
  ...baseDefaults,
  timestepSpacing: 'linspace',
  solverOrder: 2,
  algorithmType: 'dpmsolver++',
  solverType: 'midpoint',
  lowerOrderFinal: true,
  eulerAtFinal: false,
  useKarrasSigmas: false,
  finalSigmasType: 'zero',
  thresholding: false,
};

const f = Math.fround;

/**
 * One SDE-DPM-Solver++ step (diffusers' sde-dpmsolver++ updates):
 * x_t = (sigma_t / sigma_s) e^-h x + alpha_t (1 - e^-2h) D0 + c1 D1 + sigma_t sqrt(1 - e^-2h) noise,
 * where D1 (second order only) is the scaled difference of the last two data predictions.
 */
function sdeUpdate(
  sample: Float32Array,
  t: { alpha: number; sigma: number },
  ratio: number,
  h: number,
  d0: Float32Array,
  d1: Float32Array | null,
  c1: number,
  noise: Float32Array,
): Float32Array {
  const decay = f(Math.exp(-h));
  const sampleCoefficient = f(ratio * decay);
  const d0Coefficient = f(t.alpha * f(1 - f(Math.exp(f(-2 * h)))));
  const noiseCoefficient = f(t.sigma * f(Math.sqrt(f(1 - f(Math.exp(f(-2 * h)))))));
  const out = new Float32Array(sample.length);
  for (let k = 0; k < out.length; k++) {
    let x = f(f(sampleCoefficient * sample[k]!) + f(d0Coefficient * d0[k]!));
    if (d1) x = f(x + f(c1 * d1[k]!));
    out[k] = f(x + f(noiseCoefficient * noise[k]!));
  }
  return out;
}

export class DPMSolverMultistepScheduler extends MultistepSolver<DPMSolverConfig> {
  constructor(rawConfig: RawSchedulerConfig = {}, name = 'dpmpp_2m') {
    super(name, readConfig(rawConfig, dpmSolverDefaults), 'DPM-Solver');
    const c = this.config;
    checkOneOf('algorithm_type', c.algorithmType, ['dpmsolver++', 'sde-dpmsolver++']);
    checkOneOf('solver_type', c.solverType, ['midpoint', 'heun']);
    if (c.solverOrder !== 1 && c.solverOrder !== 2) throw new Error('scheduler config: DPM-Solver solver_order must be 1 or 2');
    if (c.thresholding) throw new Error('scheduler config: DPM-Solver dynamic thresholding is not supported');
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    const i = this.beginStep(modelOutput, timestep, sample);
    const c = this.config;
    const count = this._timesteps.length;
    const lowerOrderFinal =
      i === count - 1 && (c.eulerAtFinal || (c.lowerOrderFinal && count < 15) || c.finalSigmasType === 'zero');

    // The SDE variant draws its noise at every step, the last included, as diffusers does (same generator state).
    let noise: Float32Array | null = null;
    if (c.algorithmType === 'sde-dpmsolver++') {
      if (!options.generator) throw new Error('DPM-Solver++ SDE step needs a generator for its noise');
      noise = options.generator.randn(sample.dims);
    }
    const x0 = this.dataPrediction(modelOutput.data, sample.data, this.sigmas[i]!);
    this.modelOutputs.shift();
    this.modelOutputs.push(x0);

    const prev =
      c.solverOrder === 1 || this.lowerOrderNums < 1 || lowerOrderFinal
        ? this.firstOrderUpdate(x0, sample.data, i, noise)
        : this.secondOrderUpdate(sample.data, i, noise);
    if (this.lowerOrderNums < c.solverOrder) this.lowerOrderNums += 1;
    this.stepIndex = i + 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }

  private firstOrderUpdate(x0: Float32Array, sample: Float32Array, i: number, noise: Float32Array | null): Float32Array {
    const t = alphaSigma(this.sigmas[i + 1]!);
    const s = alphaSigma(this.sigmas[i]!);
    const h = f(t.lambda - s.lambda);
    if (noise) return sdeUpdate(sample, t, f(t.sigma / s.sigma), h, x0, null, 0, noise);
    const ratio = f(t.sigma / s.sigma);
    const coefficient = f(t.alpha * f(f(Math.exp(-h)) - 1));
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) out[k] = f(f(ratio * sample[k]!) - f(coefficient * x0[k]!));
    return out;
  }

  private secondOrderUpdate(sample: Float32Array, i: number, noise: Float32Array | null): Float32Array {
    const t = alphaSigma(this.sigmas[i + 1]!);
    const s0 = alphaSigma(this.sigmas[i]!);
    const s1 = alphaSigma(this.sigmas[i - 1]!);
    const m0 = this.modelOutputs[this.modelOutputs.length - 1]!;
    const m1 = this.modelOutputs[this.modelOutputs.length - 2]!;
    const h = f(t.lambda - s0.lambda);
    const h0 = f(s0.lambda - s1.lambda);
    const r0 = f(h0 / h);
    const ratio = f(t.sigma / s0.sigma);
    if (noise) {
      const d1 = new Float32Array(sample.length);
      for (let k = 0; k < d1.length; k++) d1[k] = f(f(1 / r0) * f(m0[k]! - m1[k]!));
      const decay = f(1 - f(Math.exp(f(-2 * h))));
      const c1 = this.config.solverType === 'midpoint' ? f(0.5 * f(t.alpha * decay)) : f(t.alpha * f(f(decay / f(-2 * h)) + 1));
      return sdeUpdate(sample, t, ratio, h, m0, d1, c1, noise);
    }
    const expTerm = f(f(Math.exp(-h)) - 1);
    const c0 = f(t.alpha * expTerm);
    // midpoint: - 0.5 * alpha_t (e^-h - 1) D1; heun: + alpha_t ((e^-h - 1) / h + 1) D1
    const c1 = this.config.solverType === 'midpoint' ? f(0.5 * c0) : f(-f(t.alpha * f(f(expTerm / h) + 1)));
    const invR0 = f(1 / r0);
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const d1 = f(invR0 * f(m0[k]! - m1[k]!));
      out[k] = f(f(f(ratio * sample[k]!) - f(c0 * m0[k]!)) - f(c1 * d1));
    }
    return out;
  }
}
