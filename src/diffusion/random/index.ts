/**
 * Seeded noise that reproduces PyTorch's CPU generator, so that a seed gives the same initial latents here as
 * `torch.randn(shape, generator=torch.Generator().manual_seed(seed))` does in diffusers.
 *
 * How torch draws (ATen's CPUGeneratorImpl and cpu/DistributionKernels, checked against PyTorch itself with
 * tools/torch-fixtures/make_randn_fixtures.py):
 * - one mt19937 engine seeded with the low 32 bits of the seed;
 * - a uniform float32 is the low 24 bits of one 32-bit draw, divided by 2^24; a uniform double is the low
 *   53 bits of a 64-bit draw (first 32-bit draw = high half), divided by 2^53;
 * - randn of 16 or more elements fills the tensor with uniform floats, then turns every block of 16 into
 *   normals with Box-Muller in float32 (first 8 = radius*cos, last 8 = radius*sin, using u1 = 1 - u so the log
 *   never sees 0); when the count is not a multiple of 16, the last 16 values are drawn again and redone;
 * - randn of fewer than 16 elements takes one double-precision Box-Muller normal per element and keeps the
 *   second value (radius*sin) in the generator for the next scalar normal.
 * The scalar path matches torch bit for bit. The 16-block path follows torch's AVX2 kernel (theta = float32(2*pi)
 * * u), but torch evaluates log/sin/cos there with float32 SIMD approximations, so about one value in six differs
 * by 1-3 ulp (measured against PyTorch 1.13 on AVX2); builds without AVX2 use libm and round theta once.
 */
import { MT19937 } from './mt19937.js';
import { elementCount } from '../tensor.js';

const TWO_POW_24 = 16777216;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const f = Math.fround;

export { MT19937 } from './mt19937.js';

export class TorchGenerator {
  /** The seed as torch reports it from `initial_seed()`: an unsigned 64-bit integer. */
  readonly initialSeed: bigint;
  private readonly engine: MT19937;
  /** Second value of the last double Box-Muller pair (torch's `next_double_normal_sample`). */
  private cachedNormal: number | null = null;

  constructor(seed: number | bigint) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be an integer (use a bigint above 2^53), got ${seed}`);
    }
    const big = BigInt(seed);
    if (big < -(2n ** 63n) || big >= 2n ** 64n) {
      throw new RangeError(`seed must fit in 64 bits, got ${big}`);
    }
    // torch stores negative seeds as their two's complement uint64.
    this.initialSeed = BigInt.asUintN(64, big);
    this.engine = new MT19937(Number(BigInt.asUintN(32, big)));
  }

  /** Standard normal float32 values, like `torch.randn(dims, generator=g)`. */
  randn(dims: readonly number[]): Float32Array {
    const n = checkedCount(dims);
    const out = new Float32Array(n);
    if (n < 16) {
      for (let i = 0; i < n; i++) out[i] = this.normalDouble();
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = this.uniformFloat();
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = this.uniformFloat();
      boxMuller16(out, n - 16);
    }
    return out;
  }

  /** Uniform float32 values in [0, 1), like `torch.rand(dims, generator=g)`. */
  rand(dims: readonly number[]): Float32Array {
    const out = new Float32Array(checkedCount(dims));
    for (let i = 0; i < out.length; i++) out[i] = this.uniformFloat();
    return out;
  }

  private uniformFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) / TWO_POW_24;
  }

  private uniformDouble(): number {
    const high = this.engine.nextUint32();
    const low = this.engine.nextUint32();
    return ((high & 0x1fffff) * TWO_POW_32 + low) / TWO_POW_53;
  }

  /** at::normal_distribution<double>: Box-Muller in double, caching the sine half. */
  private normalDouble(): number {
    if (this.cachedNormal !== null) {
      const cached = this.cachedNormal;
      this.cachedNormal = null;
      return cached;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const radius = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta);
  }
}

/** torch's normal_fill_16 on 16 uniforms at `offset`, rounding to float32 wherever the AVX2 kernel does. */
function boxMuller16(data: Float32Array, offset: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[offset + j]); // (0, 1], so the log is finite
    const u2 = data[offset + j + 8];
    const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
    const theta = f(f(2 * Math.PI) * u2);
    data[offset + j] = f(radius * f(Math.cos(theta)));
    data[offset + j + 8] = f(radius * f(Math.sin(theta)));
  }
}

function checkedCount(dims: readonly number[]): number {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`bad tensor shape [${dims.join(', ')}]`);
  }
  return elementCount(dims);
}
