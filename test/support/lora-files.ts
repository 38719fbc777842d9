// Synthetic LoRAs for tests: the same low-rank matrices written in the kohya and the diffusers/PEFT layouts, and the merge computed independently of the engine (float64, on a model decoded with onnx-proto).
import fs from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/diffusion/model/float16.js';
import { encodeSafetensors, type TensorSpec } from './safetensors-file.js';
import { seededRandom } from './seeded-random.js';

const { onnx } = onnxProto;

export interface SyntheticModule {
  component: 'unet' | 'text_encoder' | 'text_encoder_2';
  /** Dotted module path as the graph has it. */
  path: string;
  /** [rank, in] or [rank, in, kh, kw] */
  downShape: number[];
  /** [out, rank] or [out, rank, 1, 1] */
  upShape: number[];
  down: Float32Array;
  up: Float32Array;
  alpha?: number;
}

export function randomModule(component: SyntheticModule['component'], path: string, downShape: number[], upShape: number[], seed: number, alpha?: number): SyntheticModule {
  const random = seededRandom(seed);
  const fill = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() - 0.5) * 0.5);
  return { component, path, downShape, upShape, down: fill(downShape), up: fill(upShape), ...(alpha === undefined ? {} : { alpha }) };
}

const KOHYA_PREFIX = { unet: 'lora_unet_', text_encoder: 'lora_te_', text_encoder_2: 'lora_te2_' };

export function kohyaLora(modules: SyntheticModule[], options: { sdxl?: boolean; names?: Record<string, string>; metadata?: Record<string, string> } = {}): Buffer {
  const tensors: Record<string, TensorSpec> = {};
  for (const m of modules) {
    const prefix = options.sdxl && m.component === 'text_encoder' ? 'lora_te1_' : KOHYA_PREFIX[m.component];
    const key = prefix + (options.names?.[m.path] ?? m.path).replace(/\./g, '_');
    tensors[`${key}.lora_down.weight`] = { shape: m.downShape, values: m.down };
    tensors[`${key}.lora_up.weight`] = { shape: m.upShape, values: m.up };
    if (m.alpha !== undefined) tensors[`${key}.alpha`] = { shape: [], values: [m.alpha] };
  }
  return encodeSafetensors(tensors, { ss_network_module: 'networks.lora', ...options.metadata });
}

export function peftLora(modules: SyntheticModule[], options: { dtype?: 'F32' | 'F16' } = {}): Buffer {
  const tensors: Record<string, TensorSpec> = {};
  for (const m of modules) {
    const key = `${m.component}.${m.path}`;
    tensors[`${key}.lora_A.weight`] = { shape: m.downShape, values: m.down, dtype: options.dtype ?? 'F32' };
    tensors[`${key}.lora_B.weight`] = { shape: m.upShape, values: m.up, dtype: options.dtype ?? 'F32' };
    if (m.alpha !== undefined) tensors[`${key}.alpha`] = { shape: [], values: [m.alpha] };
  }
  return encodeSafetensors(tensors);
}

/** Where each weight lies in the model, for the independent merge: stored [in, out] (MatMul) or [out, ...]. */
export interface ExpectedTarget {
  initializer: string;
  transposed: boolean;
  /** Rows [first, first + out) of the outputs, for a slice of a fused projection. */
  firstOutput?: number;
}

/**
 * Writes `target` as `source` with W + sum scale * up @ down merged into the named initializers, computed here
 * in float64 from the decoded model (float32 or float16 weights, inline only).
 */
export async function writeMergedIndependently(source: string, target: string, merges: { module: SyntheticModule; scale: number; where: ExpectedTarget }[]): Promise<void> {
  const model = onnx.ModelProto.decode(await fs.readFile(source));
  for (const { module, scale, where } of merges) {
    const tensor = model.graph!.initializer!.find((t) => t.name === where.initializer);
    if (!tensor) throw new Error(`no initializer ${where.initializer}`);
    const fp16 = tensor.dataType === onnx.TensorProto.DataType.FLOAT16;
    const raw = Buffer.from(tensor.rawData!);
    const count = raw.length / (fp16 ? 2 : 4);
    const values = Float64Array.from({ length: count }, (_, i) => (fp16 ? float16BitsToFloat32(raw.readUInt16LE(i * 2)) : raw.readFloatLE(i * 4)));
    const rank = module.downShape[0]!;
    const inputs = module.down.length / rank;
    const outputs = module.upShape[0]!;
    const dims = tensor.dims!.map(Number);
    const storedOut = where.transposed ? dims[1]! : dims[0]!;
    for (let o = 0; o < outputs; o++) {
      for (let i = 0; i < inputs; i++) {
        let sum = 0;
        for (let r = 0; r < rank; r++) sum += module.up[o * rank + r]! * module.down[r * inputs + i]!;
        const out = o + (where.firstOutput ?? 0);
        const at = where.transposed ? i * storedOut + out : out * inputs + i;
        values[at]! += scale * sum;
      }
    }
    const bytes = Buffer.alloc(raw.length);
    values.forEach((v, i) => (fp16 ? bytes.writeUInt16LE(float32ToFloat16Bits(v), i * 2) : bytes.writeFloatLE(v, i * 4)));
    tensor.rawData = bytes;
  }
  await fs.writeFile(target, onnx.ModelProto.encode(model).finish());
}

/**
 * The model with every float32 weight of a MatMul, Gemm or Conv stored as float16 and cast back to float32
 * before use: fp16 weights on a CPU whose kernels compute in float32.
 */
export async function withFloat16Weights(source: string, target: string): Promise<void> {
  const model = onnx.ModelProto.decode(await fs.readFile(source));
  const graph = model.graph!;
  const weights = new Set(graph.node!.filter((n) => ['MatMul', 'Gemm', 'Conv'].includes(n.opType!)).map((n) => n.input![1]!));
  const casts: onnxProto.onnx.INodeProto[] = [];
  for (const tensor of graph.initializer!) {
    if (!weights.has(tensor.name!) || tensor.dataType !== onnx.TensorProto.DataType.FLOAT) continue;
    const raw = Buffer.from(tensor.rawData!);
    const half = Buffer.alloc(raw.length / 2);
    for (let i = 0; i < half.length / 2; i++) half.writeUInt16LE(float32ToFloat16Bits(raw.readFloatLE(i * 4)), i * 2);
    const name = tensor.name!;
    tensor.name = `${name}_fp16`;
    tensor.dataType = onnx.TensorProto.DataType.FLOAT16;
    tensor.rawData = half;
    casts.push({ name: `/${name}/Cast`, opType: 'Cast', input: [`${name}_fp16`], output: [name], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }] });
  }
  graph.node = [...casts, ...graph.node!];
  await fs.writeFile(target, onnx.ModelProto.encode(model).finish());
}
