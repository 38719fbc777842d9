/**
 * MT19937, the 32-bit Mersenne Twister (Matsumoto & Nishimura, 1998), as used by torch's CPU generator
 * (`at::mt19937`, which gives the same stream as C++ `std::mt19937`). All arithmetic is on uint32 values.
 */
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class MT19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  /** `seed` is taken modulo 2^32, like `at::mt19937(seed)`. */
  constructor(seed: number) {
    const s = this.state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      // 1812433253 * prev + i, mod 2^32; Math.imul keeps the low 32 bits of the product exact.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** Next uniformly distributed uint32 (as a non-negative number). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & UPPER_MASK) | (s[(i + 1) % N] & LOWER_MASK);
      s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}
