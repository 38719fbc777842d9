/**
 * An ONNX model read into memory to have some of its weights changed, then handed to onnxruntime as bytes
 * plus external data from memory (sessionOptions.externalData), the only way onnxruntime-node takes weights
 * that are not on disk. Weights of unchanged size are overwritten in place in the copies of the files, so the
 * protobuf is not re-serialised; a weight that changes size (a token-embedding table grown by textual
 * inversion) is re-encoded inline. onnxruntime 1.30 wants every external file in that table once it is given
 * one, so all are read; files over `partBytes` (an SDXL UNet's 5-10 GB, past Node's 4 GB Buffer limit) are
 * split at tensor boundaries into parts and their tensors re-pointed there.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { decodeFloats, encodeFloats, isFloatType } from './float-codec.js';
import { elementBytes, scanOnnxModel, type OnnxInitializerInfo, type OnnxModelScan } from './onnx-scan.js';
import { encodeBytesField } from './protobuf-wire.js';

const { onnx } = onnxProto;

/** What onnxruntime's InferenceSession.create takes for a model whose weights live in memory. */
export interface OnnxSessionSource {
  model: Uint8Array;
  externalData: { path: string; data: Uint8Array }[];
}

const GIB = 1024 ** 3;
const GRAPH_FIELD = 7;
const INITIALIZER_FIELD = 5;

export class EditableOnnxModel {
  /** name -> bytes of an external tensor: [buffer, offset] after any split into parts. */
  private readonly external = new Map<string, { file: string; offset: number }>();
  private readonly files = new Map<string, Buffer>();
  /** Initializers whose TensorProto must be re-encoded: moved to a part, or resized. */
  private readonly rewritten = new Map<string, onnxProto.onnx.ITensorProto>();

  private constructor(
    readonly source: string,
    private readonly bytes: Buffer,
    readonly scan: OnnxModelScan,
  ) {}

  static async read(modelPath: string, options: { partBytes?: number } = {}): Promise<EditableOnnxModel> {
    const bytes = await fs.readFile(modelPath);
    const model = new EditableOnnxModel(modelPath, bytes, scanOnnxModel(bytes, modelPath));
    await model.readExternalFiles(path.dirname(modelPath), options.partBytes ?? GIB);
    return model;
  }

  initializer(name: string): OnnxInitializerInfo | undefined {
    return this.scan.initializers.get(name);
  }

  /** A float initializer's values as float32 (a copy). */
  float32(name: string): Float32Array {
    const info = this.floatInitializer(name);
    return decodeFloats(this.tensorBytes(info), info.dataType);
  }

  /** Overwrites a float initializer with `values` (same element count), in its own type. */
  write(name: string, values: Float32Array): void {
    const info = this.floatInitializer(name);
    const bytes = this.tensorBytes(info);
    if (values.length * elementBytes(info.dataType) !== bytes.length) {
      throw new Error(`${this.source}: initializer "${name}" has ${bytes.length / elementBytes(info.dataType)} values, not ${values.length}`);
    }
    encodeFloats(values, info.dataType, bytes);
  }

