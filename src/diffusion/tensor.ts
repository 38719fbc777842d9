/**
 * The engine's framework-free tensor: a flat float32 buffer in row-major (C) order plus its shape.
 * Schedulers, noise and previews work on this type; only model/onnx-tensors.ts converts to onnxruntime tensors.
 */
export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, size) => product * size, 1);
}

export function tensor(data: Float32Array, dims: readonly number[]): FloatTensor {
  if (data.length !== elementCount(dims)) {
    throw new Error(`tensor data has ${data.length} elements but shape [${dims.join(', ')}] needs ${elementCount(dims)}`);
  }
  return { data, dims: [...dims] };
}

export function zeros(dims: readonly number[]): FloatTensor {
  return { data: new Float32Array(elementCount(dims)), dims: [...dims] };
}

/** Multiplies every value by `factor`, in place (a factor of 1 leaves the values untouched). */
export function scaleInPlace(values: Float32Array, factor: number): void {
  if (factor === 1) return;
  for (let i = 0; i < values.length; i++) values[i]! *= factor;
}

/** Concatenates tensors along the first (batch) axis; all other dimensions must agree. */
export function concatBatch(parts: readonly FloatTensor[]): FloatTensor {
  const [first] = parts;
  if (!first) throw new Error('concatBatch needs at least one tensor');
  const inner = first.dims.slice(1);
  let batch = 0;
  for (const part of parts) {
    if (part.dims.length !== first.dims.length || part.dims.slice(1).some((d, i) => d !== inner[i])) {
      throw new Error(`cannot concatenate [${part.dims}] with [${first.dims}]`);
    }
    batch += part.dims[0]!;
  }
  const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return { data, dims: [batch, ...inner] };
}

/** Items [start, start + count) of the batch axis, as a copy. */
export function sliceBatch(source: FloatTensor, start: number, count: number): FloatTensor {
  const itemSize = elementCount(source.dims.slice(1));
  return {
    data: source.data.slice(start * itemSize, (start + count) * itemSize),
    dims: [count, ...source.dims.slice(1)],
  };
}

/** Concatenates tensors along the last axis (SDXL's two text encoders' hidden states, side by side). */
export function concatLastAxis(parts: readonly FloatTensor[]): FloatTensor {
  const [first] = parts;
  if (!first) throw new Error('concatLastAxis needs at least one tensor');
  if (parts.length === 1) return first;
  const outer = first.dims.slice(0, -1);
  const rows = elementCount(outer);
  for (const part of parts) {
    if (part.dims.length !== first.dims.length || part.dims.slice(0, -1).some((d, i) => d !== outer[i])) {
      throw new Error(`cannot concatenate [${part.dims}] with [${first.dims}] along the last axis`);
    }
  }
  const widths = parts.map((p) => p.dims[p.dims.length - 1]!);
  const total = widths.reduce((a, b) => a + b, 0);
  const data = new Float32Array(rows * total);
  for (let row = 0; row < rows; row++) {
    let offset = row * total;
    parts.forEach((part, i) => {
      data.set(part.data.subarray(row * widths[i]!, (row + 1) * widths[i]!), offset);
      offset += widths[i]!;
    });
  }
  return { data, dims: [...outer, total] };
}

/**
 * An NCHW tensor grown to `height` x `width` by repeating its last row and column (edge padding), so a network
 * that halves the size several times sees sides it divides evenly; `cropSpatial` takes the original area back.
 */
export function padSpatial(source: FloatTensor, height: number, width: number): FloatTensor {
  const [n, c, h, w] = source.dims as [number, number, number, number];
  if (h === height && w === width) return source;
  if (height < h || width < w) throw new Error(`cannot pad [${source.dims}] to ${height}x${width}`);
  const data = new Float32Array(n * c * height * width);
  for (let plane = 0; plane < n * c; plane++) {
    for (let y = 0; y < height; y++) {
      const from = plane * h * w + Math.min(y, h - 1) * w;
      const to = plane * height * width + y * width;
      data.set(source.data.subarray(from, from + w), to);
      data.fill(source.data[from + w - 1]!, to + w, to + width);
    }
  }
  return { data, dims: [n, c, height, width] };
}

/** The top-left `height` x `width` of an NCHW tensor (what `padSpatial` grew). */
export function cropSpatial(source: FloatTensor, height: number, width: number): FloatTensor {
  const [n, c, h, w] = source.dims as [number, number, number, number];
  if (h === height && w === width) return source;
  const data = new Float32Array(n * c * height * width);
  for (let plane = 0; plane < n * c; plane++) {
    for (let y = 0; y < height; y++) {
      const from = plane * h * w + y * w;
      data.set(source.data.subarray(from, from + width), plane * height * width + y * width);
    }
  }
  return { data, dims: [n, c, height, width] };
}
