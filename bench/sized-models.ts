/**
 * Random-weight graphs the size of two real components, for what their calls cost (bench:safety): SD's safety
 * checker (CLIP ViT-L/14's vision tower, its projection and the concept comparison, with the interface of
 * diffusers' ONNX export) and SD's VAE decoder (AutoencoderKL, block_out_channels 128/256/512/512, two
 * ResNet blocks a level and one more on the way up, attention in the middle block). The numbers they compute
 * mean nothing; the work is the real work.
 */
import { attention, conv2d, floatInput, floatOutput, groupNorm, layerNorm, linear, param, quickGelu, silu, upsampleNearest, type Net } from '../src/diffusion/graph/layers.js';
import { ElemType, float, GraphBuilder } from '../src/diffusion/graph/onnx-graph.js';
import { fanInInit, type WeightSource } from '../src/diffusion/graph/weights.js';

/** CLIP ViT-L/14 at 224 pixels, and SD's checker on top of it (17 concepts, 3 "special care" ones). */
export const VIT_L14 = { image: 224, patch: 14, width: 1024, layers: 24, heads: 16, mlp: 4096, projection: 768, concepts: 17, specialCare: 3 };

export function buildSizedSafetyChecker(weights: WeightSource): GraphBuilder {
  const g = new GraphBuilder('safety_checker');
  const net: Net = { g, w: weights };
  const { image, patch, width, layers, heads, mlp, projection } = VIT_L14;
  const tokens = (image / patch) ** 2 + 1;
  const clip = floatInput(g, 'clip_input', 'float32', ['batch', 'channels', 'height', 'width']);
  const images = floatInput(g, 'images', 'float32', ['batch', 'height', 'width', 'channels']);

  let x = g.scope('vision_model.embeddings', () => {
    const kernel = param(net, 'patch_embedding.weight', [width, 3, patch, patch], fanInInit(3 * patch * patch));
    const grid = g.op('Conv', [clip, kernel], { kernel_shape: [patch, patch], strides: [patch, patch] }); // [b, width, 16, 16]
    const patches = g.op('Transpose', [g.op('Reshape', [grid, g.constInt64([0, width, -1])])], { perm: [0, 2, 1] });
    const batch = g.op('Slice', [g.op('Shape', [clip]), g.constInt64([0]), g.constInt64([1])]);
    const classShape = g.op('Concat', [batch, g.constInt64([1, width])], { axis: 0 });
    const classToken = g.op('Expand', [param(net, 'class_embedding', [1, 1, width], { std: 1 }), classShape]);
    const sequence = g.op('Concat', [classToken, patches], { axis: 1 });
    return g.op('Add', [sequence, param(net, 'position_embedding.weight', [tokens, width], { std: 0.02 })]);
  });
  x = g.scope('vision_model', () => layerNorm(net, 'pre_layrnorm', x, width));
  for (let layer = 0; layer < layers; layer++) {
    x = g.scope(`vision_model.encoder.layers.${layer}`, () => {
      const normed = layerNorm(net, 'layer_norm1', x, width);
      const attended = g.op('Add', [x, attention(net, 'self_attn', normed, normed, { queryDim: width, contextDim: width, innerDim: width, heads, qkvBias: true })]);
      const hidden = quickGelu(g, linear(net, 'mlp.fc1', layerNorm(net, 'layer_norm2', attended, width), width, mlp));
      return g.op('Add', [attended, linear(net, 'mlp.fc2', hidden, mlp, width)]);
    });
  }
  const pooled = g.scope('vision_model', () => layerNorm(net, 'post_layernorm', g.op('Gather', [x, g.constInt64([0], [])], { axis: 1 }), width));
  const embeds = unit(g, linear(net, 'visual_projection', pooled, width, projection, { bias: false }));

  // Cosine similarity with each concept, less its threshold; a picture is flagged when any is above 0.
  const score = (name: string, count: number) => {
    const similarity = g.op('MatMul', [embeds, g.op('Transpose', [unit(g, param(net, `${name}_embeds`, [count, projection], { std: 1 }))])]);
    return g.op('Sub', [similarity, param(net, `${name}_embeds_weights`, [count], { mean: 0.2, std: 0.01 })]);
  };
  const special = g.op('ReduceMax', [score('special_care', VIT_L14.specialCare)], { axes: [1], keepdims: 1 });
  // The special care concepts lower every threshold by 0.01 when one of them is close, as in diffusers.
  const adjustment = g.op('Mul', [g.op('Cast', [g.op('Greater', [special, g.constFloat([0], [])])], { to: ElemType.float32 }), g.constFloat([0.01], [])]);
  const concepts = g.op('Add', [score('concept', VIT_L14.concepts), adjustment]);
  const flagged = g.op('Greater', [g.op('ReduceMax', [concepts], { axes: [1], keepdims: 0 }), g.constFloat([0], [])]);
  const keep = g.op('Sub', [g.constFloat([1], []), g.op('Cast', [flagged], { to: ElemType.float32 })]);
  floatOutput(g, 'out_images', g.op('Mul', [images, g.op('Reshape', [keep, g.constInt64([-1, 1, 1, 1])])]), 'float32', ['batch', 'height', 'width', 'channels']);
  g.output('has_nsfw_concepts', flagged, 'bool', ['batch']);
  return g;
}

/** Rows scaled to unit length. */
function unit(g: GraphBuilder, x: string): string {
  return g.op('Div', [x, g.op('ReduceL2', [x], { axes: [-1], keepdims: 1 })]);
}

