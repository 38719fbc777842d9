/**
 * DPM-Solver++ (Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic
 * Models"), multistep, first or second order, as diffusers' DPMSolverMultistepScheduler computes it with
 * algorithm_type "dpmsolver++". Order 2 with Karras sigmas is AUTOMATIC1111's "DPM++ 2M Karras".
 * Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { alphasCumprod, makeBetas } from './betas.js';
import { karrasSigmas, sigmaToTimestep } from './sigmas.js';
import { checkInferenceSteps, checkSameShape, linspace, perBatch, roundHalfEven } from './timesteps.js';
import {
  baseDefaults,
  checkOneOf,
  readConfig,
  type BaseSchedulerConfig,
  type RawSchedulerConfig,
  type Scheduler,
  type StepResult,
} from './types.js';

export interface DPMSolverConfig extends BaseSchedulerConfig {
  solverOrder: number;
  algorithmType: string;
  solverType: 'midpoint' | 'heun';
  lowerOrderFinal: boolean;
  eulerAtFinal: boolean;
  useKarrasSigmas: boolean;
  finalSigmasType: 'zero' | 'sigma_min';
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

/** alpha_t and sigma_t of the VP process at the given VE sigma (float32, as diffusers' tensors). */
function alphaSigma(sigma: number): { alpha: number; sigma: number; lambda: number } {
  const alpha = f(1 / f(Math.sqrt(f(f(sigma * sigma) + 1))));
  const sigmaT = f(sigma * alpha);
  return { alpha, sigma: sigmaT, lambda: f(f(Math.log(alpha)) - f(Math.log(sigmaT))) };
}

export class DPMSolverMultistepScheduler implements Scheduler {
  readonly name: string;
  readonly order = 1;
  readonly initNoiseSigma = 1;
  readonly config: DPMSolverConfig;
  readonly alphasCumprod: Float32Array;
  private readonly trainSigmas: Float32Array;
  private _timesteps: number[] = [];
  private sigmas = new Float32Array(0);
  private _numInferenceSteps: number | null = null;
  private stepIndex: number | null = null;
  /** The last `solverOrder` data predictions (x0), oldest first. */
  private modelOutputs: (Float32Array | null)[] = [];
  private lowerOrderNums = 0;

  constructor(rawConfig: RawSchedulerConfig = {}, name = 'dpmpp_2m') {
    this.name = name;
    this.config = readConfig(rawConfig, dpmSolverDefaults);
    const c = this.config;
    checkOneOf('prediction_type', c.predictionType, ['epsilon', 'v_prediction', 'sample']);
    checkOneOf('timestep_spacing', c.timestepSpacing, ['leading', 'trailing', 'linspace']);
    checkOneOf('algorithm_type', c.algorithmType, ['dpmsolver++']);
    checkOneOf('solver_type', c.solverType, ['midpoint', 'heun']);
    checkOneOf('final_sigmas_type', c.finalSigmasType, ['zero', 'sigma_min']);
    if (c.solverOrder !== 1 && c.solverOrder !== 2) throw new Error('scheduler config: DPM-Solver solver_order must be 1 or 2');
    if (c.thresholding) throw new Error('scheduler config: DPM-Solver dynamic thresholding is not supported');
    this.alphasCumprod = alphasCumprod(makeBetas(c));
    this.trainSigmas = this.alphasCumprod.map((a) => f(Math.sqrt(f(f(1 - a) / a))));
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
    const last = c.numTrainTimesteps; // lambda_min_clipped = -inf clips nothing
    let timesteps: number[];
    if (c.timestepSpacing === 'linspace') {
      timesteps = linspace(0, last - 1, numInferenceSteps + 1).map(roundHalfEven).reverse().slice(0, -1);
    } else if (c.timestepSpacing === 'leading') {
      const ratio = Math.floor(last / (numInferenceSteps + 1));
      timesteps = Array.from({ length: numInferenceSteps + 1 }, (_, i) => i * ratio).reverse().slice(0, -1).map((t) => t + c.stepsOffset);
    } else {
      const ratio = c.numTrainTimesteps / numInferenceSteps;
      timesteps = Array.from({ length: numInferenceSteps }, (_, i) => roundHalfEven(last - i * ratio) - 1);
    }

    let sigmas: number[];
    if (c.useKarrasSigmas) {
      const descending = [...this.trainSigmas].reverse();
      sigmas = karrasSigmas(descending[descending.length - 1]!, descending[0]!, numInferenceSteps);
      const logSigmas = this.trainSigmas.map((s) => f(Math.log(s)));
      timesteps = sigmas.map((s) => roundHalfEven(sigmaToTimestep(s, logSigmas)));
      sigmas.push(c.finalSigmasType === 'sigma_min' ? sigmas[sigmas.length - 1]! : 0);
    } else {
      sigmas = timesteps.map((t) => this.trainSigmas[t]!); // integer timesteps: np.interp is a lookup
      sigmas.push(c.finalSigmasType === 'sigma_min' ? this.trainSigmas[0]! : 0);
    }
    this.sigmas = Float32Array.from(sigmas);
    this._timesteps = Object.freeze(timesteps) as number[];
    this._numInferenceSteps = timesteps.length;
    this.modelOutputs = Array.from({ length: c.solverOrder }, () => null);
    this.lowerOrderNums = 0;
    this.stepIndex = null;
  }

