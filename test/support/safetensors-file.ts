// Writes .safetensors files for tests (synthetic LoRAs, embeddings, hostile headers), the way safetensors' own writer lays them out.
import { float32ToFloat16Bits } from '../../src/diffusion/model/float16.js';

export interface TensorSpec {
  shape: number[];
  values: ArrayLike<number>;
  dtype?: 'F32' | 'F16';
}

/** Header length, JSON header (padded with spaces to 8 bytes, as safetensors does), then the tensor bytes in order. */
export function encodeSafetensors(tensors: Record<string, TensorSpec>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, spec] of Object.entries(tensors)) {
    const dtype = spec.dtype ?? 'F32';
    const bytes = Buffer.alloc(spec.values.length * (dtype === 'F32' ? 4 : 2));
    for (let i = 0; i < spec.values.length; i++) {
      if (dtype === 'F32') bytes.writeFloatLE(spec.values[i]!, i * 4);
      else bytes.writeUInt16LE(float32ToFloat16Bits(spec.values[i]!), i * 2);
    }
    header[name] = { dtype, shape: spec.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json, 'utf8'), ...chunks]);
}