/** SD's VAE decoder: `latent_sample` [b, 4, h, w] -> `sample` [b, 3, 8h, 8w]. */
export function buildSizedVaeDecoder(weights: WeightSource): GraphBuilder {
  const g = new GraphBuilder('vae_decoder');
  const net: Net = { g, w: weights };
  const groups = 32;
  const norm = (name: string, x: string, channels: number) => groupNorm(net, name, x, channels, groups, 1e-6);
  const resnet = (name: string, x: string, inC: number, outC: number) =>
    g.scope(name, () => {
      const h = conv2d(net, 'conv1', silu(g, norm('norm1', x, inC)), inC, outC);
      const out = conv2d(net, 'conv2', silu(g, norm('norm2', h, outC)), outC, outC);
      return g.op('Add', [inC === outC ? x : conv2d(net, 'conv_shortcut', x, inC, outC, { kernel: 1 }), out]);
    });
  const selfAttention = (name: string, x: string, channels: number) =>
    g.scope(name, () => {
      const sequence = g.op('Transpose', [g.op('Reshape', [norm('group_norm', x, channels), g.constInt64([0, channels, -1])])], { perm: [0, 2, 1] });
      const mixed = attention(net, 'attn', sequence, sequence, { queryDim: channels, contextDim: channels, innerDim: channels, heads: 1, qkvBias: true });
      return g.op('Add', [x, g.op('Reshape', [g.op('Transpose', [mixed], { perm: [0, 2, 1] }), g.op('Shape', [x])])]);
    });

  const latents = floatInput(g, 'latent_sample', 'float32', ['batch', 4, 'latent_height', 'latent_width']);
  const channels = [512, 512, 256, 128];
  const h = g.scope('decoder', () => {
    let x = conv2d(net, 'conv_in', conv2d(net, 'post_quant_conv', latents, 4, 4, { kernel: 1 }), 4, channels[0]!);
    x = resnet('mid_block.resnets.0', x, channels[0]!, channels[0]!);
    x = selfAttention('mid_block.attentions.0', x, channels[0]!);
    x = resnet('mid_block.resnets.1', x, channels[0]!, channels[0]!);
    let previous = channels[0]!;
    channels.forEach((out, i) => {
      for (let r = 0; r < 3; r++) x = resnet(`up_blocks.${i}.resnets.${r}`, x, r === 0 ? previous : out, out);
      if (i < channels.length - 1) x = conv2d(net, `up_blocks.${i}.upsamplers.0.conv`, upsampleNearest(g, x, 2), out, out);
      previous = out;
    });
    return conv2d(net, 'conv_out', silu(g, norm('conv_norm_out', x, previous)), previous, 3);
  });
  floatOutput(g, 'sample', h, 'float32', ['batch', 3, 'height', 'width']);
  return g;
}

/** ESRGAN's RRDBNet as Real-ESRGAN x4plus and 4x-UltraSharp have it: 23 RRDB blocks of 64 features, growth 32, two 2x nearest upsamplings. */
export const RRDB_NET = { features: 64, growth: 32, blocks: 23, scale: 4 };

/** An upscaler the size of Real-ESRGAN x4plus (16.7 M parameters): input [B,3,H,W] in 0..1, output [B,3,4H,4W]. */
export function buildSizedEsrgan(weights: WeightSource, blocks = RRDB_NET.blocks): GraphBuilder {
  const g = new GraphBuilder('esrgan');
  const net: Net = { g, w: weights };
  const { features: nf, growth: gc } = RRDB_NET;
  const leaky = (x: string) => g.op('LeakyRelu', [x], { alpha: float(0.2) });
  const scaled = (x: string, by: number) => g.op('Mul', [x, g.constFloat([by], [])]);
  /** Residual dense block: 5 convs, each seeing every earlier output; 0.2 of it added back. */
  const denseBlock = (name: string, x: string) =>
    g.scope(name, () => {
      const outs = [x];
      for (let i = 1; i <= 4; i++) outs.push(leaky(conv2d(net, `conv${i}`, g.op('Concat', outs, { axis: 1 }), nf + (i - 1) * gc, gc)));
      const last = conv2d(net, 'conv5', g.op('Concat', outs, { axis: 1 }), nf + 4 * gc, nf);
      return g.op('Add', [x, scaled(last, 0.2)]);
    });
  const input = g.input('input', 'float32', ['batch', 3, 'height', 'width']);
  const first = conv2d(net, 'conv_first', input, 3, nf);
  let body = first;
  for (let b = 0; b < blocks; b++) {
    body = g.scope(`body.${b}`, () => {
      const inner = denseBlock('rdb3', denseBlock('rdb2', denseBlock('rdb1', body)));
      return g.op('Add', [body, scaled(inner, 0.2)]);
    });
  }
  let x = g.op('Add', [first, conv2d(net, 'conv_body', body, nf, nf)]);
  x = leaky(conv2d(net, 'conv_up1', upsampleNearest(g, x, 2), nf, nf));
  x = leaky(conv2d(net, 'conv_up2', upsampleNearest(g, x, 2), nf, nf));
  const out = conv2d(net, 'conv_last', leaky(conv2d(net, 'conv_hr', x, nf, nf)), nf, 3);
  g.output('output', out, 'float32', ['batch', 3, 'height_out', 'width_out']);
  return g;
}
