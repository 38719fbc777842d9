/**
 * One generator per image of a batch, as diffusers does with a list of generators: a batch-shaped draw takes
 * each image's slice from that image's own stream. Image i of a batch is then exactly the image generated
 * alone with its seed, also for schedulers that add noise in every step.
 */
import { elementCount } from '../tensor.js';
import type { TorchGenerator } from './index.js';

export class BatchGenerator {
  constructor(private readonly generators: readonly TorchGenerator[]) {}

  randn(dims: readonly number[]): Float32Array {
    const [batch, ...rest] = dims;
    if (batch !== this.generators.length) {
      throw new Error(`BatchGenerator has ${this.generators.length} generators but was asked for a batch of ${batch}`);
    }
    const itemSize = elementCount(rest);
    const out = new Float32Array(batch * itemSize);
    this.generators.forEach((generator, i) => out.set(generator.randn([1, ...rest]), i * itemSize));
    return out;
  }
}
