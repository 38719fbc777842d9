/**
 * A small builder for ONNX graphs on top of the `onnx-proto` protobuf classes.
 *
 * Why our own: the models we ship (the TAESD preview decoder here, the synthetic test models in
 * src/test-models/) are generated in TypeScript at run time, so there is no Python exporter to lean on. It
 * stays in the engine, not with the test models, because TAESD previews are built with it in production. The builder keeps graph code close to how one writes it in
 * PyTorch: `const h = g.op('Conv', [x, w, b], { pads: [1, 1, 1, 1] })` returns the name of the new value.
 *
 * Output is deterministic: the same calls in the same order give byte-identical model files (no timestamps,
 * names derived from counters and the current scope).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX element types we use, by the names onnxruntime-node reports (`float32`, `float16`, `int64`, ...). */
export const ElemType = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;
export type ElemTypeName = keyof typeof ElemType;

/** A dimension: a fixed size, or a symbolic name such as "batch" for a dynamic axis. */
export type Dim = number | string;

/**
 * Attribute values. Plain numbers are INT and number arrays INTS (axes, pads, perms are the common case);
 * floats must be wrapped with `float()` / `floats()` so that `1.0` is never mistaken for an integer.
 */
export type AttrValue = number | number[] | string | FloatAttr | FloatsAttr | TensorAttr;
interface FloatAttr {
  kind: 'float';
  value: number;
}
interface FloatsAttr {
  kind: 'floats';
  value: number[];
}
interface TensorAttr {
  kind: 'tensor';
  value: onnxProto.onnx.ITensorProto;
}

export const float = (value: number): FloatAttr => ({ kind: 'float', value });
export const floats = (value: number[]): FloatsAttr => ({ kind: 'floats', value });
/** A tensor-valued attribute, e.g. the `value` of a Constant node. */
export const tensorAttr = (data: TensorData, dims: readonly number[]): TensorAttr => ({
  kind: 'tensor',
  value: tensorProto('', data, dims),
});

/** Typed data for an initializer; the element type follows from the array type. */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint16Array;

export interface ModelOptions {
  /** Default opset 17: LayerNormalization is there, and onnxruntime 1.x runs it everywhere. */
  opset?: number;
  /** Default 8, which every onnxruntime since 1.10 reads. */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();
  private readonly scopes: string[] = [];
  private readonly nodeNames = new Map<string, number>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** Declares a graph input and returns its name. */
  input(name: string, type: ElemTypeName, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /**
   * Declares a graph output. `value` is renamed to `name` with an Identity node, so any intermediate value
   * can become an output without the op that made it knowing.
   */
  output(name: string, value: string, type: ElemTypeName, dims: readonly Dim[]): void {
    this.claim(name);
    this.nodes.push({ name: `output/${name}`, opType: 'Identity', input: [value], output: [name] });
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A weight or constant stored in the model. `name` is prefixed with the current scope. */
  initializer(name: string, data: TensorData, dims: readonly number[]): string {
    const full = this.scoped(name, '.');
    this.claim(full);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (expected !== data.length) {
      throw new Error(`initializer ${full}: ${data.length} values do not fit dims [${dims.join(', ')}]`);
    }
    this.initializers.push(tensorProto(full, data, dims));
    return full;
  }

  /** Small constants (shapes, axes, scalars) as initializers with generated names. */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(`const_${this.counter++}`, BigInt64Array.from(values, (v) => BigInt(v)), dims);
  }

  constFloat(values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    return this.initializer(`const_${this.counter++}`, Float32Array.from(values), dims);
  }

  /** Adds one node with a single output and returns the output's name. Use `""` for an omitted input. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    return this.opN(opType, inputs, 1, attrs)[0]!;
  }

  /** Adds one node with `outputCount` outputs. */
  opN(opType: string, inputs: readonly string[], outputCount: number, attrs: Record<string, AttrValue> = {}): string[] {
    // Named as torch.onnx.export names nodes: the module scopes, then the op, numbered within its scope
    // (`/down_blocks.0/attn2/to_q/MatMul`, `.../MatMul_1`), so that tools reading module paths from node
    // names (LoRA's module index) see what they see in real exports.
    const base = `/${[...this.scopes, opType].join('/')}`;
    const seen = this.nodeNames.get(base) ?? 0;
    this.nodeNames.set(base, seen + 1);
    const nodeName = seen === 0 ? base : `${base}_${seen}`;
    const outputs = Array.from({ length: outputCount }, (_, i) => `${nodeName}_output_${i}`);
    outputs.forEach((o) => this.claim(o));
    this.nodes.push({
      name: nodeName,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([key, value]) => attribute(key, value)),
    });
    return outputs;
  }

