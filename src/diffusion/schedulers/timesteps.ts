/** Timestep helpers shared by schedulers, reproducing the numpy calls diffusers makes. */
import type { FloatTensor } from '../tensor.js';
import type { TimestepSpacing } from './types.js';

/** numpy's `round` (and `np.round`): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `np.linspace(start, stop, num)` in float64 (the last value is exactly `stop`). */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}

/**
 * The inference timesteps, high to low, for diffusers' `timestep_spacing` (table 2 of Lin et al. 2023, "Common
 * Diffusion Noise Schedules and Sample Steps are Flawed"). Only "linspace" can give fractions: DDIM rounds them
 * (`roundLinspace`), Euler keeps them and interpolates sigmas.
 */
export function spacedTimesteps(
  spacing: TimestepSpacing,
  numTrainTimesteps: number,
  numInferenceSteps: number,
  stepsOffset: number,
  roundLinspace: boolean,
): number[] {
  switch (spacing) {
    case 'linspace': {
      const values = linspace(0, numTrainTimesteps - 1, numInferenceSteps).reverse();
      return roundLinspace ? values.map(roundHalfEven) : values;
    }
    case 'leading': {
      const ratio = Math.floor(numTrainTimesteps / numInferenceSteps);
      return Array.from({ length: numInferenceSteps }, (_, i) => i * ratio + stepsOffset).reverse();
    }
    case 'trailing': {
      // np.round(np.arange(T, 0, -T/n)) - 1, with numpy's arange arithmetic (start + i * delta, where delta is
      // (start - ratio) - start). numpy sometimes yields n + 1 values, the extra one being -1 (a diffusers bug
      // for e.g. T=1000, n=61); keep the first n.
      const ratio = numTrainTimesteps / numInferenceSteps;
      const delta = numTrainTimesteps - ratio - numTrainTimesteps;
      return Array.from({ length: numInferenceSteps }, (_, i) => roundHalfEven(numTrainTimesteps + i * delta) - 1);
    }
  }
}

export function checkInferenceSteps(numInferenceSteps: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1 || numInferenceSteps > numTrainTimesteps) {
    throw new RangeError(
      `numInferenceSteps must be an integer from 1 to num_train_timesteps (${numTrainTimesteps}), got ${numInferenceSteps}`,
    );
  }
}

export function checkSameShape(a: FloatTensor, b: FloatTensor, what: string): void {
  if (a.data.length !== b.data.length || a.dims.join() !== b.dims.join()) {
    throw new Error(`${what}: shapes differ ([${a.dims.join(', ')}] vs [${b.dims.join(', ')}])`);
  }
}

/** One value per batch entry (dims[0]) from a single timestep or a list of one per entry. */
export function perBatch(values: readonly number[], dims: readonly number[], what: string): number[] {
  const batch = dims[0] ?? 1;
  if (values.length === 1) return new Array<number>(batch).fill(values[0]);
  if (values.length !== batch) throw new Error(`${what}: expected 1 or ${batch} timesteps, got ${values.length}`);
  return [...values];
}
