/**
 * Neural-network layers as ONNX subgraphs: the PyTorch modules the SD components are made of (Conv2d,
 * Linear, GroupNorm, LayerNorm, attention), each a function from value names to a value name.
 *
 * Weights come from a `WeightSource` keyed by the full scoped name (`unet.down.0.conv1.weight`), so the
 * same layer code serves generated weights and weights read from a file.
 */
import { ElemType, float, type Dim, type GraphBuilder } from './onnx-graph.js';
import { fanInInit, ONES, ZEROS, type Init, type WeightSource } from './weights.js';

/** The graph being built and where its weights come from. */
export interface Net {
  g: GraphBuilder;
  w: WeightSource;
}

/** The dtype a component's float inputs and outputs have. */
export type FloatDtype = 'float32' | 'float16';

/** Small random biases: enough to break symmetry without dominating the weights' contribution. */
const BIAS_INIT: Init = { std: 0.02 };

/** A weight named `name` in the current scope. */
export function param(net: Net, name: string, dims: readonly number[], init: Init): string {
  return net.g.initializer(name, net.w.tensor(net.g.scopedName(name), dims, init), dims);
}

export interface ConvOptions {
  kernel?: number;
  stride?: number;
  bias?: boolean;
  /** Multiplies the init std; > 1 for layers followed by a saturating activation we want to drive. */
  gain?: number;
}

/** Conv2d with "same" padding (kernel // 2), as every conv in SD's UNet and VAE. Weight [out, in, k, k]. */
export function conv2d(net: Net, name: string, x: string, inChannels: number, outChannels: number, options: ConvOptions = {}): string {
  const { kernel = 3, stride = 1, bias = true, gain = 1 } = options;
  return net.g.scope(name, () => {
    const weight = param(net, 'weight', [outChannels, inChannels, kernel, kernel], fanInInit(inChannels * kernel * kernel, gain));
    const inputs = bias ? [x, weight, param(net, 'bias', [outChannels], BIAS_INIT)] : [x, weight];
    const pad = Math.floor(kernel / 2);
    return net.g.op('Conv', inputs, { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad] });
  });
}

/** Linear on the last axis. Weight stored [in, out], the layout MatMul wants (PyTorch's transposed). */
export function linear(net: Net, name: string, x: string, inFeatures: number, outFeatures: number, options: { bias?: boolean; gain?: number } = {}): string {
  const { bias = true, gain = 1 } = options;
  return net.g.scope(name, () => {
    const y = net.g.op('MatMul', [x, param(net, 'weight', [inFeatures, outFeatures], fanInInit(inFeatures, gain))]);
    return bias ? net.g.op('Add', [y, param(net, 'bias', [outFeatures], BIAS_INIT)]) : y;
  });
}

/**
 * GroupNorm over NCHW. Opset 17 has no GroupNormalization, so (as PyTorch's exporter does) reshape to
 * [N, groups, rest], instance-normalise, reshape back and apply the per-channel affine.
 */
export function groupNorm(net: Net, name: string, x: string, channels: number, groups: number, epsilon = 1e-5): string {
  if (channels % groups !== 0) throw new Error(`${name}: ${channels} channels do not split into ${groups} groups`);
  const { g } = net;
  return g.scope(name, () => {
    const grouped = g.op('Reshape', [x, g.constInt64([0, groups, -1])]);
    const normed = g.op('InstanceNormalization', [grouped, g.constFloat(new Float32Array(groups).fill(1)), g.constFloat(new Float32Array(groups))], {
      epsilon: float(epsilon),
    });
    const back = g.op('Reshape', [normed, g.op('Shape', [x])]);
    const scaled = g.op('Mul', [back, param(net, 'weight', [channels, 1, 1], ONES)]);
    return g.op('Add', [scaled, param(net, 'bias', [channels, 1, 1], ZEROS)]);
  });
}

/** LayerNorm over the last axis. */
export function layerNorm(net: Net, name: string, x: string, dim: number, epsilon = 1e-5): string {
  return net.g.scope(name, () =>
    net.g.op('LayerNormalization', [x, param(net, 'weight', [dim], ONES), param(net, 'bias', [dim], ZEROS)], {
      axis: -1,
      epsilon: float(epsilon),
    }),
  );
}

export function silu(g: GraphBuilder, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [x])]);
}

