/**
 * The pieces the tiny SD3 and FLUX transformers share, as ONNX subgraphs: sinusoidal features, the
 * timestep (and guidance, and pooled text) embedding, adaLN modulation, one joint attention block over text
 * and image tokens (MM-DiT reduced: one set of q/k/v weights for both streams), the modulated output layer,
 * and the turn of a denoised estimate into the flow-matching velocity the samplers expect.
 */
import { attention, layerNorm, linear, silu, type Net } from '../../diffusion/graph/layers.js';
import type { GraphBuilder } from '../../diffusion/graph/onnx-graph.js';

export interface DitSpec {
  /** The transformer's inner width (num_attention_heads x attention_head_dim). */
  width: number;
  heads: number;
  /** Size of the sinusoidal features of the timestep (and guidance). */
  timestepFeatures: number;
}

/** [n] float values -> [n, size] features [cos..., sin...] at frequencies exp(-ln(10000) i / half), as diffusers' Timesteps(flip_sin_to_cos). */
export function sinusoidal(g: GraphBuilder, values: string, size: number): string {
  const half = size / 2;
  const frequencies = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const angles = g.op('Mul', [g.op('Unsqueeze', [values, g.constInt64([1])]), g.constFloat(frequencies, [1, half])]);
  return g.op('Concat', [g.op('Cos', [angles]), g.op('Sin', [angles])], { axis: 1 });
}

/** GELU, 0.5 x (1 + erf(x / sqrt 2)) (opset 17 has no Gelu op). */
export function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Mul', [x, g.constFloat([Math.SQRT1_2], [])])]);
  return g.op('Mul', [g.op('Mul', [x, g.constFloat([0.5], [])]), g.op('Add', [erf, g.constFloat([1], [])])]);
}

/** TimestepEmbedding over sinusoidal features: linear, SiLU, linear ([n] values -> [n, width]). */
export function valueEmbedding(net: Net, name: string, values: string, spec: DitSpec): string {
  const { g } = net;
  return g.scope(name, () =>
    linear(net, 'linear_2', silu(g, linear(net, 'linear_1', sinusoidal(g, values, spec.timestepFeatures), spec.timestepFeatures, spec.width)), spec.width, spec.width),
  );
}

/** PixArt's text projection of the pooled prompt embedding: linear, SiLU, linear ([b, pooled] -> [b, width]). */
export function pooledEmbedding(net: Net, name: string, pooled: string, pooledDim: number, spec: DitSpec): string {
  const { g } = net;
  return g.scope(name, () => linear(net, 'linear_2', silu(g, linear(net, 'linear_1', pooled, pooledDim, spec.width)), spec.width, spec.width));
}

/** LayerNorm without affine, then x (1 + scale) + shift with scale and shift from the conditioning [b, width]. */
function modulated(net: Net, name: string, x: string, conditioning: string, spec: DitSpec): string {
  const { g } = net;
  return g.scope(name, () => {
    // Small gain: modulation steers the tokens without swamping them (a trained adaLN-Zero starts at zero).
    const parameters = linear(net, 'linear', silu(g, conditioning), spec.width, 2 * spec.width, { gain: 0.5 });
    const [shift, scale] = g.opN('Split', [g.op('Unsqueeze', [parameters, g.constInt64([1])]), g.constInt64([spec.width, spec.width])], 2, { axis: -1 });
    const normed = layerNorm(net, 'norm', x, spec.width, 1e-6);
    return g.op('Add', [g.op('Mul', [normed, g.op('Add', [scale!, g.constFloat([1], [])])]), shift!]);
  });
}

/**
 * One joint block: text and image tokens normalised and modulated by the conditioning, attention over their
 * concatenation (text first, as MM-DiT), the image tokens' share added back, then a modulated GELU MLP.
 * Returns the image tokens [b, n, width]; the text stream's update would feed only later blocks.
 */
export function jointBlock(net: Net, name: string, image: string, text: string, conditioning: string, spec: DitSpec): string {
  const { g } = net;
  const { width } = spec;
  return g.scope(name, () => {
    const joint = g.op('Concat', [modulated(net, 'norm1_context', text, conditioning, spec), modulated(net, 'norm1', image, conditioning, spec)], { axis: 1 });
    const attended = attention(net, 'attn', joint, joint, { queryDim: width, contextDim: width, innerDim: width, heads: spec.heads, qkvBias: true });
    const textLength = g.op('Slice', [g.op('Shape', [text]), g.constInt64([1]), g.constInt64([2])]);
    const imageShare = g.op('Slice', [attended, textLength, g.constInt64([Number.MAX_SAFE_INTEGER]), g.constInt64([1])]);
    const afterAttention = g.op('Add', [image, imageShare]);
    const mlpIn = modulated(net, 'norm2', afterAttention, conditioning, spec);
    const mlp = g.scope('ff', () => linear(net, 'net.2', gelu(g, linear(net, 'net.0.proj', mlpIn, width, 4 * width)), 4 * width, width));
    return g.op('Add', [afterAttention, mlp]);
  });
}

/** AdaLayerNormContinuous then proj_out: the image tokens [b, n, width] -> [b, n, outFeatures]. */
export function outputLayer(net: Net, tokens: string, conditioning: string, outFeatures: number, spec: DitSpec): string {
  // gain > 1 so that the estimate has roughly unit variance, like the (scaled and shifted) latents.
  return linear(net, 'proj_out', modulated(net, 'norm_out', tokens, conditioning, spec), spec.width, outFeatures, { gain: 1.5 });
}

/**
 * Why: untrained weights predict a "velocity" unrelated to the sample's noise, so a sampler would never
 * reach clean latents. The network's output is read as an estimate x0 of the clean latents instead and turned
 * into the velocity a perfect model with that estimate predicts: with x_t = (1 - sigma) x0 + sigma noise,
 * v = noise - x0 = (x_t - x0) / sigma. A flow-matching Euler sampler then walks from noise to x0, as with a
 * real model. `sigma` is [b] in [0, 1]; it is kept from 0 so the last steps stay finite.
 */
export function velocityFromDenoised(g: GraphBuilder, sample: string, denoised: string, sigma: string, rank: number): string {
  const perSample = g.op('Reshape', [g.op('Max', [sigma, g.constFloat([1e-3], [])]), g.constInt64([-1, ...Array<number>(rank - 1).fill(1)])]);
  return g.op('Div', [g.op('Sub', [sample, denoised]), perSample]);
}
