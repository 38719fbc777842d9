/**
 * Noise schedules, computed with the same float32 roundings as diffusers does with torch, so that timesteps,
 * sigmas and test sums match diffusers (see ../shared/reference/schedulers.md).
 */
import type { BaseSchedulerConfig } from './types.js';

const f = Math.fround;

/**
 * `torch.linspace(start, end, steps)` in float32, as torch's scalar CPU kernel computes it: the first half
 * counts up from `start`, the second half down from `end`. (Torch's AVX2 kernel builds blocks of 8 from a fused
 * multiply-add base, which changes the last bit of some values; diffusers' test sums do not notice.)
 */
export function linspaceFloat32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) out[0] = start;
  if (steps <= 1) return out;
  const s = f(start);
  const e = f(end);
  const step = f(f(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    out[i] = i < halfway ? f(s + f(step * i)) : f(e - f(step * (steps - 1 - i)));
  }
  return out;
}

/** diffusers' `betas_for_alpha_bar` with the cosine transform (Nichol & Dhariwal 2021), in float64. */
function cosineBetas(count: number, maxBeta = 0.999): Float32Array {
  const alphaBar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * Math.PI / 2) ** 2;
  const betas = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    betas[i] = Math.min(1 - alphaBar((i + 1) / count) / alphaBar(i / count), maxBeta);
  }
  return betas;
}

/** The betas a config describes: `trained_betas` when given, else the named schedule. */
export function makeBetas(config: BaseSchedulerConfig): Float32Array {
  const count = config.numTrainTimesteps;
  if (!Number.isInteger(count) || count < 2) {
    throw new Error(`scheduler config: num_train_timesteps must be an integer >= 2, got ${count}`);
  }
  let betas: Float32Array;
  if (config.trainedBetas !== null) {
    const trained = config.trainedBetas;
    if (!Array.isArray(trained) || trained.length !== count || !trained.every((b) => typeof b === 'number')) {
      throw new Error(`scheduler config: trained_betas must be a list of ${count} numbers (num_train_timesteps)`);
    }
    betas = Float32Array.from(trained);
  } else if (config.betaSchedule === 'linear') {
    betas = linspaceFloat32(config.betaStart, config.betaEnd, count);
  } else if (config.betaSchedule === 'scaled_linear') {
    // Stable Diffusion's schedule: linear in sqrt(beta).
    betas = linspaceFloat32(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), count).map((b) => f(b * b));
  } else if (config.betaSchedule === 'squaredcos_cap_v2') {
    betas = cosineBetas(count);
  } else {
    throw new Error(
      `scheduler config: unsupported beta_schedule "${String(config.betaSchedule)}" ` +
        '(supported: linear, scaled_linear, squaredcos_cap_v2, or trained_betas)',
    );
  }
  return config.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas;
}

/**
 * Cumulative products of alphas = 1 - betas. torch.cumprod on float32 accumulates in float64 and rounds each
 * output to float32; a float32 running product would drift by many ulps over 1000 steps.
 */
export function alphasCumprod(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) {
    product *= f(1 - betas[i]);
    out[i] = product;
  }
  return out;
}

/**
 * diffusers' `rescale_zero_terminal_snr` (Lin et al. 2023, algorithm 1): shift and scale sqrt(alphas_cumprod)
 * so that the last timestep is pure noise, keeping the first one. Every step rounds to float32 like torch.
 */
export function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const sqrtBar = alphasCumprod(betas).map((a) => f(Math.sqrt(a)));
  const first = sqrtBar[0];
  const last = sqrtBar[sqrtBar.length - 1];
  const scale = f(first / f(first - last));
  const bar = sqrtBar.map((a) => {
    const shifted = f(f(a - last) * scale);
    return f(shifted * shifted);
  });
  return bar.map((b, i) => f(1 - (i === 0 ? b : f(b / bar[i - 1]))));
}
