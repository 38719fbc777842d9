/**
 * The .safetensors container: an 8-byte little-endian header length, a JSON header (tensor name -> dtype,
 * shape, byte range; optional "__metadata__" of string values), then the raw little-endian tensor data.
 * Parses and validates the header (bounded, so a hostile file cannot make us allocate gigabytes for it) and
 * widens tensors to float32. The one reader of the format: TAESD weights, LoRAs and embeddings use it.
 */
import fs from 'node:fs/promises';
import { float16BitsToFloat32 } from './float16.js';

/** Real headers are kilobytes to a few megabytes; anything near this is not a tensor file. */
export const MAX_SAFETENSORS_HEADER_BYTES = 100 * 1024 * 1024;

const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
};

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** Byte range within the data section (after the header). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** File offset of the data section: 8 + the header length. */
  dataStart: number;
}

/** The file is not a well-formed safetensors file; the message says what is wrong. */
export class SafetensorsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsFormatError';
  }
}

/**
 * Reads a file a user dropped in (a LoRA, an embedding) with `read`: only safetensors files are opened at all,
 * since pickles (.pt, .ckpt, .bin) run code when loaded, and a malformed one is reported through `fail` so
 * each kind of file keeps its own error type.
 */
export async function readUserSafetensors<T>(
  file: string,
  what: string,
  read: (file: string) => Promise<T>,
  fail: (message: string, options?: ErrorOptions) => Error,
): Promise<T> {
  if (!file.toLowerCase().endsWith('.safetensors')) {
    throw fail(`${file}: only .safetensors ${what} are supported (pickle files such as .pt, .ckpt and .bin are refused)`);
  }
  try {
    return await read(file);
  } catch (error) {
    if (error instanceof SafetensorsFormatError) throw fail(error.message, { cause: error });
    throw error;
  }
}

/**
 * Validates the JSON header text against the size of the data section that follows it, so later reads
 * never run outside the file.
 */
export function parseSafetensorsHeader(json: string, dataStart: number, dataLength: number, source: string): SafetensorsHeader {
  function fail(why: string): never {
    throw new SafetensorsFormatError(`${source} is not a valid safetensors file: ${why}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    fail('the header is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('the header is not a JSON object');
  const tensors = new Map<string, SafetensorsEntry>();
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null) fail('__metadata__ is not an object');
      for (const [key, text] of Object.entries(value as Record<string, unknown>)) {
        if (typeof text !== 'string') fail(`metadata "${key}" is not a string`);
        metadata[key] = text as string;
      }
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const bytes = typeof entry?.dtype === 'string' ? DTYPE_BYTES[entry.dtype] : undefined;
    if (bytes === undefined) fail(`tensor "${name}" has an unknown dtype ${JSON.stringify(entry?.dtype)}`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor "${name}" has a bad shape`);
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor "${name}" has bad data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end > dataLength) fail(`tensor "${name}" lies outside the file`);
    if (end - begin !== count * bytes!) fail(`tensor "${name}" has ${end - begin} bytes for shape [${shape as number[]}]`);
    tensors.set(name, { dtype: entry.dtype as string, shape: shape as number[], begin, end });
  }
  return { tensors, metadata, dataStart };
}

/** Reads and checks the header length, refusing lengths no real file has before allocating anything. */
function headerLength(prefix: Buffer, fileSize: number, source: string): number {
  if (fileSize < 8 || prefix.length < 8) throw new SafetensorsFormatError(`${source} is not a valid safetensors file: it is too short`);
  const length = prefix.readBigUInt64LE(0);
  if (length > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    throw new SafetensorsFormatError(`${source} is not a valid safetensors file: its header claims ${length} bytes (at most ${MAX_SAFETENSORS_HEADER_BYTES})`);
  }
  if (Number(length) > fileSize - 8) throw new SafetensorsFormatError(`${source} is not a valid safetensors file: its header runs past the end`);
  return Number(length);
}

/** Reads only the header of a file (the tensor data may be gigabytes). */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader & { fileSize: number }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const length = headerLength(prefix, size, file);
    const json = Buffer.alloc(length);
    await handle.read(json, 0, length, 8);
    return { ...parseSafetensorsHeader(json.toString('utf8'), 8 + length, size - 8 - length, file), fileSize: size };
  } finally {
    await handle.close();
  }
}

/** A whole file in memory: its header and its data section. */
export interface SafetensorsFile extends SafetensorsHeader {
  data: Buffer;
  source: string;
}

export function parseSafetensors(bytes: Buffer, source: string): SafetensorsFile {
  const length = headerLength(bytes, bytes.length, source);
  const header = parseSafetensorsHeader(bytes.toString('utf8', 8, 8 + length), 8 + length, bytes.length - 8 - length, source);
  return { ...header, data: bytes.subarray(8 + length), source };
}

export async function readSafetensors(file: string): Promise<SafetensorsFile> {
  return parseSafetensors(await fs.readFile(file), file);
}

/** The tensor `name` widened to float32 (F32, F16, BF16 and F64 are floating-point; others are refused). */
export function safetensorsFloat32(file: SafetensorsFile, name: string): Float32Array {
  const entry = file.tensors.get(name);
  if (!entry) throw new Error(`${file.source} has no tensor "${name}"`);
  const raw = file.data.subarray(entry.begin, entry.end);
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  if (entry.dtype === 'F32') {
    for (let i = 0; i < count; i++) out[i] = raw.readFloatLE(i * 4);
  } else if (entry.dtype === 'BF16') {
    // bfloat16 is the upper half of a float32.
    const widened = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) widened[i] = raw.readUInt16LE(i * 2) << 16;
  } else if (entry.dtype === 'F16') {
    for (let i = 0; i < count; i++) out[i] = float16BitsToFloat32(raw.readUInt16LE(i * 2));
  } else if (entry.dtype === 'F64') {
    for (let i = 0; i < count; i++) out[i] = raw.readDoubleLE(i * 8);
  } else {
    throw new Error(`${file.source}: tensor "${name}" has unsupported dtype ${entry.dtype}`);
  }
  return out;
}