  scaleModelInput(sample: FloatTensor): FloatTensor {
    return sample;
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor): StepResult {
    if (this._numInferenceSteps === null) throw new Error('DPM-Solver: call setTimesteps() before step()');
    checkSameShape(modelOutput, sample, 'DPM-Solver step');
    if (this.stepIndex === null) this.stepIndex = this.indexForTimestep(timestep);
    const c = this.config;
    const i = this.stepIndex;
    const count = this._timesteps.length;
    const lowerOrderFinal =
      i === count - 1 && (c.eulerAtFinal || (c.lowerOrderFinal && count < 15) || c.finalSigmasType === 'zero');

    const x0 = this.dataPrediction(modelOutput.data, sample.data, this.sigmas[i]!);
    this.modelOutputs.shift();
    this.modelOutputs.push(x0);

    const prev =
      c.solverOrder === 1 || this.lowerOrderNums < 1 || lowerOrderFinal
        ? this.firstOrderUpdate(x0, sample.data, i)
        : this.secondOrderUpdate(sample.data, i);
    if (this.lowerOrderNums < c.solverOrder) this.lowerOrderNums += 1;
    this.stepIndex += 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }

  addNoise(original: FloatTensor, noise: FloatTensor, timesteps: number | readonly number[]): FloatTensor {
    checkSameShape(original, noise, 'DPM-Solver addNoise');
    const list = perBatch(typeof timesteps === 'number' ? [timesteps] : timesteps, original.dims, 'DPM-Solver addNoise');
    const out = new Float32Array(original.data.length);
    const perEntry = out.length / list.length;
    list.forEach((t, b) => {
      const { alpha, sigma } = alphaSigma(this.sigmas[this.stepIndex ?? this.indexForTimestep(t)]!);
      for (let k = b * perEntry; k < (b + 1) * perEntry; k++) out[k] = f(f(alpha * original.data[k]!) + f(sigma * noise.data[k]!));
    });
    return { data: out, dims: [...original.dims] };
  }

  /** The model output as a prediction of the clean sample (DPM-Solver++ works on x0). */
  private dataPrediction(model: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    const { alpha, sigma: sigmaT } = alphaSigma(sigma);
    const x0 = new Float32Array(model.length);
    const pt = this.config.predictionType;
    if (pt === 'epsilon') for (let k = 0; k < x0.length; k++) x0[k] = f(f(sample[k]! - f(sigmaT * model[k]!)) / alpha);
    else if (pt === 'v_prediction') for (let k = 0; k < x0.length; k++) x0[k] = f(f(alpha * sample[k]!) - f(sigmaT * model[k]!));
    else x0.set(model);
    return x0;
  }

  private firstOrderUpdate(x0: Float32Array, sample: Float32Array, i: number): Float32Array {
    const t = alphaSigma(this.sigmas[i + 1]!);
    const s = alphaSigma(this.sigmas[i]!);
    const h = f(t.lambda - s.lambda);
    const ratio = f(t.sigma / s.sigma);
    const coefficient = f(t.alpha * f(f(Math.exp(-h)) - 1));
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) out[k] = f(f(ratio * sample[k]!) - f(coefficient * x0[k]!));
    return out;
  }

  private secondOrderUpdate(sample: Float32Array, i: number): Float32Array {
    const t = alphaSigma(this.sigmas[i + 1]!);
    const s0 = alphaSigma(this.sigmas[i]!);
    const s1 = alphaSigma(this.sigmas[i - 1]!);
    const m0 = this.modelOutputs[this.modelOutputs.length - 1]!;
    const m1 = this.modelOutputs[this.modelOutputs.length - 2]!;
    const h = f(t.lambda - s0.lambda);
    const h0 = f(s0.lambda - s1.lambda);
    const r0 = f(h0 / h);
    const ratio = f(t.sigma / s0.sigma);
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

  /** Index of `timestep` in the schedule; a repeated timestep maps to its second occurrence, as in diffusers. */
  private indexForTimestep(timestep: number): number {
    const matches = this._timesteps.flatMap((t, i) => (t === timestep ? [i] : []));
    if (matches.length === 0) return this._timesteps.length - 1; // diffusers falls back to the last step
    return matches[matches.length > 1 ? 1 : 0]!;
  }
}
