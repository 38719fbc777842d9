/**
 * Little-endian float tensor bytes (ONNX FLOAT, FLOAT16, BFLOAT16) to float32 values and back: weights are
 * merged in float32 and written back in the model's own type.
 */
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16.js';
import { OnnxDataType } from './onnx-scan.js';

export function isFloatType(dataType: number): boolean {
  return dataType === OnnxDataType.FLOAT || dataType === OnnxDataType.FLOAT16 || dataType === OnnxDataType.BFLOAT16;
}

export function decodeFloats(bytes: Uint8Array, dataType: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dataType === OnnxDataType.FLOAT) {
    const out = new Float32Array(bytes.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const out = new Float32Array(bytes.byteLength / 2);
  if (dataType === OnnxDataType.FLOAT16) {
    for (let i = 0; i < out.length; i++) out[i] = float16BitsToFloat32(view.getUint16(i * 2, true));
  } else if (dataType === OnnxDataType.BFLOAT16) {
    const widened = new Uint32Array(out.buffer);
    for (let i = 0; i < out.length; i++) widened[i] = view.getUint16(i * 2, true) << 16; // bfloat16 is a float32's upper half
  } else {
    throw new Error(`ONNX data type ${dataType} is not a float type`);
  }
  return out;
}

/** Writes `values` into `into` (which has the tensor's byte size) as `dataType`, rounding to nearest. */
export function encodeFloats(values: Float32Array, dataType: number, into: Uint8Array): void {
  const view = new DataView(into.buffer, into.byteOffset, into.byteLength);
  if (dataType === OnnxDataType.FLOAT) {
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
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
