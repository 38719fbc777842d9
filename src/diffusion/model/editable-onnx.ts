/**
 * An ONNX model whose weights are to be changed (LoRAs merged, a token-embedding table grown), saved as a new
 * model file that onnxruntime loads like any other. Only the model file (the graph, and the weights when
 * they are inline) is held in memory; each weight asked for is read from its file alone, and each changed one
 * goes straight to a data file of its own in a scratch folder, as an external tensor. The saved model points
 * its unchanged external tensors at hard links of the original data files (copies across filesystems),
 * because onnxruntime reads external data only from inside the model's folder. So a 3.4 GB UNet takes one
 * weight's worth of memory here, and onnxruntime reads the files as it reads the originals: loading from
 * memory (sessionOptions.externalData) held three copies at its peak and took three times as long
 * (bench:lora).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { decodeFloats, encodeFloats, isFloatType } from './float-codec.js';
import { elementBytes, scanOnnxModel, type OnnxInitializerInfo, type OnnxModelScan } from './onnx-scan.js';
import { encodeBytesField } from './protobuf-wire.js';
import { linkOrCopy, makeScratchFolder } from './scratch-folder.js';

const { onnx } = onnxProto;

const GRAPH_FIELD = 7;
const INITIALIZER_FIELD = 5;
/** Changed tensors start on page boundaries, which lets onnxruntime map them rather than copy them. */
const ALIGNMENT = 4096;

/** A saved model: load it from `path`, then remove it (the files are needed only while a session is made). */
export interface SavedOnnxModel {
  path: string;
  remove(): Promise<void>;
}

export class EditableOnnxModel {
  /** Changed tensors: where they are in the scratch data file, and the TensorProto pointing there. */
  private readonly changed = new Map<string, { offset: number; length: number; proto: onnxProto.onnx.ITensorProto }>();
  private readonly handles = new Map<string, Promise<fs.FileHandle>>();
  private scratch: { dir: string; dataFile: string; handle: fs.FileHandle; end: number } | undefined;

  private constructor(
    readonly source: string,
    private readonly bytes: Buffer,
    readonly scan: OnnxModelScan,
  ) {}

  static async read(modelPath: string): Promise<EditableOnnxModel> {
    const bytes = await fs.readFile(modelPath);
    const model = new EditableOnnxModel(modelPath, bytes, scanOnnxModel(bytes, modelPath));
    model.checkExternalLocations();
    return model;
  }

  initializer(name: string): OnnxInitializerInfo | undefined {
    return this.scan.initializers.get(name);
  }

  /** Whether any weight was written or replaced. */
  get isChanged(): boolean {
    return this.changed.size > 0;
  }

  /** A float initializer's values as float32 (a copy), as last written. */
  async float32(name: string): Promise<Float32Array> {
    const info = this.floatInitializer(name);
    return decodeFloats(await this.tensorBytes(info), this.changed.get(name)?.proto.dataType ?? info.dataType);
  }

  /** Overwrites a float initializer with `values` (same element count), in its own type. */
  async write(name: string, values: Float32Array): Promise<void> {
    const info = this.floatInitializer(name);
    if (values.length !== elementCount(info.dims)) {
      throw new Error(`${this.source}: initializer "${name}" has ${elementCount(info.dims)} values, not ${values.length}`);
    }
    await this.store(info, values, info.dims);
  }

  /** Replaces a float initializer by one of other dims, in the same type. */
  async replace(name: string, values: Float32Array, dims: number[]): Promise<void> {
    const info = this.floatInitializer(name);
    if (values.length !== elementCount(dims)) throw new Error(`replace ${name}: ${values.length} values do not fit [${dims}]`);
    await this.store(info, values, dims);
  }

