/**
 * Little-endian float tensor bytes (ONNX FLOAT, FLOAT16, BFLOAT16) to float32 values and back: weights are
 * merged in float32 and written back in the model's own type.
 */
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16.js';
import { OnnxDataType } from './onnx-scan.js';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export function isFloatType(dataType: number): boolean {
  return dataType === OnnxDataType.FLOAT || dataType === OnnxDataType.FLOAT16 || dataType === OnnxDataType.BFLOAT16;
}

export function decodeFloats(bytes: Uint8Array, dataType: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dataType === OnnxDataType.FLOAT) {
    // ONNX stores little-endian: one copy (new Uint8Array copies; a Buffer's slice would not).
    if (LITTLE_ENDIAN) return new Float32Array(new Uint8Array(bytes).buffer);
    const out = new Float32Array(bytes.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const out = new Float32Array(bytes.byteLength / 2);
  if (dataType === OnnxDataType.FLOAT16) {
    const table = halfToFloatTable();
    for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(i * 2, true)]!;
  } else if (dataType === OnnxDataType.BFLOAT16) {
    const widened = new Uint32Array(out.buffer);
    for (let i = 0; i < out.length; i++) widened[i] = view.getUint16(i * 2, true) << 16; // bfloat16 is a float32's upper half
  } else {
    throw new Error(`ONNX data type ${dataType} is not a float type`);
  }
  return out;
}

let halfTable: Float32Array | undefined;

/** Every float16 bit pattern's value (256 KiB), read by index: a UNet's weights decode several times faster. */
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = float16BitsToFloat32(bits);
  }
  return halfTable;
}

/** Writes `values` into `into` (which has the tensor's byte size) as `dataType`, rounding to nearest. */
export function encodeFloats(values: Float32Array, dataType: number, into: Uint8Array): void {
  const view = new DataView(into.buffer, into.byteOffset, into.byteLength);
  if (dataType === OnnxDataType.FLOAT) {
    if (LITTLE_ENDIAN) into.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    else for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  } else if (dataType === OnnxDataType.FLOAT16) {
    for (let i = 0; i < values.length; i++) view.setUint16(i * 2, float32ToFloat16Bits(values[i]!), true);
  } else if (dataType === OnnxDataType.BFLOAT16) {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < values.length; i++) {
      const b = bits[i]!;
      const isNaN = (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
      // Round to nearest even on the dropped 16 bits; NaN stays a quiet NaN.
      const rounded = isNaN ? (b >>> 16) | 0x40 : (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
      view.setUint16(i * 2, rounded & 0xffff, true);
    }
  } else {
    throw new Error(`ONNX data type ${dataType} is not a float type`);
  }
}