/** CLIP's activation: x * sigmoid(1.702 x). */
export function quickGelu(g: GraphBuilder, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, g.constFloat([1.702], [])])])]);
}

export interface AttentionOptions {
  queryDim: number;
  /** Feature size of `context`; equal to queryDim for self-attention. */
  contextDim: number;
  /** Total size of the projected queries/keys/values, split across heads. */
  innerDim: number;
  heads: number;
  /** Added to the scores before softmax, broadcast to [batch, heads, queries, keys] (e.g. a causal mask). */
  mask?: string;
  /** CLIP's projections have biases; SD's UNet q/k/v do not. */
  qkvBias?: boolean;
}

/**
 * Multi-head scaled dot-product attention: queries from `x` [batch, n, queryDim], keys and values from
 * `context` [batch, m, contextDim]; returns [batch, n, queryDim] after the output projection.
 */
export function attention(net: Net, name: string, x: string, context: string, options: AttentionOptions): string {
  const { queryDim, contextDim, innerDim, heads, mask, qkvBias = false } = options;
  if (innerDim % heads !== 0) throw new Error(`${name}: ${innerDim} does not split into ${heads} heads`);
  const headDim = innerDim / heads;
  const { g } = net;
  return g.scope(name, () => {
    const splitShape = g.constInt64([0, 0, heads, headDim]);
    const split = (v: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [v, splitShape])], { perm });
    // The 1/sqrt(headDim) scale is applied to q before the product: one small Mul instead of one on the scores.
    const q = g.op('Mul', [linear(net, 'to_q', x, queryDim, innerDim, { bias: qkvBias }), g.constFloat([1 / Math.sqrt(headDim)], [])]);
    const k = linear(net, 'to_k', context, contextDim, innerDim, { bias: qkvBias });
    const v = linear(net, 'to_v', context, contextDim, innerDim, { bias: qkvBias });
    let scores = g.op('MatMul', [split(q, [0, 2, 1, 3]), split(k, [0, 2, 3, 1])]); // [b, h, n, m]
    if (mask) scores = g.op('Add', [scores, mask]);
    const weights = g.op('Softmax', [scores], { axis: -1 });
    const mixed = g.op('MatMul', [weights, split(v, [0, 2, 1, 3])]); // [b, h, n, d]
    const merged = g.op('Reshape', [g.op('Transpose', [mixed], { perm: [0, 2, 1, 3] }), g.constInt64([0, 0, innerDim])]);
    return linear(net, 'to_out', merged, innerDim, queryDim);
  });
}

/** Nearest-neighbour upsampling by an integer factor, as torch's `interpolate(mode="nearest")`. */
export function upsampleNearest(g: GraphBuilder, x: string, factor: number): string {
  return g.op('Resize', [x, '', g.constFloat([1, 1, factor, factor])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}

/**
 * Nearest resize of `x` to the height and width of `like`: the UNet's up path uses it so that odd latent
 * sizes (which a stride-2 conv rounds up) come back to exactly the skip connection's size.
 */
export function resizeNearestLike(g: GraphBuilder, x: string, like: string): string {
  const batchAndChannels = g.op('Slice', [g.op('Shape', [x]), g.constInt64([0]), g.constInt64([2])]);
  const heightAndWidth = g.op('Slice', [g.op('Shape', [like]), g.constInt64([2]), g.constInt64([4])]);
  const sizes = g.op('Concat', [batchAndChannels, heightAndWidth], { axis: 0 });
  return g.op('Resize', [x, '', '', sizes], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}

/**
 * A float graph input. fp16 exports take float16, but onnxruntime's CPU kernels cover few ops in fp16, so
 * the graph casts to float32 right after the input and computes in float32 (weights stay float32 too).
 */
export function floatInput(g: GraphBuilder, name: string, dtype: FloatDtype, dims: readonly Dim[]): string {
  const value = g.input(name, dtype, dims);
  return dtype === 'float16' ? g.op('Cast', [value], { to: ElemType.float32 }) : value;
}

/** A float graph output, cast back to float16 for fp16 exports (see floatInput). */
export function floatOutput(g: GraphBuilder, name: string, value: string, dtype: FloatDtype, dims: readonly Dim[]): void {
  const out = dtype === 'float16' ? g.op('Cast', [value], { to: ElemType.float16 }) : value;
  g.output(name, out, dtype, dims);
}