  /** Writes the changed model into its scratch folder, beside links to the data files it still reads. */
  async save(): Promise<SavedOnnxModel> {
    const { dir, handle } = await this.scratchFolder();
    try {
      await handle.close();
      await this.closeSources();
      const file = path.join(dir, path.basename(this.source));
      await fs.writeFile(file, this.spliced());
      const sourceDir = path.dirname(this.source);
      for (const location of this.unchangedLocations()) await linkOrCopy(path.join(sourceDir, location), path.join(dir, location));
      this.scratch = undefined;
      return { path: file, remove: () => fs.rm(dir, { recursive: true, force: true }) };
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Drops the changes and their scratch folder (after an error, or when nothing is to be saved). */
  async discard(): Promise<void> {
    await this.closeSources();
    const scratch = this.scratch;
    this.scratch = undefined;
    if (!scratch) return;
    await scratch.handle.close().catch(() => undefined);
    await fs.rm(scratch.dir, { recursive: true, force: true });
  }

  private async store(info: OnnxInitializerInfo, values: Float32Array, dims: number[]): Promise<void> {
    const bytes = new Uint8Array(values.length * elementBytes(info.dataType));
    encodeFloats(values, info.dataType, bytes);
    const scratch = await this.scratchFolder();
    const offset = Math.ceil(scratch.end / ALIGNMENT) * ALIGNMENT;
    await writeAll(scratch.handle, bytes, offset);
    scratch.end = offset + bytes.length;
    const proto = externalProto(info.name, dims, info.dataType, path.basename(scratch.dataFile), offset, bytes.length);
    this.changed.set(info.name, { offset, length: bytes.length, proto });
  }

  private async scratchFolder() {
    if (!this.scratch) {
      const dir = await makeScratchFolder();
      const taken = new Set(this.externalLocations());
      let name = 'atelier-changed.data';
      for (let n = 1; taken.has(name); n++) name = `atelier-changed-${n}.data`;
      const dataFile = path.join(dir, name);
      this.scratch = { dir, dataFile, handle: await fs.open(dataFile, 'w+'), end: 0 };
    }
    return this.scratch;
  }

  private floatInitializer(name: string): OnnxInitializerInfo {
    const info = this.scan.initializers.get(name);
    if (!info) throw new Error(`${this.source} has no initializer "${name}"`);
    if (!isFloatType(info.dataType)) throw new Error(`${this.source}: initializer "${name}" is not a float tensor (type ${info.dataType})`);
    if (info.storage.kind === 'other') throw new Error(`${this.source}: initializer "${name}" is stored as typed protobuf values, which cannot be patched`);
    return info;
  }

  private async tensorBytes(info: OnnxInitializerInfo): Promise<Uint8Array> {
    const changed = this.changed.get(info.name);
    if (changed) return readRange(this.scratch!.handle, changed.offset, changed.length);
    if (info.storage.kind === 'inline') return this.bytes.subarray(info.storage.offset, info.storage.offset + info.storage.length);
    const { location, offset } = info.storage as { location: string; offset: number };
    return readRange(await this.sourceHandle(location), offset, elementCount(info.dims) * elementBytes(info.dataType));
  }

  private sourceHandle(location: string): Promise<fs.FileHandle> {
    let handle = this.handles.get(location);
    if (!handle) {
      handle = fs.open(path.resolve(path.dirname(this.source), location), 'r');
      this.handles.set(location, handle);
    }
    return handle;
  }

  private async closeSources(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.allSettled(handles.map(async (h) => (await h).close()));
  }

  private externalLocations(): string[] {
    const locations = new Set<string>();
    for (const info of this.scan.initializers.values()) if (info.storage.kind === 'external') locations.add(info.storage.location);
    return [...locations];
  }

  private unchangedLocations(): string[] {
    const locations = new Set<string>();
    for (const info of this.scan.initializers.values()) {
      if (info.storage.kind === 'external' && !this.changed.has(info.name)) locations.add(info.storage.location);
    }
    return [...locations];
  }

  /** External data must lie inside the model's folder (onnxruntime refuses anything else as well). */
  private checkExternalLocations(): void {
    const dir = path.dirname(this.source);
    for (const location of this.externalLocations()) {
      const file = path.resolve(dir, location);
      if (path.isAbsolute(location) || path.relative(dir, file).startsWith('..')) {
        throw new Error(`${this.source}: external data "${location}" lies outside the model's folder`);
      }
    }
  }

  /** The model bytes with every rewritten initializer field replaced (lengths of graph and model redone). */
  private spliced(): Uint8Array {
    const { graph } = this.scan;
    const replaced = [...this.changed.keys()].map((name) => this.scan.initializers.get(name)!).sort((a, b) => a.fieldStart - b.fieldStart);
    const graphParts: Uint8Array[] = [];
    let at = graph.valueStart;
    for (const info of replaced) {
      graphParts.push(this.bytes.subarray(at, info.fieldStart));
      graphParts.push(encodeBytesField(INITIALIZER_FIELD, onnx.TensorProto.encode(this.changed.get(info.name)!.proto).finish()));
      at = info.fieldEnd;
    }
    graphParts.push(this.bytes.subarray(at, graph.end));
    const newGraph = encodeBytesField(GRAPH_FIELD, Buffer.concat(graphParts));
    return Buffer.concat([this.bytes.subarray(0, graph.fieldStart), newGraph, this.bytes.subarray(graph.end)]);
  }
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function externalProto(name: string, dims: number[], dataType: number, location: string, offset: number, length: number): onnxProto.onnx.ITensorProto {
  return {
    name,
    dims,
    dataType,
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

/** Writes all of `bytes` at `offset`, in pieces of at most 1 GiB. */
async function writeAll(handle: fs.FileHandle, bytes: Uint8Array, offset: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.length - done, 1 << 30), offset + done);
    done += bytesWritten;
  }
}
