/**
 * What diffusers' multistep solvers in log-SNR time (DPM-Solver++, UniPC) share: the timestep and sigma schedule
 * of `set_timesteps`, the VP alpha/sigma/lambda of a VE sigma, the step index of a timestep, and a base class
 * holding their common state.
 * Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { alphasCumprod, makeBetas } from './betas.js';
import { karrasSigmas, sigmaToTimestep } from './sigmas.js';
import { checkInferenceSteps, checkSameShape, linspace, perBatch, roundHalfEven } from './timesteps.js';
import { checkOneOf, type BaseSchedulerConfig, type Scheduler, type StepOptions, type StepResult } from './types.js';

const f = Math.fround;

export interface MultistepScheduleConfig extends BaseSchedulerConfig {
  useKarrasSigmas: boolean;
  finalSigmasType: 'zero' | 'sigma_min';
}

/** alpha_t, sigma_t and lambda_t = log(alpha_t / sigma_t) of the VP process at the given VE sigma. */
export function alphaSigma(sigma: number): { alpha: number; sigma: number; lambda: number } {
  const alpha = f(1 / f(Math.sqrt(f(f(sigma * sigma) + 1))));
  const sigmaT = f(sigma * alpha);
  return { alpha, sigma: sigmaT, lambda: f(f(Math.log(alpha)) - f(Math.log(sigmaT))) };
}

/**
 * Timesteps and sigmas (one more sigma than timesteps: the final one) for `steps` inference steps.
 * `trainSigmas` are the training schedule's sqrt((1 - alphabar) / alphabar), at timesteps 0, 1, ...
 */
export function multistepSchedule(
  c: MultistepScheduleConfig,
  trainSigmas: Float32Array,
  steps: number,
): { timesteps: number[]; sigmas: Float32Array<ArrayBuffer> } {
  const last = c.numTrainTimesteps; // lambda_min_clipped = -inf clips nothing
  let timesteps: number[];
  if (c.timestepSpacing === 'linspace') {
    timesteps = linspace(0, last - 1, steps + 1).map(roundHalfEven).reverse().slice(0, -1);
  } else if (c.timestepSpacing === 'leading') {
    const ratio = Math.floor(last / (steps + 1));
    timesteps = Array.from({ length: steps + 1 }, (_, i) => i * ratio).reverse().slice(0, -1).map((t) => t + c.stepsOffset);
  } else {
    const ratio = c.numTrainTimesteps / steps;
    timesteps = Array.from({ length: steps }, (_, i) => roundHalfEven(last - i * ratio) - 1);
  }

  let sigmas: number[];
  if (c.useKarrasSigmas) {
    const descending = [...trainSigmas].reverse();
    sigmas = karrasSigmas(descending[descending.length - 1]!, descending[0]!, steps);
    const logSigmas = trainSigmas.map((s) => f(Math.log(s)));
    timesteps = sigmas.map((s) => roundHalfEven(sigmaToTimestep(s, logSigmas)));
    sigmas.push(c.finalSigmasType === 'sigma_min' ? sigmas[sigmas.length - 1]! : 0);
  } else {
    sigmas = timesteps.map((t) => trainSigmas[t]!); // integer timesteps: np.interp is a lookup
    sigmas.push(c.finalSigmasType === 'sigma_min' ? trainSigmas[0]! : 0);
  }
  return { timesteps, sigmas: Float32Array.from(sigmas) };
}

/** Index of `timestep` in the schedule; a repeated timestep maps to its second occurrence, as in diffusers. */
export function indexForTimestep(timesteps: readonly number[], timestep: number): number {
  const matches = timesteps.flatMap((t, i) => (t === timestep ? [i] : []));
  if (matches.length === 0) return timesteps.length - 1; // diffusers falls back to the last step
  return matches[matches.length > 1 ? 1 : 0]!;
}

/**
 * State and methods common to the multistep solvers: the schedule, the step index, the history of converted
 * model outputs, input scaling (none) and add_noise. Subclasses implement `step`.
 */
