/** How ONNX graphs built here get their weights: generated (the tiny models) or read from a file (TAESD). */

/** How a weight tensor is filled. `std: 0` gives a constant tensor of `mean` (norm scales, zero biases). */
export interface Init {
  mean?: number;
  std: number;
}

/** Where layers get their weights: generated here, or read from a file such as TAESD's safetensors. */
export interface WeightSource {
  tensor(name: string, dims: readonly number[], init: Init): Float32Array;
}

/** Normal(0, gain^2 / fanIn): keeps activations at a similar scale through a layer (He/LeCun style). */
export function fanInInit(fanIn: number, gain = 1): Init {
  return { std: gain / Math.sqrt(fanIn) };
}

export const ZEROS: Init = { std: 0 };
export const ONES: Init = { mean: 1, std: 0 };
