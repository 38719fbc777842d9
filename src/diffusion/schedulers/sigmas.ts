/** Sigma-space helpers shared by the sigma-based schedulers (Euler, DPM-Solver), as diffusers computes them. */
import { linspace } from './timesteps.js';

/** np.interp of the training sigmas (at timesteps 0, 1, ...) at a fractional timestep, in float64. */
export function interpolate(values: Float32Array, t: number): number {
  if (t <= 0) return values[0];
  if (t >= values.length - 1) return values[values.length - 1];
  const j = Math.floor(t);
  if (j === t) return values[j];
  return (values[j + 1] - values[j]) * (t - j) + values[j];
}

/** Karras et al. 2022, eq. 5 with rho = 7: sigmas evenly spaced in sigma^(1/rho), from max down to min. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, count: number): number[] {
  const rho = 7;
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, count).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** The fractional training timestep whose sigma is `sigma`, interpolating linearly in log sigma. */
export function sigmaToTimestep(sigma: number, logSigmas: Float32Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  // Last index whose log sigma is <= logSigma, kept where a next one exists.
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) if (logSigma - logSigmas[i] >= 0) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const w = Math.min(1, Math.max(0, (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1])));
  return (1 - w) * low + w * (low + 1);
}
