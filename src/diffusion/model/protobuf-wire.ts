/**
 * The protobuf wire format, read field by field over a byte range without decoding messages: what lets the
 * ONNX scanner walk a model of gigabytes and skip its tensor bytes, and splice messages back together.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export interface WireField {
  field: number;
  wireType: number;
  /** Where the field's tag starts (for splicing whole fields). */
  tagStart: number;
  /** Where its value starts: the varint, the fixed bytes, or (length-delimited) the payload after the length. */
  valueStart: number;
  /** One past its last byte. */
  end: number;
  /** The value of a varint field, as a JS number (int64 values past 2^53 lose precision; negatives are kept). */
  varint: number;
}

export class ProtobufFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufFormatError';
  }
}

/** A varint at `pos`: its value (as a number; 10-byte negatives become negative) and the position after it. */
export function readVarint(bytes: Uint8Array, pos: number, end = bytes.length): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new ProtobufFormatError('a varint runs past the end of its message');
    const byte = bytes[pos++]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [i < 7 ? value : longVarint(bytes, pos - i - 1, pos), pos];
    scale *= 128;
  }
  throw new ProtobufFormatError('a varint is longer than 10 bytes');
}

/**
 * A varint of 8 to 10 bytes, exactly: past 2^53 a sum of doubles rounds (int64 -1, sent as 2^64 - 1, would
 * come out as 0). Two's-complement int64 negatives are encoded as 10-byte values of 2^64 + v.
 */
function longVarint(bytes: Uint8Array, start: number, end: number): number {
  let value = 0n;
  for (let i = start; i < end; i++) value |= BigInt(bytes[i]! & 0x7f) << BigInt(7 * (i - start));
  return Number(BigInt.asIntN(64, value));
}

export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as an unsigned varint`);
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/** The fields of the message occupying bytes [start, end), in order. */
export function* wireFields(bytes: Uint8Array, start: number, end: number): Generator<WireField> {
  let pos = start;
  while (pos < end) {
    const tagStart = pos;
    const [tag, afterTag] = readVarint(bytes, pos, end);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    let valueStart = afterTag;
    let fieldEnd: number;
    let varint = 0;
    if (wireType === WIRE_VARINT) {
      [varint, fieldEnd] = readVarint(bytes, afterTag, end);
    } else if (wireType === WIRE_FIXED64) {
      fieldEnd = afterTag + 8;
    } else if (wireType === WIRE_FIXED32) {
      fieldEnd = afterTag + 4;
    } else if (wireType === WIRE_BYTES) {
      const [length, afterLength] = readVarint(bytes, afterTag, end);
      valueStart = afterLength;
      fieldEnd = afterLength + length;
    } else {
      throw new ProtobufFormatError(`unsupported wire type ${wireType} (field ${field}) at byte ${tagStart}`);
    }
    if (field === 0 || fieldEnd > end) throw new ProtobufFormatError(`field ${field} at byte ${tagStart} runs past the end of its message`);
    yield { field, wireType, tagStart, valueStart, end: fieldEnd, varint };
    pos = fieldEnd;
  }
}

/** A length-delimited field's payload as UTF-8 text. */
export function fieldText(bytes: Uint8Array, f: WireField): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + f.valueStart, f.end - f.valueStart).toString('utf8');
}

/** The integers of a repeated varint field, packed (one length-delimited field) or not (one field per value). */
export function fieldVarints(bytes: Uint8Array, f: WireField): number[] {
  if (f.wireType === WIRE_VARINT) return [f.varint];
  const values: number[] = [];
  let pos = f.valueStart;
  while (pos < f.end) {
    const [value, next] = readVarint(bytes, pos, f.end);
    values.push(value);
    pos = next;
  }
  return values;
}

/** A length-delimited field: tag, length, payload. */
export function encodeBytesField(field: number, payload: Uint8Array): Uint8Array {
  const tag = encodeVarint(field * 8 + WIRE_BYTES);
  const length = encodeVarint(payload.length);
  const out = new Uint8Array(tag.length + length.length + payload.length);
  out.set(tag, 0);
  out.set(length, tag.length);
  out.set(payload, tag.length + length.length);
  return out;
}
