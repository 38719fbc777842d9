/**
 * PNDM (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on Manifolds"), as diffusers'
 * PNDMScheduler computes it: Runge-Kutta warm-up steps (unless skip_prk_steps, as Stable Diffusion's config
 * sets), then linear multistep (PLMS) over the last four noise predictions. The scheduler SD 1.x ships with.
 * Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { AlphaScheduler } from './alpha-scheduler.js';
import { checkInferenceSteps, checkSameShape, linspace, roundHalfEven } from './timesteps.js';
import { baseDefaults, type BaseSchedulerConfig, type RawSchedulerConfig, type StepResult } from './types.js';

export interface PNDMConfig extends BaseSchedulerConfig {
  skipPrkSteps: boolean;
  setAlphaToOne: boolean;
}

export const pndmDefaults: PNDMConfig = {
  ...baseDefaults,
  timestepSpacing: 'leading',
  skipPrkSteps: false,
  setAlphaToOne: false,
};

const f = Math.fround;
const PNDM_ORDER = 4;

/** out = sum of weights[i] * tensors[i], each product and sum rounded to float32 as torch does. */
function combine(tensors: Float32Array[], weights: number[]): Float32Array {
  const out = new Float32Array(tensors[0]!.length);
  for (let k = 0; k < out.length; k++) {
    let acc = f(weights[0]! * tensors[0]![k]!);
    for (let i = 1; i < tensors.length; i++) acc = f(acc + f(weights[i]! * tensors[i]![k]!));
    out[k] = acc;
  }
  return out;
}

export class PNDMScheduler extends AlphaScheduler<PNDMConfig> {
  readonly name = 'pndm';
  private prkTimesteps: number[] = [];
  // Multistep state, reset by setTimesteps.
  private counter = 0;
  private ets: Float32Array[] = [];
  private curSample: Float32Array | null = null;
  private curModelOutput: Float32Array | null = null;

  constructor(rawConfig: RawSchedulerConfig = {}) {
    super(rawConfig, pndmDefaults, { label: 'PNDM', predictionTypes: ['epsilon', 'v_prediction'], checkSpacing: true });
  }

  override setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    checkInferenceSteps(numInferenceSteps, c.numTrainTimesteps);
    const T = c.numTrainTimesteps;
    let base: number[];
    if (c.timestepSpacing === 'linspace') base = linspace(0, T - 1, numInferenceSteps).map(roundHalfEven);
    else if (c.timestepSpacing === 'leading') {
      const ratio = Math.floor(T / numInferenceSteps);
      base = Array.from({ length: numInferenceSteps }, (_, i) => i * ratio + c.stepsOffset);
    } else {
      const ratio = T / numInferenceSteps;
      base = Array.from({ length: numInferenceSteps }, (_, i) => roundHalfEven(T - i * ratio)).reverse().map((t) => t - 1);
    }

