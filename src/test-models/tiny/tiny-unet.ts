/**
 * A small conditional UNet with the interface of a diffusers ONNX `unet/model.onnx`:
 * `sample` [batch, 4, height, width], `timestep` [batch] (int64 or float32), `encoder_hidden_states`
 * [batch, sequence (77 per prompt chunk), hidden] -> `out_sample` [batch, 4, height, width]. An inpainting
 * UNet (inChannels 9) takes the latents, the mask and the masked image's latents stacked as `sample`.
 * An SDXL UNet also takes `text_embeds` [batch, projection] and `time_ids` [batch, 6] (diffusers'
 * addition_embed_type "text_time"); an LCM UNet takes `timestep_cond` [batch, time_cond_proj_dim].
 *
 * The structure is UNet2DConditionModel's in miniature, so the pipeline exercises the same kind of graph:
 * sinusoidal timestep embedding + MLP, conv_in, per level a ResNet block (GroupNorm, SiLU, conv, timestep
 * added per channel, residual) and a spatial cross-attention block over the text, one stride-2 downsample
 * and a nearest upsample with a skip connection, and conv_out. The output is turned into a noise prediction
 * by `noiseFromDenoised` (see there why).
 */
import {
  attention,
  conv2d,
  floatInput,
  floatOutput,
  groupNorm,
  layerNorm,
  linear,
  resizeNearestLike,
  silu,
  type FloatDtype,
  type Net,
} from '../../diffusion/graph/layers.js';
import { ElemType, GraphBuilder } from '../../diffusion/graph/onnx-graph.js';
import type { WeightSource } from './seeded-weights.js';

export interface UNetSpec {
  /** Channels of the full-resolution level and of the half-resolution level. */
  channels: [number, number];
  groups: number;
  heads: number;
  /** Size of the sinusoidal timestep features. */
  timestepFeatures: number;
  /** Width of the timestep embedding MLP. */
  timeEmbedDim: number;
  /** Hidden size of the text encoder (the UNet's cross_attention_dim). */
  contextDim: number;
  timestepType: 'int64' | 'float32';
  /** `batch` ([batch], diffusers' ONNX script) or `scalar` (a 0-d timestep shared by the batch, as optimum exports). */
  timestepShape?: 'batch' | 'scalar';
  dtype: FloatDtype;
  /** 4, or 9 for an inpainting UNet (latents + mask + masked-image latents). */
  inChannels: 4 | 9;
  /** What `out_sample` is: the noise (SD 1.x) or v = sqrt(abar) eps - sqrt(1 - abar) x0 (SD 2.x 768). */
  predictionType: 'epsilon' | 'v_prediction';
  /** SDXL's added embedding: width of text_embeds and of each time id's sinusoidal features. */
  textTime?: { textEmbedsDim: number; timeIdFeatures: number };
  /** LCM's time_cond_proj_dim: the width of the guidance embedding `timestep_cond`. */
  timestepCondDim?: number;
}

/** SDXL's time_ids: original height and width, crop top and left, target height and width. */
const TIME_IDS = 6;

/** The values written to unet/config.json (a UNet2DConditionModel config, reduced to what applies). */
export function unetConfig(spec: UNetSpec, sampleSize: number): Record<string, unknown> {
  return {
    _class_name: 'UNet2DConditionModel',
    sample_size: sampleSize,
    in_channels: spec.inChannels,
    out_channels: 4,
    block_out_channels: spec.channels,
    layers_per_block: 1,
    norm_num_groups: spec.groups,
    attention_head_dim: spec.heads,
    cross_attention_dim: spec.contextDim,
    flip_sin_to_cos: true,
    prediction_type: spec.predictionType,
    ...(spec.textTime
      ? {
          addition_embed_type: 'text_time',
          addition_time_embed_dim: spec.textTime.timeIdFeatures,
          projection_class_embeddings_input_dim: spec.textTime.textEmbedsDim + TIME_IDS * spec.textTime.timeIdFeatures,
        }
      : {}),
    ...(spec.timestepCondDim ? { time_cond_proj_dim: spec.timestepCondDim } : {}),
    freq_shift: 0,
    down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'],
    up_block_types: ['CrossAttnUpBlock2D', 'UpBlock2D'],
  };
}

