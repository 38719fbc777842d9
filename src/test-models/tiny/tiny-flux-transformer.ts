/**
 * A small FLUX-style transformer with the interface of optimum's `flux-transformer-2d` export
 * (`transformer/model.onnx`, diffusers >= 0.31: ids without a batch axis), inputs in the order of
 * FluxTransformer2DModel.forward:
 * - `hidden_states` [batch_size, packed_height_width, 64]: the latents packed as 2x2 patches of 16 channels;
 * - `encoder_hidden_states` [batch_size, sequence_length, joint_attention_dim] (T5's last_hidden_state);
 * - `pooled_projections` [batch_size, pooled_projection_dim] (CLIP's pooler_output);
 * - `timestep` [step], float32 sigma in [0, 1] (diffusers passes t / 1000 and the model multiplies by 1000);
 * - `img_ids` [packed_height_width, 3] and `txt_ids` [sequence_length, 3], int64 as optimum traces them;
 * - `guidance` [batch_size] float32, only in a guidance-distilled model (dev; guidance_embeds true);
 * -> `out_hidden_states` [batch_size, packed_height_width, 64], the flow-matching velocity.
 *
 * FluxTransformer2DModel in miniature: x_embedder and context_embedder, the timestep (+ guidance) + pooled
 * embedding, positions from the ids (sinusoidal features of each id axis, projected and added, where FLUX
 * rotates q and k by them), one joint block and the modulated output layer.
 */
import { linear, type Net } from '../../diffusion/graph/layers.js';
import { ElemType, GraphBuilder } from '../../diffusion/graph/onnx-graph.js';
import type { WeightSource } from './seeded-weights.js';
import { jointBlock, outputLayer, pooledEmbedding, sinusoidal, valueEmbedding, velocityFromDenoised, type DitSpec } from './tiny-dit-blocks.js';

export interface FluxTransformerSpec extends DitSpec {
  /** Packed latent features: 16 channels x 2 x 2 = 64. */
  inChannels: number;
  jointAttentionDim: number;
  pooledProjectionDim: number;
  /** FLUX.1 dev: a guidance input (guidance distillation); schnell has none. */
  guidanceEmbeds: boolean;
  /** Sinusoidal features per id axis (FLUX's axes_dims_rope split the head width the same way). */
  idFeatures: number;
}

/** transformer/config.json: a FluxTransformer2DModel config for this network. */
export function fluxTransformerConfig(spec: FluxTransformerSpec, sampleSize: number): Record<string, unknown> {
  const headDim = spec.width / spec.heads;
  return {
    _class_name: 'FluxTransformer2DModel',
    _diffusers_version: '0.30.0.dev0',
    attention_head_dim: headDim,
    axes_dims_rope: [headDim / 4, (3 * headDim) / 8, (3 * headDim) / 8],
    guidance_embeds: spec.guidanceEmbeds,
    in_channels: spec.inChannels,
    joint_attention_dim: spec.jointAttentionDim,
    num_attention_heads: spec.heads,
    num_layers: 1,
    num_single_layers: 0,
    patch_size: 1,
    pooled_projection_dim: spec.pooledProjectionDim,
    // Not in FLUX's own config (its pipeline assumes 128 latents, 1024 pixels): the tiny model's native size.
    sample_size: sampleSize,
  };
}

export function buildFluxTransformer(weights: WeightSource, spec: FluxTransformerSpec): GraphBuilder {
  const g = new GraphBuilder('transformer');
  const net: Net = { g, w: weights };
  const { width } = spec;
  const sample = g.input('hidden_states', 'float32', ['batch_size', 'packed_height_width', spec.inChannels]);
  const context = g.input('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', spec.jointAttentionDim]);
  const pooled = g.input('pooled_projections', 'float32', ['batch_size', spec.pooledProjectionDim]);
  const timestep = g.input('timestep', 'float32', ['step']);
  const imageIds = g.input('img_ids', 'int64', ['packed_height_width', 3]);
  const textIds = g.input('txt_ids', 'int64', ['sequence_length', 3]);
  const guidance = spec.guidanceEmbeds ? g.input('guidance', 'float32', ['batch_size']) : undefined;

  const image = g.op('Add', [linear(net, 'x_embedder', sample, spec.inChannels, width), idPositions(net, 'image_positions', imageIds, spec)]);
  const text = g.op('Add', [linear(net, 'context_embedder', context, spec.jointAttentionDim, width), idPositions(net, 'text_positions', textIds, spec)]);

  // FLUX embeds timestep x 1000 and guidance x 1000, as diffusers' FluxTransformer2DModel does.
  const thousand = g.constFloat([1000], []);
  const conditioning = g.scope('time_text_embed', () => {
    let embedded = g.op('Add', [
      valueEmbedding(net, 'timestep_embedder', g.op('Mul', [timestep, thousand]), spec),
      pooledEmbedding(net, 'text_embedder', pooled, spec.pooledProjectionDim, spec),
    ]);
    if (guidance) embedded = g.op('Add', [embedded, valueEmbedding(net, 'guidance_embedder', g.op('Mul', [guidance, thousand]), spec)]);
    return embedded;
  });

  const imageOut = jointBlock(net, 'transformer_blocks.0', image, text, conditioning, spec);
  const denoised = outputLayer(net, imageOut, conditioning, spec.inChannels, spec);
  g.output('out_hidden_states', velocityFromDenoised(g, sample, denoised, timestep, 3), 'float32', ['batch_size', 'packed_height_width', spec.inChannels]);
  return g;
}

/** [n, 3] int64 ids -> [n, width]: sinusoidal features of each axis (index, row, column), projected. */
function idPositions(net: Net, name: string, ids: string, spec: FluxTransformerSpec): string {
  const { g } = net;
  return g.scope(name, () => {
    const values = g.op('Reshape', [g.op('Cast', [ids], { to: ElemType.float32 }), g.constInt64([-1])]); // [n * 3]
    const features = g.op('Reshape', [sinusoidal(g, values, spec.idFeatures), g.constInt64([-1, 3 * spec.idFeatures])]);
    return linear(net, 'proj', features, 3 * spec.idFeatures, spec.width, { gain: 0.5 });
  });
}
