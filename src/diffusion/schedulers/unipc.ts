/**
 * UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of Diffusion
 * Models"), multistep, as diffusers' UniPCMultistepScheduler computes it: at every step the corrector UniC
 * first refines the previous step's result with the model output just computed (no extra model call), then
 * the predictor UniP takes the next step. B(h) is `bh1` (h) or `bh2` (e^h - 1, the default); the data
 * prediction form (predict_x0) is the default. Same timestep and sigma schedule as DPM-Solver++.
 */
import type { FloatTensor } from '../tensor.js';
import { alphaSigma, MultistepSolver, type MultistepScheduleConfig } from './multistep.js';
import { baseDefaults, checkOneOf, readConfig, type RawSchedulerConfig, type StepResult } from './types.js';

export interface UniPCConfig extends MultistepScheduleConfig {
  solverOrder: number;
  solverType: 'bh1' | 'bh2';
  predictX0: boolean;
  lowerOrderFinal: boolean;
  /** Step indices whose result is not corrected (diffusers `disable_corrector`); null = none. */
  disableCorrector: number[] | null;
  thresholding: boolean;
}

export const uniPCDefaults: UniPCConfig = {
  ...baseDefaults,
  timestepSpacing: 'linspace',
  solverOrder: 2,
  solverType: 'bh2',
  predictX0: true,
  lowerOrderFinal: true,
  disableCorrector: null,
  useKarrasSigmas: false,
  finalSigmasType: 'zero',
  thresholding: false,
};

const f = Math.fround;

export class UniPCMultistepScheduler extends MultistepSolver<UniPCConfig> {
  /** The sample the last predictor step started from, and that step's order: what the corrector needs. */
  private lastSample: Float32Array | null = null;
  private lastOrder = 0;

  constructor(rawConfig: RawSchedulerConfig = {}, name = 'unipc') {
    super(name, readConfig(rawConfig, uniPCDefaults), 'UniPC');
    const c = this.config;
    checkOneOf('solver_type', c.solverType, ['bh1', 'bh2']);
    if (![1, 2, 3].includes(c.solverOrder)) throw new Error('scheduler config: UniPC solver_order must be 1, 2 or 3');
    if (c.thresholding) throw new Error('scheduler config: UniPC dynamic thresholding is not supported');
  }

  override setTimesteps(numInferenceSteps: number): void {
    super.setTimesteps(numInferenceSteps);
    this.lastSample = null;
    this.lastOrder = 0;
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor): StepResult {
    const i = this.beginStep(modelOutput, timestep, sample);
    const c = this.config;

    const converted = this.convertModelOutput(modelOutput.data, sample.data, this.sigmas[i]!);
    const corrected = i > 0 && this.lastSample !== null && !(c.disableCorrector ?? []).includes(i - 1);
    const x = corrected ? this.correct(converted, this.lastSample!, i) : sample.data;

    this.modelOutputs.shift();
    this.modelOutputs.push(converted);
    const wanted = c.lowerOrderFinal ? Math.min(c.solverOrder, this._timesteps.length - i) : c.solverOrder;
    const order = Math.min(wanted, this.lowerOrderNums + 1); // warm-up: not more history than there is
    this.lastSample = x;
    this.lastOrder = order;
    const prev = this.predict(x, i, order);
    if (this.lowerOrderNums < c.solverOrder) this.lowerOrderNums += 1;
    this.stepIndex = i + 1;
    const result: StepResult = { prevSample: { data: prev, dims: [...sample.dims] } };
    if (c.predictX0) result.predOriginalSample = { data: converted, dims: [...sample.dims] };
    return result;
  }

  /** The model output in the form UniPC works on: a data (x0) prediction, or a noise prediction. */
  private convertModelOutput(model: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    if (this.config.predictX0) return this.dataPrediction(model, sample, sigma);
    const { alpha, sigma: sigmaT } = alphaSigma(sigma);
    const pt = this.config.predictionType;
    const out = new Float32Array(model.length);
    if (pt === 'epsilon') out.set(model);
    else if (pt === 'v_prediction') for (let k = 0; k < out.length; k++) out[k] = f(f(alpha * model[k]!) + f(sigmaT * sample[k]!));
    else for (let k = 0; k < out.length; k++) out[k] = f(f(sample[k]! - f(alpha * model[k]!)) / sigmaT);
    return out;
  }

  /** UniP: from x at sigmas[i] to sigmas[i + 1] with the last `order` converted outputs. */
  private predict(x: Float32Array, i: number, order: number): Float32Array {
    const history = this.history(i, i + 1, order);
    // diffusers' simplification for order 2: rho = 1/2 instead of solving the 1x1 system.
    const rhos = history.d.length === 0 ? [] : order === 2 ? [0.5] : solve(history.r.slice(0, -1).map((row) => row.slice(0, -1)), history.b.slice(0, -1));
    return this.update(x, history, rhos, null, 0);
  }

