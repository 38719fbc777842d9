/**
 * Deterministic weights for the generated models.
 *
 * Every tensor gets its own random stream, derived from the model seed and the tensor's full name, so a
 * tensor's values do not depend on how many tensors were made before it: adding a layer to one model does
 * not change the weights of the others.
 */

import type { Init, WeightSource } from '../../diffusion/graph/weights.js';

export { fanInInit, ONES, ZEROS, type Init, type WeightSource } from '../../diffusion/graph/weights.js';

export class SeededWeights implements WeightSource {
  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  }

  tensor(name: string, dims: readonly number[], init: Init): Float32Array {
    const size = dims.reduce((a, b) => a * b, 1);
    const mean = init.mean ?? 0;
    const out = new Float32Array(size);
    if (init.std === 0) return out.fill(mean);
    const random = new Random(mixSeed(this.seed, name));
    for (let i = 0; i < size; i++) out[i] = mean + init.std * random.normal();
    return out;
  }
}

/** FNV-1a over the name's UTF-16 code units, folded with the seed: the start state of one tensor's stream. */
export function mixSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A 32-bit Weyl sequence passed through the MurmurHash3 finalizer ("splitmix32"): tiny, fast, and good
 * enough for weight initialisation. Normals come from the Box-Muller transform.
 */
export class Random {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in (0, 1): never 0, so the logarithm below is finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 2 ** 32;
  }

  normal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}