    let plms: number[];
    if (c.skipPrkSteps) {
      // The second-to-last timestep twice: PLMS's first step needs a second evaluation at the same point.
      this.prkTimesteps = [];
      plms = [...base.slice(0, -1), ...base.slice(-2, -1), ...base.slice(-1)].reverse();
    } else {
      // Runge-Kutta warm-up over the last PNDM_ORDER base timesteps, each at t and t + half a step.
      const half = Math.floor(Math.floor(T / numInferenceSteps) / 2);
      const points = base.slice(-PNDM_ORDER).flatMap((t) => [t, t + half]);
      const doubled = points.slice(0, -1).flatMap((t) => [t, t]);
      this.prkTimesteps = doubled.slice(1, -1).reverse();
      plms = base.slice(0, -3).reverse();
    }
    this._timesteps = Object.freeze([...this.prkTimesteps, ...plms]) as number[];
    this._numInferenceSteps = numInferenceSteps;
    this.counter = 0;
    this.ets = [];
    this.curSample = null;
    this.curModelOutput = null;
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor): StepResult {
    this.requireSteps();
    checkSameShape(modelOutput, sample, 'PNDM step');
    const prev =
      this.counter < this.prkTimesteps.length && !this.config.skipPrkSteps
        ? this.stepPrk(modelOutput.data, timestep, sample.data)
        : this.stepPlms(modelOutput.data, timestep, sample.data);
    return { prevSample: { data: prev, dims: [...sample.dims] } };
  }

  /** Fourth-order Runge-Kutta, one model evaluation per call, four calls per step. */
  private stepPrk(model: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    const n = this._numInferenceSteps!;
    const diffToPrev = this.counter % 2 ? 0 : Math.floor(Math.floor(this.config.numTrainTimesteps / n) / 2);
    const prevTimestep = timestep - diffToPrev;
    const stageTimestep = this.prkTimesteps[Math.floor(this.counter / 4) * 4]!;
    let output = model;
    const stage = this.counter % 4;
    if (stage === 0) {
      this.curModelOutput = this.accumulate(model, 1 / 6);
      this.ets.push(model);
      this.curSample = sample;
    } else if (stage === 1 || stage === 2) {
      this.curModelOutput = this.accumulate(model, 1 / 3);
    } else {
      output = this.accumulate(model, 1 / 6);
      this.curModelOutput = null;
    }
    const prev = this.prevSample(this.curSample ?? sample, stageTimestep, prevTimestep, output);
    this.counter += 1;
    return prev;
  }

  /** curModelOutput + weight * model (curModelOutput starts at 0). */
  private accumulate(model: Float32Array, weight: number): Float32Array {
    const w = f(weight);
    const out = new Float32Array(model.length);
    const current = this.curModelOutput;
    for (let k = 0; k < out.length; k++) out[k] = current ? f(current[k]! + f(w * model[k]!)) : f(w * model[k]!);
    return out;
  }

  /** Linear multistep over the stored noise predictions (Adams-Bashforth weights). */
  private stepPlms(model: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    const T = this.config.numTrainTimesteps;
    const n = this._numInferenceSteps!;
    let prevTimestep = timestep - Math.floor(T / n);
    if (this.counter !== 1) {
      this.ets = this.ets.slice(-3);
      this.ets.push(model);
    } else {
      prevTimestep = timestep;
      timestep = timestep + Math.floor(T / n);
    }
    const e = this.ets;
    let output: Float32Array;
    let current = sample;
    if (e.length === 1 && this.counter === 0) {
      output = model;
      this.curSample = sample;
    } else if (e.length === 1 && this.counter === 1) {
      output = combine([model, e[0]!], [1, 1]).map((v) => f(v / 2));
      current = this.curSample!;
      this.curSample = null;
    } else if (e.length === 2) {
      output = combine([e[1]!, e[0]!], [3, -1]).map((v) => f(v / 2));
    } else if (e.length === 3) {
      output = combine([e[2]!, e[1]!, e[0]!], [23, -16, 5]).map((v) => f(v / 12));
    } else {
      output = combine([e[3]!, e[2]!, e[1]!, e[0]!], [55, -59, 37, -9]).map((v) => f(f(1 / 24) * v));
    }
    const prev = this.prevSample(current, timestep, prevTimestep, output);
    this.counter += 1;
    return prev;
  }

  /** Equation (9) of the PNDM paper: x_{t-delta} from x_t and the noise estimate. */
  private prevSample(sample: Float32Array, timestep: number, prevTimestep: number, model: Float32Array): Float32Array {
    const alphaT = this.alphasCumprod[timestep]!;
    const alphaPrev = this.alphaBefore(prevTimestep);
    const betaT = f(1 - alphaT);
    const betaPrev = f(1 - alphaPrev);
    let eps = model;
    if (this.config.predictionType === 'v_prediction') {
      const a = f(Math.sqrt(alphaT));
      const b = f(Math.sqrt(betaT));
      eps = combine([model, sample], [a, b]);
    }
    const sampleCoeff = f(Math.sqrt(f(alphaPrev / alphaT)));
    const denominator = f(f(alphaT * f(Math.sqrt(betaPrev))) + f(Math.sqrt(f(f(alphaT * betaT) * alphaPrev))));
    const difference = f(alphaPrev - alphaT);
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) out[k] = f(f(sampleCoeff * sample[k]!) - f(f(difference * eps[k]!) / denominator));
    return out;
  }
}
