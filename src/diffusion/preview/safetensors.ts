/**
 * TAESD's published weights as a WeightSource: tensors of a .safetensors file (model/safetensors.ts reads
 * the format), checked against the shape each layer expects and widened to float32.
 */
import type { Init, WeightSource } from '../graph/weights.js';
import { readSafetensors, safetensorsFloat32, type SafetensorsFile } from '../model/safetensors.js';

export class SafetensorsWeights implements WeightSource {
  private constructor(private readonly content: SafetensorsFile) {}

  static async read(file: string): Promise<SafetensorsWeights> {
    return new SafetensorsWeights(await readSafetensors(file));
  }

  get file(): string {
    return this.content.source;
  }

  get names(): string[] {
    return [...this.content.tensors.keys()];
  }

  /** The tensor `name` as float32; its shape must be `dims` (the init is ignored: weights come from the file). */
  tensor(name: string, dims: readonly number[], _init?: Init): Float32Array {
    const entry = this.content.tensors.get(name);
    if (!entry) throw new Error(`${this.file} has no tensor "${name}"`);
    if (entry.shape.join() !== dims.join()) {
      throw new Error(`${this.file}: tensor "${name}" has shape [${entry.shape}], expected [${dims}]`);
    }
    return safetensorsFloat32(this.content, name);
  }
}
