/**
 * A small VAE pair with the interfaces of diffusers' ONNX exports:
 * - `vae_decoder/model.onnx`: `latent_sample` [batch, 4, h, w] -> `sample` [batch, 3, 8h, 8w] in [-1, 1];
 * - `vae_encoder/model.onnx`: `sample` [batch, 3, H, W] -> `latent_sample` [batch, 4, ceil(H/8), ceil(W/8)].
 * SD3's and FLUX's VAEs have 16 latent channels and a shift_factor (latents = (z - shift) * scale); with
 * `latentChannels` and `shiftFactor` set, the pair has those (and the encoder's latents that mean and spread).
 *
 * Not trained, so it does not reconstruct; it is built so that random latents decode to colourful smooth-ish
 * pictures (a GroupNorm right after the first conv makes the colours independent of the latents' scale),
 * and so that encoded images have SD's latent statistics (std about 1 / scaling_factor).
 */
import { conv2d, floatInput, floatOutput, groupNorm, param, silu, upsampleNearest, type FloatDtype, type Net } from '../../diffusion/graph/layers.js';
import { GraphBuilder } from '../../diffusion/graph/onnx-graph.js';
import type { WeightSource } from './seeded-weights.js';

export const VAE_SCALING_FACTOR = 0.18215;

export interface VaeSpec {
  /** Channels at latent resolution, then after each of the three x2 steps (decoder; the encoder mirrors it). */
  channels: [number, number, number, number];
  groups: number;
  dtype: FloatDtype;
  /**
   * The encoder's output: `latent_sample` (diffusers' ONNX export: the posterior mean) or `latent_parameters`
   * (newer optimum exports: mean and log-variance stacked, 8 channels).
   */
  encoderOutput?: 'latent_sample' | 'latent_parameters';
  /** 4 (SD 1.x/2.x/SDXL, the default) or 16 (SD3, FLUX). */
  latentChannels?: number;
  /** The config's scaling_factor; default SD's 0.18215. */
  scalingFactor?: number;
  /** The config's shift_factor (SD3 0.0609, FLUX 0.1159); absent for SD's VAEs, which have none. */
  shiftFactor?: number;
}

/** The values written to vae_decoder/config.json and vae_encoder/config.json (an AutoencoderKL config). */
export function vaeConfig(spec: VaeSpec, sampleSize: number): Record<string, unknown> {
  return {
    _class_name: 'AutoencoderKL',
    in_channels: 3,
    out_channels: 3,
    latent_channels: latentChannels(spec),
    sample_size: sampleSize,
    scaling_factor: spec.scalingFactor ?? VAE_SCALING_FACTOR,
    block_out_channels: [...spec.channels].reverse(),
    norm_num_groups: spec.groups,
    // SD3's and FLUX's VAEs: a shift, and no quant convs around the latents.
    ...(spec.shiftFactor !== undefined ? { shift_factor: spec.shiftFactor, use_quant_conv: false, use_post_quant_conv: false } : {}),
  };
}

function latentChannels(spec: VaeSpec): number {
  return spec.latentChannels ?? 4;
}

/** A graph and the weights its layers draw from. */
function newGraph(name: string, weights: WeightSource): { g: GraphBuilder; net: Net } {
  const g = new GraphBuilder(name);
  return { g, net: { g, w: weights } };
}

export function buildVaeDecoder(weights: WeightSource, spec: VaeSpec): GraphBuilder {
  const { g, net } = newGraph('vae_decoder', weights);
  const [c0, c1, c2, c3] = spec.channels;
  const channels = latentChannels(spec);
  const latents = floatInput(g, 'latent_sample', spec.dtype, ['batch', channels, 'latent_height', 'latent_width']);

  let h = g.scope('decoder', () => {
    let x = silu(g, groupNorm(net, 'conv_norm_in', conv2d(net, 'conv_in', latents, channels, c0), c0, spec.groups));
    const widths = [c0, c1, c2, c3];
    for (let i = 0; i < 3; i++) {
      x = silu(g, conv2d(net, `up_blocks.${i}.conv`, upsampleNearest(g, x, 2), widths[i]!, widths[i + 1]!, { gain: 1.5 }));
    }
    // A norm before the last conv keeps its input at unit scale, so the tanh below is neither flat nor saturated.
    x = groupNorm(net, 'conv_norm_out', x, c3, Math.min(spec.groups, c3));
    return conv2d(net, 'conv_out', x, c3, 3, { gain: 1.2 });
  });
  // onnxruntime's fast tanh can return 1.0000001, hence the Clip that makes [-1, 1] a promise.
  h = g.op('Clip', [g.op('Tanh', [h]), g.constFloat([-1], []), g.constFloat([1], [])]);
  floatOutput(g, 'sample', h, spec.dtype, ['batch', 3, 'height', 'width']);
  return g;
}

export function buildVaeEncoder(weights: WeightSource, spec: VaeSpec): GraphBuilder {
  const { g, net } = newGraph('vae_encoder', weights);
  const [c0, c1, c2, c3] = spec.channels;
  const channels = latentChannels(spec);
  const image = floatInput(g, 'sample', spec.dtype, ['batch', 3, 'height', 'width']);

  const latents = g.scope('encoder', () => {
    let x = silu(g, conv2d(net, 'conv_in', image, 3, c3));
    const widths = [c3, c2, c1, c0];
    for (let i = 0; i < 3; i++) {
      x = silu(g, conv2d(net, `down_blocks.${i}.conv`, x, widths[i]!, widths[i + 1]!, { stride: 2, gain: 1.5 }));
    }
    const out = conv2d(net, 'conv_out', x, c0, channels);
    // Instance-normalise each latent channel and scale it to 1 / scaling_factor: SD's VAE latents have about
    // that spread, so the pipeline's `* scaling_factor` brings them to unit variance as it does for SD.
    return groupNorm(net, 'latent_norm', out, channels, channels);
  });
  let scaled = g.op('Mul', [latents, param(net, 'latent_scale', [], { mean: 1 / (spec.scalingFactor ?? VAE_SCALING_FACTOR), std: 0 })]);
  // With a shift, centred on it: the pipeline's `(z - shift) * scale` then gives zero-mean latents.
  if (spec.shiftFactor !== undefined) scaled = g.op('Add', [scaled, param(net, 'latent_shift', [], { mean: spec.shiftFactor, std: 0 })]);
  if (spec.encoderOutput === 'latent_parameters') {
    // A small, picture-independent log-variance: the second half a sampling pipeline would use, which ours ignores.
    const logVariance = g.op('Mul', [g.op('Abs', [scaled]), param(net, 'log_variance_scale', [], { mean: -4, std: 0 })]);
    const parameters = g.op('Concat', [scaled, logVariance], { axis: 1 });
    floatOutput(g, 'latent_parameters', parameters, spec.dtype, ['batch', 2 * channels, 'latent_height', 'latent_width']);
  } else {
    floatOutput(g, 'latent_sample', scaled, spec.dtype, ['batch', channels, 'latent_height', 'latent_width']);
  }
  return g;
}
