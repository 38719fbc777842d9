/**
 * What an ONNX model holds, found by walking its protobuf without decoding it: the graph's nodes (name, op,
 * inputs, integer attributes) and its initializers (type, shape, and where their bytes lie: inline in the
 * model file or in an external data file). Tensor bytes are skipped, never copied, so scanning an SD UNet of
 * gigabytes costs milliseconds and no memory. Only the main graph is read (subgraphs of If/Loop are not).
 */
import { fieldText, fieldVarints, ProtobufFormatError, WIRE_BYTES, wireFields, type WireField } from './protobuf-wire.js';

/** ONNX TensorProto.DataType values this engine reads or writes. */
export const OnnxDataType = { FLOAT: 1, FLOAT16: 10, BFLOAT16: 16, INT64: 7, INT32: 6 } as const;

/** Bytes per element, for the types whose size is fixed. */
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

export interface OnnxNodeInfo {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  /** The node's INT attributes (Gemm's transB, Conv's group); others are not read. */
  ints: Map<string, number>;
}

export type TensorStorage =
  /** Little-endian element bytes inside the model file (raw_data, or a packed float_data of float32). */
  | { kind: 'inline'; offset: number; length: number }
  | { kind: 'external'; location: string; offset: number; length: number }
  /** Stored some other way (int32_data varints, string data): readable by onnxruntime, not patchable here. */
  | { kind: 'other' };

export interface OnnxInitializerInfo {
  name: string;
  dataType: number;
  dims: number[];
  storage: TensorStorage;
  /** The whole initializer field in the model file, tag included: what a rewrite replaces. */
  fieldStart: number;
  fieldEnd: number;
}

export interface OnnxModelScan {
  nodes: OnnxNodeInfo[];
  initializers: Map<string, OnnxInitializerInfo>;
  /** The ModelProto's graph field (tag included) and where the GraphProto's own bytes start. */
  graph: { fieldStart: number; valueStart: number; end: number };
}

/** Message field numbers, from onnx.proto. */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, i: 3 } as const;
const TENSOR = { dims: 1, dataType: 2, floatData: 4, name: 8, rawData: 9, externalData: 13, dataLocation: 14 } as const;
/** float_data, int32_data, string_data, int64_data, double_data, uint64_data: values as protobuf numbers. */
const TYPED_DATA_FIELDS = new Set([4, 5, 6, 7, 10, 11]);
const DATA_LOCATION_EXTERNAL = 1;

export function elementBytes(dataType: number): number {
  const size = ELEMENT_BYTES[dataType];
  if (size === undefined) throw new Error(`ONNX data type ${dataType} has no fixed element size`);
  return size;
}

export function scanOnnxModel(bytes: Uint8Array, source = 'model'): OnnxModelScan {
  try {
    let graph: WireField | undefined;
    for (const f of wireFields(bytes, 0, bytes.length)) if (f.field === MODEL_GRAPH && f.wireType === WIRE_BYTES) graph = f;
    if (!graph) throw new ProtobufFormatError('it has no graph');
    const nodes: OnnxNodeInfo[] = [];
    const initializers = new Map<string, OnnxInitializerInfo>();
    for (const f of wireFields(bytes, graph.valueStart, graph.end)) {
      if (f.wireType !== WIRE_BYTES) continue;
      if (f.field === GRAPH_NODE) nodes.push(scanNode(bytes, f));
      else if (f.field === GRAPH_INITIALIZER) {
        const tensor = scanTensor(bytes, f);
        initializers.set(tensor.name, tensor);
      }
    }
    return { nodes, initializers, graph: { fieldStart: graph.tagStart, valueStart: graph.valueStart, end: graph.end } };
  } catch (error) {
    if (error instanceof ProtobufFormatError) throw new ProtobufFormatError(`${source} is not a valid ONNX model: ${error.message}`);
    throw error;
  }
}

function scanNode(bytes: Uint8Array, node: WireField): OnnxNodeInfo {
  const info: OnnxNodeInfo = { name: '', opType: '', inputs: [], outputs: [], ints: new Map() };
  for (const f of wireFields(bytes, node.valueStart, node.end)) {
    if (f.field === NODE.input) info.inputs.push(fieldText(bytes, f));
    else if (f.field === NODE.output) info.outputs.push(fieldText(bytes, f));
    else if (f.field === NODE.name) info.name = fieldText(bytes, f);
    else if (f.field === NODE.opType) info.opType = fieldText(bytes, f);
    else if (f.field === NODE.attribute && f.wireType === WIRE_BYTES) {
      let name = '';
      let value: number | undefined;
      for (const a of wireFields(bytes, f.valueStart, f.end)) {
        if (a.field === ATTRIBUTE.name) name = fieldText(bytes, a);
        else if (a.field === ATTRIBUTE.i) value = a.varint;
      }
      if (value !== undefined) info.ints.set(name, value);
    }
  }
  return info;
}

function scanTensor(bytes: Uint8Array, tensor: WireField): OnnxInitializerInfo {
  let name = '';
  let dataType = 0;
  const dims: number[] = [];
  let inline: { offset: number; length: number } | undefined;
  let otherData = false;
  let external = false;
  const entries = new Map<string, string>();
  for (const f of wireFields(bytes, tensor.valueStart, tensor.end)) {
    if (f.field === TENSOR.dims) dims.push(...fieldVarints(bytes, f));
    else if (f.field === TENSOR.dataType) dataType = f.varint;
    else if (f.field === TENSOR.name) name = fieldText(bytes, f);
    else if (f.field === TENSOR.rawData) inline = { offset: f.valueStart, length: f.end - f.valueStart };
    // Packed float_data holds float32s little-endian, exactly as raw_data would.
    else if (f.field === TENSOR.floatData && f.wireType === WIRE_BYTES) inline = { offset: f.valueStart, length: f.end - f.valueStart };
    else if (TYPED_DATA_FIELDS.has(f.field)) otherData = true;
    else if (f.field === TENSOR.dataLocation) external = f.varint === DATA_LOCATION_EXTERNAL;
    else if (f.field === TENSOR.externalData && f.wireType === WIRE_BYTES) {
      let key = '';
      let value = '';
      for (const e of wireFields(bytes, f.valueStart, f.end)) {
        if (e.field === 1) key = fieldText(bytes, e);
        else if (e.field === 2) value = fieldText(bytes, e);
      }
      entries.set(key, value);
    }
  }
  let storage: TensorStorage = { kind: 'other' };
  if (external) {
    const location = entries.get('location');
    if (!location) throw new ProtobufFormatError(`initializer "${name}" is external but has no location`);
    const count = dims.reduce((a, b) => a * b, 1);
    const length = entries.has('length') ? Number(entries.get('length')) : count * (ELEMENT_BYTES[dataType] ?? 0);
    storage = { kind: 'external', location, offset: Number(entries.get('offset') ?? 0), length };
  } else if (inline && !otherData) {
    storage = { kind: 'inline', ...inline };
  } else if (!inline && !otherData) {
    storage = { kind: 'inline', offset: tensor.valueStart, length: 0 }; // an empty tensor
  }
  return { name, dataType, dims, storage, fieldStart: tensor.tagStart, fieldEnd: tensor.end };
}