  /** Replaces a float initializer by one of other dims, stored inline in the model in the same type. */
  replace(name: string, values: Float32Array, dims: number[]): void {
    const info = this.floatInitializer(name);
    if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`replace ${name}: ${values.length} values do not fit [${dims}]`);
    const raw = new Uint8Array(values.length * elementBytes(info.dataType));
    encodeFloats(values, info.dataType, raw);
    this.rewritten.set(name, { name, dims, dataType: info.dataType, rawData: raw });
    this.external.delete(name);
  }

  /** The model for onnxruntime: patched bytes, and every external file (or part) as a buffer. */
  sessionSource(): OnnxSessionSource {
    const model = this.rewritten.size === 0 ? this.bytes : this.spliced();
    return { model, externalData: [...this.files].map(([file, data]) => ({ path: file, data })) };
  }

  private floatInitializer(name: string): OnnxInitializerInfo {
    const info = this.scan.initializers.get(name);
    if (!info) throw new Error(`${this.source} has no initializer "${name}"`);
    if (!isFloatType(info.dataType)) throw new Error(`${this.source}: initializer "${name}" is not a float tensor (type ${info.dataType})`);
    if (info.storage.kind === 'other') throw new Error(`${this.source}: initializer "${name}" is stored as typed protobuf values, which cannot be patched`);
    return info;
  }

  private tensorBytes(info: OnnxInitializerInfo): Uint8Array {
    const length = info.dims.reduce((a, b) => a * b, 1) * elementBytes(info.dataType);
    const rewritten = this.rewritten.get(info.name);
    if (rewritten?.rawData) return rewritten.rawData;
    if (info.storage.kind === 'inline') return this.bytes.subarray(info.storage.offset, info.storage.offset + info.storage.length);
    const where = this.external.get(info.name)!;
    return this.files.get(where.file)!.subarray(where.offset, where.offset + length);
  }

  private async readExternalFiles(dir: string, partBytes: number): Promise<void> {
    const byLocation = new Map<string, OnnxInitializerInfo[]>();
    for (const info of this.scan.initializers.values()) {
      if (info.storage.kind !== 'external') continue;
      const list = byLocation.get(info.storage.location) ?? [];
      list.push(info);
      byLocation.set(info.storage.location, list);
    }
    for (const [location, tensors] of byLocation) {
      const file = path.resolve(dir, location);
      if (path.relative(dir, file).startsWith('..') || path.isAbsolute(location)) {
        throw new Error(`${this.source}: external data "${location}" lies outside the model's folder`);
      }
      const handle = await fs.open(file, 'r');
      try {
        const { size } = await handle.stat();
        for (const t of tensors) {
          const s = t.storage as { offset: number; length: number };
          if (s.offset + s.length > size) throw new Error(`${this.source}: initializer "${t.name}" lies past the end of ${location}`);
        }
        if (size <= partBytes) {
          this.files.set(location, await readRange(handle, 0, size));
          for (const t of tensors) this.external.set(t.name, { file: location, offset: (t.storage as { offset: number }).offset });
        } else {
          await this.readInParts(handle, location, tensors, partBytes);
        }
      } finally {
        await handle.close();
      }
    }
  }

  /** Packs a large file's tensors, in file order, into parts of at most `partBytes` (or one tensor). */
  private async readInParts(handle: fs.FileHandle, location: string, tensors: OnnxInitializerInfo[], partBytes: number): Promise<void> {
    const ordered = [...tensors].sort((a, b) => storageOf(a).offset - storageOf(b).offset);
    let group: OnnxInitializerInfo[] = [];
    let groupBytes = 0;
    const flush = async () => {
      if (group.length === 0) return;
      const part = `${location}.part${this.files.size}`;
      const chunks: Buffer[] = [];
      let offset = 0;
      for (const t of group) {
        const { offset: at, length } = storageOf(t);
        chunks.push(await readRange(handle, at, length));
        this.external.set(t.name, { file: part, offset });
        this.rewritten.set(t.name, externalProto(t, part, offset, length));
        offset += length;
      }
      this.files.set(part, Buffer.concat(chunks));
      group = [];
      groupBytes = 0;
    };
    for (const t of ordered) {
      const { length } = storageOf(t);
      if (groupBytes + length > partBytes) await flush();
      group.push(t);
      groupBytes += length;
    }
    await flush();
  }

  /** The model bytes with every rewritten initializer field replaced (lengths of graph and model redone). */
  private spliced(): Uint8Array {
    const { graph } = this.scan;
    const replaced = [...this.rewritten.keys()].map((name) => this.scan.initializers.get(name)!).sort((a, b) => a.fieldStart - b.fieldStart);
    const graphParts: Uint8Array[] = [];
    let at = graph.valueStart;
    for (const info of replaced) {
      graphParts.push(this.bytes.subarray(at, info.fieldStart));
      graphParts.push(encodeBytesField(INITIALIZER_FIELD, onnx.TensorProto.encode(this.rewritten.get(info.name)!).finish()));
      at = info.fieldEnd;
    }
    graphParts.push(this.bytes.subarray(at, graph.end));
    const newGraph = encodeBytesField(GRAPH_FIELD, Buffer.concat(graphParts));
    return Buffer.concat([this.bytes.subarray(0, graph.fieldStart), newGraph, this.bytes.subarray(graph.end)]);
  }
}

function storageOf(info: OnnxInitializerInfo): { offset: number; length: number } {
  return info.storage as { offset: number; length: number };
}

function externalProto(info: OnnxInitializerInfo, location: string, offset: number, length: number): onnxProto.onnx.ITensorProto {
  return {
    name: info.name,
    dims: info.dims,
    dataType: info.dataType,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

/** Reads [offset, offset + length) in pieces: fs calls take at most 2 GB at a time. */
async function readRange(handle: fs.FileHandle, offset: number, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, Math.min(length - done, 1 << 30), offset + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${offset + done}`);
    done += bytesRead;
  }
  return out;
}
