/**
 * TAESD, the tiny autoencoder for Stable Diffusion latents (by Ollin Boer Bohan): a decoder of ~1.2 M
 * parameters that turns latents into a recognisable RGB preview for a fraction of the VAE's cost. Its graph
 * is built here from the published safetensors weights (tensor names are nn.Sequential indices); the
 * decoder takes the UNet's latents as they are (no scaling factor) and returns RGB in [0, 1].
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { conv2d, upsampleNearest, type Net } from '../graph/layers.js';
import { GraphBuilder } from '../graph/onnx-graph.js';
import type { ModelFamily } from '../model/family.js';
import { floatOnnxTensor } from '../model/onnx-tensors.js';
import type { RgbImage } from '../rgb-image.js';
import { SafetensorsWeights } from './safetensors.js';
import type { FloatTensor } from '../tensor.js';


const CHANNELS = 64;

/** Block(64): relu(conv(relu(conv(relu(conv(x))))) + x), convs at N.conv.0, N.conv.2, N.conv.4. */
function block(net: Net, index: number, x: string): string {
  return net.g.scope(String(index), () =>
    net.g.scope('conv', () => {
      let y = net.g.op('Relu', [conv2d(net, '0', x, CHANNELS, CHANNELS)]);
      y = net.g.op('Relu', [conv2d(net, '2', y, CHANNELS, CHANNELS)]);
      y = conv2d(net, '4', y, CHANNELS, CHANNELS);
      return net.g.op('Relu', [net.g.op('Add', [y, x])]);
    }),
  );
}

/** `latentChannels`: 4 (TAESD, TAESDXL) or 16 (TAESD3, TAEF1), as the first conv's weights say. */
export function taesdDecoderGraph(weights: SafetensorsWeights, latentChannels = 4): Uint8Array {
  const g = new GraphBuilder('taesd_decoder');
  const net: Net = { g, w: weights };
  const latents = g.input('latent_sample', 'float32', ['batch', latentChannels, 'height', 'width']);
  // 0: soft clamp tanh(x / 3) * 3
  let x = g.op('Mul', [g.op('Tanh', [g.op('Div', [latents, g.constFloat([3], [])])]), g.constFloat([3], [])]);
  x = g.op('Relu', [conv2d(net, '1', x, latentChannels, CHANNELS)]);
  let index = 3;
  for (const upsampleAt of [6, 11, 16]) {
    for (; index < upsampleAt; index++) x = block(net, index, x);
    x = upsampleNearest(g, x, 2);
    x = conv2d(net, String(upsampleAt + 1), x, CHANNELS, CHANNELS, { bias: false });
    index = upsampleAt + 2;
  }
  x = block(net, 18, x);
  x = conv2d(net, '19', x, CHANNELS, 3);
  g.output('sample', x, 'float32', ['batch', 3, 'height8', 'width8']);
  return g.toBytes({ producerName: 'atelier-taesd' });
}

export function taesdEncoderGraph(weights: SafetensorsWeights): Uint8Array {
  const g = new GraphBuilder('taesd_encoder');
  const net: Net = { g, w: weights };
  let x = g.input('sample', 'float32', ['batch', 3, 'height', 'width']);
  x = conv2d(net, '0', x, 3, CHANNELS);
  x = block(net, 1, x);
  for (const [down, blocks] of [[2, [3, 4, 5]], [6, [7, 8, 9]], [10, [11, 12, 13]]] as const) {
    x = conv2d(net, String(down), x, CHANNELS, CHANNELS, { stride: 2, bias: false });
    for (const b of blocks) x = block(net, b, x);
  }
  x = conv2d(net, '14', x, CHANNELS, 4);
  g.output('latent_sample', x, 'float32', ['batch', 4, 'height8', 'width8']);
  return g.toBytes({ producerName: 'atelier-taesd' });
}

/**
 * The decoder weights for a family's latents. TAESDXL has the same architecture, trained on SDXL's VAE
 * latents; SD 1.x and 2.x share a VAE, hence one decoder. TAESD3 and TAEF1 take 16 latent channels.
 */
export function taesdDecoderFile(family: ModelFamily): string {
  if (family === 'sd3') return 'taesd3_decoder.safetensors';
  if (family === 'flux') return 'taef1_decoder.safetensors';
  return family === 'sdxl' ? 'taesdxl_decoder.safetensors' : 'taesd_decoder.safetensors';
}

/** A TAESD decoder session for previews: latents in, RGB out. */
export class TaesdDecoder {
  private constructor(private readonly session: ort.InferenceSession) {}

  /** Whether `dir` holds the decoder weights for the family's latents. */
  static isInstalled(dir: string, family: ModelFamily): boolean {
    return existsSync(path.join(dir, taesdDecoderFile(family)));
  }

  /**
   * From a folder holding the family's decoder (see taesdDecoderFile), or from the file itself. Without a
   * family, the SD 1.x/2.x decoder, as before families existed.
   */
  static async load(location: string, family: ModelFamily = 'sd1'): Promise<TaesdDecoder> {
    const file = location.endsWith('.safetensors') ? location : path.join(location, taesdDecoderFile(family));
    const weights = await SafetensorsWeights.read(file);
    const graph = taesdDecoderGraph(weights, family === 'sd3' || family === 'flux' ? 16 : 4);
    return new TaesdDecoder(await ort.InferenceSession.create(graph, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' }));
  }

  /**
   * RGB preview of one image of a latent batch, at 8x the latent resolution, or smaller when `maxSize` asks:
   * the latents are average-pooled first, which costs the decoder the square of the factor less.
   */
  async decode(latents: FloatTensor, batchIndex = 0, maxSize = Infinity): Promise<RgbImage> {
    const [, channels, height, width] = latents.dims as [number, number, number, number];
    const size = channels * height * width;
    const one = latents.data.subarray(batchIndex * size, (batchIndex + 1) * size);
    const factor = Math.max(1, Math.floor((8 * Math.max(height, width)) / maxSize));
    const pooled = averagePool(one, channels, height, width, factor);
    const result = await this.session.run({ latent_sample: floatOnnxTensor('float32', { data: pooled.data, dims: [1, channels, pooled.height, pooled.width] }, 'latent_sample') });
    const sample = result.sample!;
    const [, , outHeight, outWidth] = sample.dims as [number, number, number, number];
    return planarUnitToRgb(sample.data as Float32Array, outWidth, outHeight);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Average pooling of [channels, height, width] by `factor` (partial windows at the edges are dropped). */
function averagePool(data: Float32Array, channels: number, height: number, width: number, factor: number) {
  if (factor === 1) return { data: Float32Array.from(data), height, width };
  const outHeight = Math.max(1, Math.floor(height / factor));
  const outWidth = Math.max(1, Math.floor(width / factor));
  const out = new Float32Array(channels * outHeight * outWidth);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          for (let dx = 0; dx < factor; dx++) sum += data[c * height * width + (y * factor + dy) * width + x * factor + dx]!;
        }
        out[(c * outHeight + y) * outWidth + x] = sum / (factor * factor);
      }
    }
  }
  return { data: out, height: outHeight, width: outWidth };
}

/** [3, H, W] floats in [0, 1] -> interleaved 8-bit RGB. */
export function planarUnitToRgb(data: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  const out = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      const value = Math.round(data[c * plane + p]! * 255);
      out[p * 3 + c] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  return { width, height, data: out };
}