export abstract class MultistepSolver<C extends MultistepScheduleConfig & { solverOrder: number }> implements Scheduler {
  readonly order = 1;
  readonly initNoiseSigma = 1;
  readonly alphasCumprod: Float32Array;
  protected readonly trainSigmas: Float32Array;
  protected _timesteps: number[] = [];
  protected sigmas = new Float32Array(0);
  protected _numInferenceSteps: number | null = null;
  protected stepIndex: number | null = null;
  /** img2img: where denoising starts in `timesteps` (diffusers `set_begin_index`); null = look the timestep up. */
  protected beginIndex: number | null = null;
  /** The last `solverOrder` converted model outputs, oldest first. */
  protected modelOutputs: (Float32Array | null)[] = [];
  /** How many steps have run, up to solverOrder: the warm-up of the multistep method. */
  protected lowerOrderNums = 0;

  protected constructor(
    readonly name: string,
    readonly config: C,
    /** Used in error messages, e.g. "UniPC". */
    protected readonly label: string,
  ) {
    checkOneOf('prediction_type', config.predictionType, ['epsilon', 'v_prediction', 'sample']);
    checkOneOf('timestep_spacing', config.timestepSpacing, ['leading', 'trailing', 'linspace']);
    checkOneOf('final_sigmas_type', config.finalSigmasType, ['zero', 'sigma_min']);
    this.alphasCumprod = alphasCumprod(makeBetas(config));
    this.trainSigmas = this.alphasCumprod.map((a) => f(Math.sqrt(f(f(1 - a) / a))));
  }

  abstract step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options?: StepOptions): StepResult;

  get timesteps(): number[] {
    return this._timesteps;
  }

  get numInferenceSteps(): number | null {
    return this._numInferenceSteps;
  }

  setTimesteps(numInferenceSteps: number): void {
    checkInferenceSteps(numInferenceSteps, this.config.numTrainTimesteps);
    const { timesteps, sigmas } = multistepSchedule(this.config, this.trainSigmas, numInferenceSteps);
    this.sigmas = sigmas;
    this._timesteps = Object.freeze(timesteps) as number[];
    this._numInferenceSteps = timesteps.length;
    this.modelOutputs = Array.from({ length: this.config.solverOrder }, () => null);
    this.lowerOrderNums = 0;
    this.stepIndex = null;
    this.beginIndex = null;
  }

  setBeginIndex(beginIndex: number): void {
    this.beginIndex = beginIndex;
  }

  scaleModelInput(sample: FloatTensor): FloatTensor {
    return sample;
  }

  addNoise(original: FloatTensor, noise: FloatTensor, timesteps: number | readonly number[]): FloatTensor {
    checkSameShape(original, noise, `${this.label} addNoise`);
    const list = perBatch(typeof timesteps === 'number' ? [timesteps] : timesteps, original.dims, `${this.label} addNoise`);
    const out = new Float32Array(original.data.length);
    const perEntry = out.length / list.length;
    list.forEach((t, b) => {
      const { alpha, sigma } = alphaSigma(this.sigmas[this.stepIndex ?? this.beginIndex ?? indexForTimestep(this._timesteps, t)]!);
      for (let k = b * perEntry; k < (b + 1) * perEntry; k++) out[k] = f(f(alpha * original.data[k]!) + f(sigma * noise.data[k]!));
    });
    return { data: out, dims: [...original.dims] };
  }

  /** Checks common to every step; returns the index of this step in the schedule. */
  protected beginStep(modelOutput: FloatTensor, timestep: number, sample: FloatTensor): number {
    if (this._numInferenceSteps === null) throw new Error(`${this.label}: call setTimesteps() before step()`);
    checkSameShape(modelOutput, sample, `${this.label} step`);
    if (this.stepIndex === null) this.stepIndex = this.beginIndex ?? indexForTimestep(this._timesteps, timestep);
    return this.stepIndex;
  }

  /** The model output as a prediction of the clean sample, at VE sigma `sigma`. */
  protected dataPrediction(model: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    const { alpha, sigma: sigmaT } = alphaSigma(sigma);
    const x0 = new Float32Array(model.length);
    const pt = this.config.predictionType;
    if (pt === 'epsilon') for (let k = 0; k < x0.length; k++) x0[k] = f(f(sample[k]! - f(sigmaT * model[k]!)) / alpha);
    else if (pt === 'v_prediction') for (let k = 0; k < x0.length; k++) x0[k] = f(f(alpha * sample[k]!) - f(sigmaT * model[k]!));
    else x0.set(model);
    return x0;
  }
}