  /**
   * UniC: the step from lastSample to sigmas[i] taken again, now also with the model output at sigmas[i]; the
   * predictor's x_t only served as that model call's input.
   */
  private correct(modelT: Float32Array, lastSample: Float32Array, i: number): Float32Array {
    const order = this.lastOrder;
    const history = this.history(i - 1, i, order);
    const rhos = order === 1 ? [0.5] : solve(history.r, history.b);
    const m0 = this.modelOutputs[this.modelOutputs.length - 1]!;
    const d1t = new Float32Array(m0.length);
    for (let k = 0; k < d1t.length; k++) d1t[k] = f(modelT[k]! - m0[k]!);
    return this.update(lastSample, history, rhos.slice(0, -1), d1t, rhos[rhos.length - 1]!);
  }

  /**
   * The shared B(h) machinery from sigma index s0 to t: the scaled differences D_k of earlier outputs, the
   * Vandermonde rows R and right-hand side b whose solution gives the rho coefficients. The newest stored
   * output is m0, the one at s0 (the corrector runs before the outputs shift, the predictor after).
   */
  private history(s0Index: number, tIndex: number, order: number) {
    const t = alphaSigma(this.sigmas[tIndex]!);
    const s0 = alphaSigma(this.sigmas[s0Index]!);
    const h = f(t.lambda - s0.lambda);
    const outputs = this.modelOutputs;
    const m0 = outputs[outputs.length - 1]!;
    const rks: number[] = [];
    const d: Float32Array[] = [];
    for (let k = 1; k < order; k++) {
      const si = alphaSigma(this.sigmas[s0Index - k]!);
      const mi = outputs[outputs.length - 1 - k]!;
      const rk = f(f(si.lambda - s0.lambda) / h);
      rks.push(rk);
      const dk = new Float32Array(m0.length);
      for (let j = 0; j < dk.length; j++) dk[j] = f(f(mi[j]! - m0[j]!) / rk);
      d.push(dk);
    }
    rks.push(1);
    const hh = this.config.predictX0 ? f(-h) : h;
    const hPhi1 = f(Math.expm1(hh));
    const bH = this.config.solverType === 'bh1' ? hh : f(Math.expm1(hh));
    const r: number[][] = [];
    const b: number[] = [];
    let hPhiK = f(f(hPhi1 / hh) - 1);
    let factorial = 1;
    for (let k = 1; k <= order; k++) {
      r.push(rks.map((v) => f(v ** (k - 1))));
      b.push(f(f(hPhiK * factorial) / bH));
      factorial *= k + 1;
      hPhiK = f(f(hPhiK / hh) - f(1 / factorial));
    }
    return { t, s0, hPhi1, bH, d, r, b, m0 };
  }

  /**
   * x_t = (sigma_t / sigma_s0) x - alpha_t hphi1 m0 - alpha_t B(h) (sum rho_k D_k + rho_t D_t) for data
   * prediction; (alpha_t / alpha_s0) x - sigma_t hphi1 m0 - sigma_t B(h) (...) for noise prediction.
   */
  private update(x: Float32Array, h: ReturnType<UniPCMultistepScheduler['history']>, rhos: number[], dT: Float32Array | null, rhoT: number): Float32Array {
    const x0Form = this.config.predictX0;
    const ratio = x0Form ? f(h.t.sigma / h.s0.sigma) : f(h.t.alpha / h.s0.alpha);
    const scale = x0Form ? h.t.alpha : h.t.sigma;
    const m0Coefficient = f(scale * h.hPhi1);
    const resCoefficient = f(scale * h.bH);
    const out = new Float32Array(x.length);
    for (let k = 0; k < out.length; k++) {
      let residual = 0;
      for (let j = 0; j < rhos.length; j++) residual = f(residual + f(rhos[j]! * h.d[j]![k]!));
      if (dT) residual = f(residual + f(rhoT * dT[k]!));
      out[k] = f(f(f(ratio * x[k]!) - f(m0Coefficient * h.m0[k]!)) - f(resCoefficient * residual));
    }
    return out;
  }
}

/** Solves the small dense system A x = y (at most 3x3) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], y: number[]): number[] {
  const n = y.length;
  const m = a.map((row, i) => [...row, y[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row]![col]!) > Math.abs(m[pivot]![col]!)) pivot = row;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = m[row]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[row]![k]! -= factor * m[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = m[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= m[row]![k]! * x[k]!;
    x[row] = f(sum / m[row]![row]!);
  }
  return x;
}
