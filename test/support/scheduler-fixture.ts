/** The diffusers scheduler test-suite's sample (../shared/reference/schedulers.md), shared by the scheduler parity tests. */
import type { FloatTensor } from '../../src/diffusion/tensor.js';

export const FIXTURE_DIMS: readonly number[] = [4, 3, 8, 8];

/** x[b,c,h,w] = (256c + 32h + 4w + b) / 768 (noise: 767 minus that, over 768). */
export function schedulerFixture(noise = false): FloatTensor {
  const data = new Float32Array(768);
  for (let b = 0; b < 4; b++)
    for (let c = 0; c < 3; c++)
      for (let h = 0; h < 8; h++)
        for (let w = 0; w < 8; w++) {
          const k = 256 * c + 32 * h + 4 * w + b;
          data[((b * 3 + c) * 8 + h) * 8 + w] = (noise ? 767 - k : k) / 768;
        }
  return { data, dims: [...FIXTURE_DIMS] };
}
