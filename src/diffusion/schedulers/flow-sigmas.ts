/**
 * The schedule of diffusers' flow-matching schedulers (FlowMatchEulerDiscreteScheduler and the samplers built on
 * its sigmas). A flow model's latents at noise level sigma are x = (1 - sigma) x0 + sigma noise, from sigma 1
 * (pure noise) down to 0, and the model predicts the velocity dx/dsigma = noise - x0. The schedule is shifted
 * towards high noise: SD3 by a static `shift`, FLUX by an amount `mu` that grows with the image's token count.
 */
import { linspace } from './timesteps.js';

const f = Math.fround;

export interface FlowMatchConfig {
  numTrainTimesteps: number;
  shift: number;
  useDynamicShifting: boolean;
  baseShift: number;
  maxShift: number;
  baseImageSeqLen: number;
  maxImageSeqLen: number;
  /** Mochi: sigmas become 1 - sigma (the timesteps follow), ending at 1. */
  invertSigmas: boolean;
  /** LTX-Video: stretch the shifted schedule so that its last sigma is this value. */
  shiftTerminal: number | null;
  timeShiftType: 'exponential' | 'linear';
  /** Each step re-noises the predicted x0 with fresh noise instead of following the ODE. */
  stochasticSampling: boolean;
  // Read only to refuse them: these alternative spacings are not implemented.
  useKarrasSigmas: boolean;
  useExponentialSigmas: boolean;
  useBetaSigmas: boolean;
}

/** diffusers' defaults; a model's scheduler_config.json sets shift (SD3 3.0) or use_dynamic_shifting (FLUX). */
export const flowMatchDefaults: FlowMatchConfig = {
  numTrainTimesteps: 1000,
  shift: 1.0,
  useDynamicShifting: false,
  baseShift: 0.5,
  maxShift: 1.15,
  baseImageSeqLen: 256,
  maxImageSeqLen: 4096,
  invertSigmas: false,
  shiftTerminal: null,
  timeShiftType: 'exponential',
  stochasticSampling: false,
  useKarrasSigmas: false,
  useExponentialSigmas: false,
  useBetaSigmas: false,
};

type ShiftLine = Pick<FlowMatchConfig, 'baseShift' | 'maxShift' | 'baseImageSeqLen' | 'maxImageSeqLen'>;

/**
 * FLUX's resolution-dependent shift (diffusers' calculate_shift): the straight line through (base_image_seq_len,
 * base_shift) and (max_image_seq_len, max_shift), read at `imageSeqLen` (beyond the ends too). The sequence length
 * is the transformer's image token count: FLUX packs 2x2 latent pixels into one token, so a 64x64 latent (a
 * 512x512 image) has (64 / 2) * (64 / 2) = 1024 tokens.
 */
export function flowShiftMu(imageSeqLen: number, config: Partial<ShiftLine> = {}): number {
  const c = { ...flowMatchDefaults, ...config };
  const slope = (c.maxShift - c.baseShift) / (c.maxImageSeqLen - c.baseImageSeqLen);
  const intercept = c.baseShift - slope * c.baseImageSeqLen;
  return imageSeqLen * slope + intercept;
}

/** SD3's static shift: sigma' = shift sigma / (1 + (shift - 1) sigma). */
function staticShift(shift: number, sigma: number): number {
  return (shift * sigma) / (1 + (shift - 1) * sigma);
}

/** FLUX's time shift with exponent 1: e^mu / (e^mu + (1/sigma - 1)) ("linear": mu in place of e^mu). */
function timeShift(type: FlowMatchConfig['timeShiftType'], mu: number, sigma: number): number {
  const scale = type === 'exponential' ? Math.exp(mu) : mu;
  return scale / (scale + (1 / sigma - 1));
}

/**
 * The training schedule's sigmas t / T for t = T..1, shifted statically unless the shift is dynamic (then it
 * depends on the image and is applied per `setTimesteps`). diffusers computes these in float32 torch tensors.
 */
export function trainingFlowSigmas(c: FlowMatchConfig): Float32Array {
  const T = c.numTrainTimesteps;
  const shift = f(c.shift);
  return Float32Array.from({ length: T }, (_, i) => {
    const sigma = f(f(T - i) / T);
    return c.useDynamicShifting ? sigma : f(f(shift * sigma) / f(1 + f(f(shift - 1) * sigma)));
  });
}

/** FluxPipeline's own base grid, linspace(1, 1/n, n), which it hands to set_timesteps in place of the scheduler's. */
export function fluxPipelineSigmas(steps: number): number[] {
  return linspace(1, 1 / steps, steps);
}

/**
 * The first step of an img2img run at `strength` in diffusers' SD3 and FLUX pipelines (get_timesteps:
 * int(steps - steps * strength)), e.g. 11 of 28 at 0.6, where the SD pipelines' floor(steps * strength) gives 12.
 */
export function flowImg2ImgStart(steps: number, strength: number): number {
  return Math.trunc(Math.max(steps - Math.min(steps * strength, steps), 0));
}

export interface FlowSchedule {
  /** One more than the timesteps: the final sigma (0, or 1 with invert_sigmas). float32. */
  sigmas: Float32Array<ArrayBuffer>;
  /** sigma * num_train_timesteps, float32: what the model is told. */
  timesteps: number[];
}

/**
 * The schedule of set_timesteps: `base` sigmas (by default evenly spaced from the training schedule's largest to
 * its smallest sigma, which a static shift has already shifted once: diffusers shifts that end twice), shifted,
 * optionally stretched to shift_terminal, rounded to float32, then the final sigma appended. Computed in float64;
 * diffusers computes a caller's `base` in float32, which can differ in the last float32 bit.
 */
export function flowSchedule(
  c: FlowMatchConfig,
  steps: number,
  training: Float32Array,
  options: { mu?: number; base?: readonly number[] } = {},
): FlowSchedule {
  const T = c.numTrainTimesteps;
  let sigmas = options.base
    ? options.base.map((s) => f(s))
    : linspace(training[0]! * T, training[training.length - 1]! * T, steps).map((t) => t / T);
  if (c.useDynamicShifting) {
    const mu = options.mu;
    if (mu === undefined || !Number.isFinite(mu)) {
      throw new Error('flow scheduler: use_dynamic_shifting needs the image size (setTimesteps options mu or imageSeqLen)');
    }
    sigmas = sigmas.map((s) => timeShift(c.timeShiftType, mu, s));
  } else {
    sigmas = sigmas.map((s) => staticShift(c.shift, s));
  }
  if (c.shiftTerminal !== null && c.shiftTerminal !== 0) {
    const scale = (1 - sigmas[sigmas.length - 1]!) / (1 - c.shiftTerminal);
    sigmas = sigmas.map((s) => 1 - (1 - s) / scale);
  }
  let rounded = sigmas.map(f);
  if (c.invertSigmas) rounded = rounded.map((s) => f(1 - s));
  return {
    sigmas: Float32Array.from([...rounded, c.invertSigmas ? 1 : 0]),
    timesteps: rounded.map((s) => f(s * T)),
  };
}
