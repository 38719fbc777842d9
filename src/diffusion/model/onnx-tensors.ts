/**
 * The one place where onnxruntime tensors are made and read. Everything else in the engine works on plain
 * `FloatTensor`s (tensor.ts) and integer arrays, so schedulers, noise and previews stay framework-free; the
 * dtype an export declares (fp16, fp32, int64 or int32) is met here and nowhere else.
 */
import ort from 'onnxruntime-node';
import type { FloatTensor } from '../tensor.js';
import { fromFloat16Array, toFloat16Array } from './float16.js';

export type OnnxTensor = ort.Tensor;
export type OnnxFeeds = Record<string, OnnxTensor>;

/** A float tensor in the declared float dtype (`type` as onnxruntime reports it); `what` names the input in errors. */
export function floatOnnxTensor(type: string, value: FloatTensor, what: string): OnnxTensor {
  if (type === 'float16') return new ort.Tensor('float16', toFloat16Array(value.data), value.dims);
  if (type === 'float32') return new ort.Tensor('float32', value.data, value.dims);
  if (type === 'double') return new ort.Tensor('float64', Float64Array.from(value.data), value.dims);
  throw new Error(`model input "${what}" has type ${type}; expected a floating point tensor`);
}

/** Integers (token ids, a discrete timestep) as int64 when declared so, else as int32. */
export function intOnnxTensor(type: string, values: Int32Array, dims: readonly number[]): OnnxTensor {
  if (type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(values, (value) => BigInt(value)), dims);
  return new ort.Tensor('int32', values, dims);
}

/** Any float output as float32 (fp16 outputs are widened). */
export function outputAsFloat32(output: OnnxTensor): FloatTensor {
  const dims = [...output.dims];
  if (output.type === 'float32') return { data: output.data as Float32Array, dims };
  if (output.type === 'float16') return { data: fromFloat16Array(output.data as Uint16Array), dims };
  if (output.type === 'float64') return { data: Float32Array.from(output.data as Float64Array), dims };
  throw new Error(`expected a floating point output, got ${output.type}`);
}
