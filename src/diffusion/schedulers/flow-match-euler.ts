/**
 * Euler's method on a flow-matching ODE (SD3, FLUX), as diffusers' FlowMatchEulerDiscreteScheduler computes it:
 * the model predicts the velocity v = dx/dsigma, so a step is x + (sigma_next - sigma) v. The model sees the
 * latents unscaled and starts from unit noise. Also the base of the other flow samplers, which share its
 * schedule, step index and noising. Scalars are rounded to float32 where diffusers holds them in float32 tensors.
 */
import type { FloatTensor } from '../tensor.js';
import { flowMatchDefaults, flowSchedule, flowShiftMu, trainingFlowSigmas, type FlowMatchConfig } from './flow-sigmas.js';
import { checkInferenceSteps, checkSameShape, perBatch } from './timesteps.js';
import {
  checkOneOf,
  readConfig,
  type RawSchedulerConfig,
  type Scheduler,
  type SetTimestepsOptions,
  type StepOptions,
  type StepResult,
} from './types.js';

const f = Math.fround;

export class FlowMatchEulerDiscreteScheduler implements Scheduler {
  readonly name: string;
  readonly order: number = 1;
  readonly initNoiseSigma = 1;
  readonly config: FlowMatchConfig;
  private readonly trainingSigmas: Float32Array;
  protected sigmas: Float32Array;
  protected _timesteps: number[];
  private _numInferenceSteps: number | null = null;
  protected stepIndex: number | null = null;
  private beginIndex: number | null = null;

  constructor(rawConfig: RawSchedulerConfig = {}, name = 'euler') {
    this.name = name;
    this.config = readConfig(rawConfig, flowMatchDefaults);
    const c = this.config;
    checkOneOf('time_shift_type', c.timeShiftType, ['exponential', 'linear']);
    const unsupported = { use_karras_sigmas: c.useKarrasSigmas, use_exponential_sigmas: c.useExponentialSigmas, use_beta_sigmas: c.useBetaSigmas };
    for (const [key, on] of Object.entries(unsupported)) {
      if (on) throw new Error(`scheduler config: ${key} is not supported for flow-matching models`);
    }
    this.trainingSigmas = trainingFlowSigmas(c);
    // Before setTimesteps, diffusers exposes the training schedule.
    this.sigmas = Float32Array.from([...this.trainingSigmas, 0]);
    this._timesteps = Object.freeze(Array.from(this.trainingSigmas, (s) => f(s * c.numTrainTimesteps))) as number[];
  }

  get timesteps(): number[] {
    return this._timesteps;
  }

  get numInferenceSteps(): number | null {
    return this._numInferenceSteps;
  }

  /** The sigma of each timestep, then the final one (0): read-only for callers such as previews. */
  get sigmaSchedule(): readonly number[] {
    return Array.from(this.sigmas);
  }

  setTimesteps(numInferenceSteps: number, options: SetTimestepsOptions = {}): void {
    const c = this.config;
    checkInferenceSteps(numInferenceSteps, c.numTrainTimesteps);
    if (options.sigmas && options.sigmas.length !== numInferenceSteps) {
      throw new Error(`flow scheduler: ${options.sigmas.length} sigmas given for ${numInferenceSteps} steps`);
    }
    const mu = options.mu ?? (options.imageSeqLen === undefined ? undefined : flowShiftMu(options.imageSeqLen, c));
    const schedule = flowSchedule(c, numInferenceSteps, this.trainingSigmas, { mu, base: options.sigmas });
    this.sigmas = schedule.sigmas;
    this._timesteps = Object.freeze(schedule.timesteps) as number[];
    this._numInferenceSteps = numInferenceSteps;
    this.stepIndex = null;
    this.beginIndex = null;
  }

  setBeginIndex(beginIndex: number): void {
    this.beginIndex = beginIndex;
  }

  /** Flow models take the latents as they are. */
  scaleModelInput(sample: FloatTensor, _timestep: number): FloatTensor {
    return sample;
  }

  step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    const i = this.beginStep(modelOutput, timestep, sample, 'FlowMatch Euler');
    const sigma = this.sigmas[i]!;
    const sigmaNext = this.sigmas[i + 1]!;
    const x0 = predictX0(modelOutput.data, sample.data, sigma);
    const count = sample.data.length;
    const prev = new Float32Array(count);
    if (this.config.stochasticSampling) {
      // Jump to the predicted x0, then noise it afresh to the next sigma.
      if (!options.generator) throw new Error('FlowMatch Euler: stochastic_sampling needs a generator');
      const noise = options.generator.randn(sample.dims);
      const keep = f(1 - sigmaNext);
      for (let k = 0; k < count; k++) prev[k] = f(f(keep * x0[k]!) + f(sigmaNext * noise[k]!));
    } else {
      const dt = f(sigmaNext - sigma);
      const v = modelOutput.data;
      const x = sample.data;
      for (let k = 0; k < count; k++) prev[k] = f(x[k]! + f(dt * v[k]!));
    }
    this.stepIndex = i + 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }

  /** img2img's start (diffusers scale_noise): (1 - sigma) x + sigma noise at the timestep's sigma. */
  addNoise(original: FloatTensor, noise: FloatTensor, timesteps: number | readonly number[]): FloatTensor {
    checkSameShape(original, noise, 'flow addNoise');
    const list = perBatch(typeof timesteps === 'number' ? [timesteps] : timesteps, original.dims, 'flow addNoise');
    // As diffusers: look the timesteps up, unless img2img fixed the start (beginIndex) or denoising has begun.
    const indices = list.map((t) => (this.beginIndex === null ? this.indexForTimestep(t) : this.stepIndex ?? this.beginIndex));
    const out = new Float32Array(original.data.length);
    const perEntry = out.length / list.length;
    indices.forEach((index, b) => {
      const sigma = this.sigmas[index]!;
      const keep = f(1 - sigma);
      for (let k = b * perEntry; k < (b + 1) * perEntry; k++) out[k] = f(f(sigma * noise.data[k]!) + f(keep * original.data[k]!));
    });
    return { data: out, dims: [...original.dims] };
  }

  /** Checks a step's inputs and returns its index in the schedule (found from the timestep on the first step). */
  protected beginStep(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, what: string): number {
    if (this._numInferenceSteps === null) throw new Error(`${what}: call setTimesteps() before step()`);
    checkSameShape(modelOutput, sample, `${what} step`);
    if (this.stepIndex === null) this.stepIndex = this.beginIndex ?? this.indexForTimestep(timestep);
    return this.stepIndex;
  }

  /** Index of `timestep` in the schedule; a repeated timestep maps to its second occurrence, as in diffusers. */
  private indexForTimestep(timestep: number): number {
    const matches = this._timesteps.flatMap((t, i) => (t === f(timestep) ? [i] : []));
    if (matches.length === 0) throw new Error(`flow scheduler: timestep ${timestep} is not in the schedule`);
    return matches[matches.length > 1 ? 1 : 0]!;
  }
}

/** The clean latents a velocity implies: x0 = x - sigma v (float32, as diffusers' `sample - sigma * model_output`). */
export function predictX0(velocity: Float32Array, sample: Float32Array, sigma: number): Float32Array {
  const x0 = new Float32Array(sample.length);
  for (let k = 0; k < x0.length; k++) x0[k] = f(sample[k]! - f(sigma * velocity[k]!));
  return x0;
}
