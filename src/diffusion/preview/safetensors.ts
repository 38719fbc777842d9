/**
 * A .safetensors file: an 8-byte little-endian header length, a JSON header (name -> dtype, shape, byte
 * range), then the raw little-endian tensor data. Tensors are widened to float32.
 */
import fs from 'node:fs/promises';
import type { Init, WeightSource } from '../graph/weights.js';
import { float16BitsToFloat32 } from '../model/float16.js';

export class SafetensorsWeights implements WeightSource {
  private constructor(
    private readonly header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>,
    private readonly data: Buffer,
    readonly file: string,
  ) {}

  static async read(file: string): Promise<SafetensorsWeights> {
    const bytes = await fs.readFile(file);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Record<string, unknown>;
    delete header.__metadata__;
    return new SafetensorsWeights(header as never, bytes.subarray(8 + headerLength), file);
  }

  get names(): string[] {
    return Object.keys(this.header);
  }

  /** The tensor `name` as float32; its shape must be `dims` (the init is ignored: weights come from the file). */
  tensor(name: string, dims: readonly number[], _init?: Init): Float32Array {
    const entry = this.header[name];
    if (!entry) throw new Error(`${this.file} has no tensor "${name}"`);
    if (entry.shape.join() !== dims.join()) {
      throw new Error(`${this.file}: tensor "${name}" has shape [${entry.shape}], expected [${dims}]`);
    }
    const [start, end] = entry.data_offsets;
    const raw = this.data.subarray(start, end);
    const count = dims.reduce((a, b) => a * b, 1);
    const out = new Float32Array(count);
    if (entry.dtype === 'F32') {
      for (let i = 0; i < count; i++) out[i] = raw.readFloatLE(i * 4);
    } else if (entry.dtype === 'BF16') {
      // bfloat16 is the upper half of a float32.
      const widened = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) widened[i] = raw.readUInt16LE(i * 2) << 16;
    } else if (entry.dtype === 'F16') {
      for (let i = 0; i < count; i++) out[i] = float16BitsToFloat32(raw.readUInt16LE(i * 2));
    } else {
      throw new Error(`${this.file}: tensor "${name}" has unsupported dtype ${entry.dtype}`);
    }
    return out;
  }
}
