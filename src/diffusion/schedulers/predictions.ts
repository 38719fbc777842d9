/**
 * The arithmetic several schedulers share, in diffusers' float32 rounding: turning a model output into a
 * clean-sample estimate (for the variance-preserving and the sigma parameterisations) and noising a sample.
 */
import type { FloatTensor } from '../tensor.js';
import { checkSameShape, perBatch } from './timesteps.js';
import type { PredictionType } from './types.js';

const f = Math.fround;

/** x0 from a VP model output at alphabar_t (DDIM, DDPM, LCM): epsilon, v or the sample itself. */
export function predictX0FromAlpha(predictionType: PredictionType, model: Float32Array, sample: Float32Array, alphaProd: number): Float32Array {
  const sqrtAlpha = f(Math.sqrt(alphaProd));
  const sqrtBeta = f(Math.sqrt(f(1 - alphaProd)));
  const x0 = new Float32Array(model.length);
  if (predictionType === 'epsilon') for (let i = 0; i < x0.length; i++) x0[i] = f(f(sample[i]! - f(sqrtBeta * model[i]!)) / sqrtAlpha);
  else if (predictionType === 'v_prediction') for (let i = 0; i < x0.length; i++) x0[i] = f(f(sqrtAlpha * sample[i]!) - f(sqrtBeta * model[i]!));
  else x0.set(model);
  return x0;
}

/** x0 from a model output at noise level sigma, with the sample in sigma space (Euler-family schedulers). */
export function predictX0FromSigma(predictionType: PredictionType, model: Float32Array, sample: Float32Array, sigma: number): Float32Array {
  const x0 = new Float32Array(model.length);
  if (predictionType === 'epsilon') for (let i = 0; i < x0.length; i++) x0[i] = f(sample[i]! - f(sigma * model[i]!));
  else if (predictionType === 'v_prediction') {
    const vScale = f(-sigma / f(Math.sqrt(f(f(sigma * sigma) + 1))));
    const vDivisor = f(f(sigma * sigma) + 1);
    for (let i = 0; i < x0.length; i++) x0[i] = f(f(model[i]! * vScale) + f(sample[i]! / vDivisor));
  } else x0.set(model);
  return x0;
}

/** sqrt(alphabar_t) * x + sqrt(1 - alphabar_t) * noise, with one timestep for the batch or one per entry. */
export function addNoiseVp(
  alphasCumprod: Float32Array,
  original: FloatTensor,
  noise: FloatTensor,
  timesteps: number | readonly number[],
  what: string,
): FloatTensor {
  checkSameShape(original, noise, `${what} addNoise`);
  const list = perBatch(typeof timesteps === 'number' ? [timesteps] : timesteps, original.dims, `${what} addNoise`);
  const out = new Float32Array(original.data.length);
  const perEntry = out.length / list.length;
  list.forEach((t, b) => {
    if (!Number.isInteger(t) || t < 0 || t >= alphasCumprod.length) {
      throw new RangeError(`${what}: timestep must be an integer from 0 to ${alphasCumprod.length - 1}, got ${t}`);
    }
    const alpha = alphasCumprod[t]!;
    const a = f(Math.sqrt(alpha));
    const s = f(Math.sqrt(f(1 - alpha)));
    for (let k = b * perEntry; k < (b + 1) * perEntry; k++) out[k] = f(f(a * original.data[k]!) + f(s * noise.data[k]!));
  });
  return { data: out, dims: [...original.dims] };
}