  /** Runs `build` with `name` added to the scope, so weights read e.g. `unet.down.0.conv.weight`. */
  scope<T>(name: string, build: () => T): T {
    this.scopes.push(name);
    try {
      return build();
    } finally {
      this.scopes.pop();
    }
  }

  /** The serialized ModelProto. */
  toBytes(options: ModelOptions = {}): Uint8Array {
    return this.encode(this.initializers, options);
  }

  /**
   * The model with its weights in a separate file, as exporters write models over protobuf's 2 GB limit
   * (`model.onnx` + `model.onnx_data`, or `weights.pb`): every initializer of at least `minBytes` is stored in
   * `dataFile` (named relative to the model file) and referenced by offset and length.
   */
  toBytesWithExternalData(dataFile: string, options: ModelOptions & { minBytes?: number } = {}): { model: Uint8Array; data: Uint8Array } {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const initializers = this.initializers.map((tensor) => {
      const raw = tensor.rawData as Uint8Array;
      if (raw.byteLength < (options.minBytes ?? 1024)) return tensor;
      const padding = (64 - (offset % 64)) % 64; // aligned, as onnx's own writer does
      chunks.push(new Uint8Array(padding), raw);
      offset += padding;
      const location = [
        { key: 'location', value: dataFile },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.byteLength) },
      ];
      offset += raw.byteLength;
      return { ...tensor, rawData: undefined, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: location };
    });
    const data = new Uint8Array(Buffer.concat(chunks));
    return { model: this.encode(initializers, options), data };
  }

  private encode(initializers: onnxProto.onnx.ITensorProto[], options: ModelOptions): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: options.irVersion ?? 8,
      opsetImport: [{ domain: '', version: options.opset ?? 17 }],
      producerName: options.producerName ?? 'atelier',
      producerVersion: options.producerVersion ?? '1',
      docString: options.docString ?? '',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** Number of stored parameters (initializer elements), for reporting a model's size. */
  get parameterCount(): number {
    return this.initializers.reduce((sum, t) => sum + (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1), 0);
  }

  /** The full name an initializer called `name` gets in the current scope (what weight sources are asked for). */
  scopedName(name: string): string {
    return this.scoped(name, '.');
  }

  private scoped(name: string, separator: string): string {
    return this.scopes.length ? `${this.scopes.join('.')}${separator}${name}` : name;
  }

  private claim(name: string): void {
    if (this.usedNames.has(name)) throw new Error(`graph ${this.name}: the name "${name}" is used twice`);
    this.usedNames.add(name);
  }
}

function valueInfo(name: string, type: ElemTypeName, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ElemType[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function elemTypeOf(data: TensorData): number {
  if (data instanceof Float32Array) return ElemType.float32;
  if (data instanceof Int32Array) return ElemType.int32;
  if (data instanceof BigInt64Array) return ElemType.int64;
  return ElemType.float16; // Uint16Array holds float16 bit patterns
}

/** Tensors are stored as little-endian raw bytes, which is what typed arrays hold on every platform Node runs on. */
export function tensorProto(name: string, data: TensorData, dims: readonly number[]): onnxProto.onnx.ITensorProto {
  return {
    name,
    dims: [...dims],
    dataType: elemTypeOf(data),
    rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  };
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; wrap floats with float()`);
    return { name, type: Type.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: Type.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) throw new Error(`attribute ${name}: not all integers; wrap floats with floats()`);
    return { name, type: Type.INTS, ints: value };
  }
  if (value.kind === 'float') return { name, type: Type.FLOAT, f: value.value };
  if (value.kind === 'floats') return { name, type: Type.FLOATS, floats: value.value };
  return { name, type: Type.TENSOR, t: value.value };
}