export function buildUNet(weights: WeightSource, spec: UNetSpec): GraphBuilder {
  const g = new GraphBuilder('unet');
  const net: Net = { g, w: weights };
  const [c0, c1] = spec.channels;
  const sample = floatInput(g, 'sample', spec.dtype, ['batch', spec.inChannels, 'height', 'width']);
  // The latents are the first 4 channels (all of them unless this is an inpainting UNet).
  const latents = spec.inChannels === 4 ? sample : g.op('Slice', [sample, g.constInt64([0]), g.constInt64([4]), g.constInt64([1])]);
  const declared = g.input('timestep', spec.timestepType, spec.timestepShape === 'scalar' ? [] : ['batch']);
  // A scalar timestep becomes [1], which broadcasts over the batch wherever [batch] is used below.
  const timestep = spec.timestepShape === 'scalar' ? g.op('Reshape', [declared, g.constInt64([-1])]) : declared;
  // The sequence length is symbolic, as in optimum's exports: long prompts arrive as several 77-token chunks.
  const context = floatInput(g, 'encoder_hidden_states', spec.dtype, ['batch', 'sequence', spec.contextDim]);

  const timestepCond = spec.timestepCondDim ? floatInput(g, 'timestep_cond', spec.dtype, ['batch', spec.timestepCondDim]) : undefined;
  const textEmbeds = spec.textTime ? floatInput(g, 'text_embeds', spec.dtype, ['batch', spec.textTime.textEmbedsDim]) : undefined;
  const timeIds = spec.textTime ? floatInput(g, 'time_ids', spec.dtype, ['batch', TIME_IDS]) : undefined;

  let temb = timeEmbedding(net, timestep, spec, timestepCond);
  if (textEmbeds && timeIds) temb = g.op('Add', [temb, addedEmbedding(net, textEmbeds, timeIds, spec)]);
  const block = (name: string, x: string, inC: number, outC: number) => resnetBlock(net, name, x, inC, outC, temb, spec);
  const crossAttention = (name: string, x: string, channels: number) => spatialCrossAttention(net, name, x, context, channels, spec);

  let h = conv2d(net, 'conv_in', sample, spec.inChannels, c0);
  h = block('down_blocks.0.resnets.0', h, c0, c0);
  const skip = crossAttention('down_blocks.0.attentions.0', h, c0);

  h = conv2d(net, 'down_blocks.0.downsamplers.0.conv', skip, c0, c0, { stride: 2 });
  h = block('mid_block.resnets.0', h, c0, c1);
  h = crossAttention('mid_block.attentions.0', h, c1);

  h = conv2d(net, 'up_blocks.0.upsamplers.0.conv', resizeNearestLike(g, h, skip), c1, c0);
  h = block('up_blocks.1.resnets.0', g.op('Concat', [h, skip], { axis: 1 }), 2 * c0, c0);

  h = silu(g, groupNorm(net, 'conv_norm_out', h, c0, spec.groups));
  // gain > 1 so that the estimate has roughly unit variance, like SD's (scaled) latents.
  const denoised = conv2d(net, 'conv_out', h, c0, 4, { gain: 1.5 });
  const out = predictionFromDenoised(g, latents, denoised, timestep, spec.predictionType);
  floatOutput(g, 'out_sample', out, spec.dtype, ['batch', 4, 'height', 'width']);
  return g;
}

/**
 * Why: untrained weights predict "noise" that has nothing to do with the noise in the sample, so the
 * sampler never removes it and the latents grow far beyond SD's range. Instead the network's output is
 * read as an estimate x0 of the clean latents and turned into the noise a perfect denoiser with that
 * estimate would predict: eps = (x_t - sqrt(abar_t) x0) / sqrt(1 - abar_t), with SD 1.x's training
 * schedule. Samplers then walk from noise to x0 as with a real model, and the previews show it.
 */
function predictionFromDenoised(g: GraphBuilder, sample: string, denoised: string, timestep: string, type: UNetSpec['predictionType']): string {
  const alphasCumprod = sdAlphasCumprod();
  const last = alphasCumprod.length - 1;
  const sqrtAlpha = g.constFloat(alphasCumprod.map((a) => Math.sqrt(a)));
  const invSqrtOneMinusAlpha = g.constFloat(alphasCumprod.map((a) => 1 / Math.sqrt(1 - a)));
  // Fractional timesteps (some schedulers interpolate) use the nearest table entry.
  const t = g.op('Clip', [g.op('Round', [g.op('Cast', [timestep], { to: ElemType.float32 })]), g.constFloat([0], []), g.constFloat([last], [])]);
  const index = g.op('Cast', [t], { to: ElemType.int64 });
  const perSample = (table: string) => g.op('Reshape', [g.op('Gather', [table, index], { axis: 0 }), g.constInt64([-1, 1, 1, 1])]);
  const residual = g.op('Sub', [sample, g.op('Mul', [denoised, perSample(sqrtAlpha)])]);
  const noise = g.op('Mul', [residual, perSample(invSqrtOneMinusAlpha)]);
  if (type === 'epsilon') return noise;
  // v-prediction of the same denoiser: a scheduler that reads it right recovers the same x0.
  const sqrtOneMinusAlpha = g.constFloat(alphasCumprod.map((a) => Math.sqrt(1 - a)));
  return g.op('Sub', [g.op('Mul', [noise, perSample(sqrtAlpha)]), g.op('Mul', [denoised, perSample(sqrtOneMinusAlpha)])]);
}

