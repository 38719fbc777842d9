/**
 * A small SD3-style transformer with the interface of optimum's `sd3-transformer-2d` export
 * (`transformer/model.onnx`): `hidden_states` [batch_size, 16, height, width], `encoder_hidden_states`
 * [batch_size, sequence_length, joint_attention_dim], `pooled_projections` [batch_size,
 * pooled_projection_dim], `timestep` [step] (float32, 0..1000 as diffusers passes it) -> `out_hidden_states`
 * [batch_size, 16, height, width], the flow-matching velocity.
 *
 * SD3Transformer2DModel in miniature: the patch embedding (a 2x2 stride-2 conv) with 2-D sin-cos positions of
 * the patch grid, the timestep + pooled-text embedding, the text projected by context_embedder, one joint
 * block, the modulated output layer and the unpatchify back to [batch, 16, height, width] (height and width
 * even, as SD3's pipeline makes them).
 */
import { linear, param, type Net } from '../../diffusion/graph/layers.js';
import { ElemType, GraphBuilder } from '../../diffusion/graph/onnx-graph.js';
import { fanInInit, type WeightSource } from './seeded-weights.js';
import { jointBlock, outputLayer, pooledEmbedding, sinusoidal, valueEmbedding, velocityFromDenoised, type DitSpec } from './tiny-dit-blocks.js';

export interface Sd3TransformerSpec extends DitSpec {
  /** Latent channels: 16. */
  channels: number;
  patchSize: number;
  /** Width of encoder_hidden_states: the T5 width, which the CLIP features are padded to. */
  jointAttentionDim: number;
  /** Width of pooled_projections: both CLIP encoders' text_embeds side by side. */
  pooledProjectionDim: number;
}

/** transformer/config.json: an SD3Transformer2DModel config (SD3 medium's keys) for this network. */
export function sd3TransformerConfig(spec: Sd3TransformerSpec, sampleSize: number): Record<string, unknown> {
  return {
    _class_name: 'SD3Transformer2DModel',
    _diffusers_version: '0.29.0.dev0',
    sample_size: sampleSize,
    patch_size: spec.patchSize,
    in_channels: spec.channels,
    out_channels: spec.channels,
    num_layers: 1,
    attention_head_dim: spec.width / spec.heads,
    num_attention_heads: spec.heads,
    joint_attention_dim: spec.jointAttentionDim,
    caption_projection_dim: spec.width,
    pooled_projection_dim: spec.pooledProjectionDim,
    pos_embed_max_size: 96,
  };
}

export function buildSd3Transformer(weights: WeightSource, spec: Sd3TransformerSpec): GraphBuilder {
  const g = new GraphBuilder('transformer');
  const net: Net = { g, w: weights };
  const { width, channels, patchSize } = spec;
  const sample = g.input('hidden_states', 'float32', ['batch_size', channels, 'height', 'width']);
  const context = g.input('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', spec.jointAttentionDim]);
  const pooled = g.input('pooled_projections', 'float32', ['batch_size', spec.pooledProjectionDim]);
  const timestep = g.input('timestep', 'float32', ['step']);

  // PatchEmbed: [b, 16, h, w] -> [b, width, h/2, w/2] -> tokens [b, n, width], plus the grid's positions.
  const patches = g.scope('pos_embed.proj', () => {
    // Unpadded (layers.ts's conv2d pads "same"): each 2x2 patch, once.
    const weight = param(net, 'weight', [width, channels, patchSize, patchSize], fanInInit(channels * patchSize * patchSize));
    const bias = param(net, 'bias', [width], { std: 0.02 });
    return g.op('Conv', [sample, weight, bias], { kernel_shape: [patchSize, patchSize], strides: [patchSize, patchSize] });
  });
  const gridSize = g.op('Slice', [g.op('Shape', [patches]), g.constInt64([2]), g.constInt64([4])]); // [h/2, w/2]
  const tokens = g.op('Transpose', [g.op('Reshape', [patches, g.constInt64([0, width, -1])])], { perm: [0, 2, 1] });
  const image = g.op('Add', [tokens, gridPositions(g, gridSize, width)]);

  const conditioning = g.scope('time_text_embed', () =>
    g.op('Add', [valueEmbedding(net, 'timestep_embedder', timestep, spec), pooledEmbedding(net, 'text_embedder', pooled, spec.pooledProjectionDim, spec)]),
  );
  const text = linear(net, 'context_embedder', context, spec.jointAttentionDim, width);

  const imageOut = jointBlock(net, 'transformer_blocks.0', image, text, conditioning, spec);
  const patchFeatures = patchSize * patchSize * channels;
  const projected = outputLayer(net, imageOut, conditioning, patchFeatures, spec); // [b, n, p*p*16]

  // Unpatchify: [b, n, p*p*16] -> [b, p*p*16, h/2, w/2] -> [b, 16, h, w]; DCR keeps diffusers' (p, q, c) order.
  const batch = g.op('Slice', [g.op('Shape', [sample]), g.constInt64([0]), g.constInt64([1])]);
  const gridShape = g.op('Concat', [batch, g.constInt64([patchFeatures]), gridSize], { axis: 0 });
  const grid = g.op('Reshape', [g.op('Transpose', [projected], { perm: [0, 2, 1] }), gridShape]);
  const denoised = g.op('DepthToSpace', [grid], { blocksize: patchSize, mode: 'DCR' });

  const sigma = g.op('Div', [timestep, g.constFloat([1000], [])]); // SD3's pipeline passes sigma x 1000
  g.output('out_hidden_states', velocityFromDenoised(g, sample, denoised, sigma, 4), 'float32', ['batch_size', channels, 'height', 'width']);
  return g;
}

/**
 * 2-D sin-cos positions of a [rows, cols] patch grid, as [1, rows*cols, width]: half the features from the
 * row, half from the column (SD3 crops a fixed table of these; computing them keeps every size exact).
 */
function gridPositions(g: GraphBuilder, gridSize: string, width: number): string {
  const half = width / 2;
  const axis = (index: number) => {
    const count = g.op('Squeeze', [g.op('Slice', [gridSize, g.constInt64([index]), g.constInt64([index + 1])]), g.constInt64([0])]);
    return sinusoidal(g, g.op('Cast', [g.op('Range', [g.constInt64([0], []), count, g.constInt64([1], [])])], { to: ElemType.float32 }), half);
  };
  const expandedShape = g.op('Concat', [gridSize, g.constInt64([half])], { axis: 0 });
  const rows = g.op('Expand', [g.op('Unsqueeze', [axis(0), g.constInt64([1])]), expandedShape]);
  const cols = g.op('Expand', [g.op('Unsqueeze', [axis(1), g.constInt64([0])]), expandedShape]);
  return g.op('Reshape', [g.op('Concat', [rows, cols], { axis: -1 }), g.constInt64([1, -1, width])]);
}