/** Cumulative products of (1 - beta) for SD 1.x: "scaled_linear" betas from 0.00085 to 0.012 over 1000 steps. */
export function sdAlphasCumprod(steps = 1000, betaStart = 0.00085, betaEnd = 0.012): number[] {
  const out: number[] = [];
  let product = 1;
  for (let i = 0; i < steps; i++) {
    const root = Math.sqrt(betaStart) + ((Math.sqrt(betaEnd) - Math.sqrt(betaStart)) * i) / (steps - 1);
    product *= 1 - root * root;
    out.push(product);
  }
  return out;
}

/**
 * diffusers' Timesteps (flip_sin_to_cos, no shift) followed by TimestepEmbedding (linear, SiLU, linear); an
 * LCM UNet first adds its guidance embedding, projected by cond_proj, to the sinusoidal features.
 */
function timeEmbedding(net: Net, timestep: string, spec: UNetSpec, timestepCond: string | undefined): string {
  const { g } = net;
  let features = sinusoidal(g, g.op('Cast', [timestep], { to: ElemType.float32 }), spec.timestepFeatures); // [batch, features]
  return g.scope('time_embedding', () => {
    if (timestepCond) {
      features = g.op('Add', [features, linear(net, 'cond_proj', timestepCond, spec.timestepCondDim!, spec.timestepFeatures, { bias: false, gain: 2 })]);
    }
    return linear(net, 'linear_2', silu(g, linear(net, 'linear_1', features, spec.timestepFeatures, spec.timeEmbedDim)), spec.timeEmbedDim, spec.timeEmbedDim);
  });
}

/** [n] values -> [n, size] features [cos..., sin...] at frequencies exp(-ln(10000) i / half), as diffusers' Timesteps. */
function sinusoidal(g: GraphBuilder, values: string, size: number): string {
  const half = size / 2;
  const frequencies = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const angles = g.op('Mul', [g.op('Unsqueeze', [values, g.constInt64([1])]), g.constFloat(frequencies, [1, half])]);
  return g.op('Concat', [g.op('Cos', [angles]), g.op('Sin', [angles])], { axis: 1 });
}

/**
 * SDXL's added embedding: each time id through the sinusoidal features (add_time_proj), flattened per sample,
 * after the pooled text embedding; then add_embedding (linear, SiLU, linear) to the timestep embedding's width.
 */
function addedEmbedding(net: Net, textEmbeds: string, timeIds: string, spec: UNetSpec): string {
  const { g } = net;
  const { textEmbedsDim, timeIdFeatures } = spec.textTime!;
  const ids = g.op('Reshape', [timeIds, g.constInt64([-1])]); // [batch * 6]
  const timeFeatures = g.op('Reshape', [sinusoidal(g, ids, timeIdFeatures), g.constInt64([-1, TIME_IDS * timeIdFeatures])]);
  const inputs = g.op('Concat', [textEmbeds, timeFeatures], { axis: 1 });
  const width = textEmbedsDim + TIME_IDS * timeIdFeatures;
  return g.scope('add_embedding', () =>
    linear(net, 'linear_2', silu(g, linear(net, 'linear_1', inputs, width, spec.timeEmbedDim, { gain: 2 })), spec.timeEmbedDim, spec.timeEmbedDim),
  );
}

/** ResnetBlock2D: norm, SiLU, conv, + projected timestep, norm, SiLU, conv, + (1x1-projected) input. */
function resnetBlock(net: Net, name: string, x: string, inC: number, outC: number, temb: string, spec: UNetSpec): string {
  const { g } = net;
  return g.scope(name, () => {
    let h = conv2d(net, 'conv1', silu(g, groupNorm(net, 'norm1', x, inC, spec.groups)), inC, outC);
    const t = linear(net, 'time_emb_proj', silu(g, temb), spec.timeEmbedDim, outC); // [batch, outC]
    h = g.op('Add', [h, g.op('Unsqueeze', [t, g.constInt64([2, 3])])]);
    h = conv2d(net, 'conv2', silu(g, groupNorm(net, 'norm2', h, outC, spec.groups)), outC, outC);
    const shortcut = inC === outC ? x : conv2d(net, 'conv_shortcut', x, inC, outC, { kernel: 1 });
    return g.op('Add', [shortcut, h]);
  });
}

/**
 * Transformer2DModel reduced to its cross-attention: pixels become a sequence [batch, h*w, channels], attend
 * to the text, and go back to NCHW; the result is added to the input.
 */
function spatialCrossAttention(net: Net, name: string, x: string, context: string, channels: number, spec: UNetSpec): string {
  const { g } = net;
  return g.scope(name, () => {
    const normed = groupNorm(net, 'norm', x, channels, spec.groups);
    const tokens = g.op('Transpose', [g.op('Reshape', [normed, g.constInt64([0, channels, -1])])], { perm: [0, 2, 1] });
    const attended = attention(net, 'attn2', layerNorm(net, 'norm2', tokens, channels), context, {
      queryDim: channels,
      contextDim: spec.contextDim,
      innerDim: channels,
      heads: spec.heads,
    });
    const back = g.op('Reshape', [g.op('Transpose', [attended], { perm: [0, 2, 1] }), g.op('Shape', [x])]);
    return g.op('Add', [x, back]);
  });
}
