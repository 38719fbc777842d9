/**
 * The VAE: latents <-> pictures. Decoding divides by the model's scaling factor (and adds SD3's / FLUX's shift
 * factor: latents = (z - shift) x scale) and turns the planar [-1, 1]
 * output into 8-bit RGB; encoding (img2img, inpainting) does the reverse with an encoder session that is
 * loaded on first use, since txt2img never needs it and some exports leave it out.
 * A hires pass upscales decoded pictures (or latents) between two passes; the codec here serves both ends.
 */
import type { ModelFolder } from './model/model-folder.js';
import { ModelSession, type SessionOptions } from './model/onnx-session.js';
import { outputAsFloat32 } from './model/onnx-tensors.js';
import type { RgbImage } from './rgb-image.js';
import { concatBatch, scaleInPlace, type FloatTensor } from './tensor.js';

/** SD 1.x/2.x and SDXL latents; SD3 and FLUX have 16 (ModelFolder.latentChannels). */
export const LATENT_CHANNELS = 4;

export class Vae {
  /** Loaded on the first encode. */
  private encoder: Promise<ModelSession> | null = null;

  private constructor(
    private readonly model: ModelFolder,
    private readonly decoder: ModelSession,
    private readonly sessionOptions: SessionOptions,
  ) {}

  static async load(model: ModelFolder, options: SessionOptions): Promise<Vae> {
    return new Vae(model, await ModelSession.load(model.paths.vaeDecoder, options), options);
  }

  /** One image's latents -> RGB bytes. Decoding one at a time bounds memory at large sizes. */
  async decode(latents: FloatTensor): Promise<RgbImage> {
    return planarToRgb(await this.decodePlanar(latents));
  }

  /** Latents -> the decoder's planar output in about [-1, 1] ([B, 3, H, W]), unclamped. */
  async decodePlanar(latents: FloatTensor): Promise<FloatTensor> {
    const { vaeScalingFactor: scale, vaeShiftFactor: shift } = this.model;
    const scaled = { data: new Float32Array(latents.data.length), dims: latents.dims };
    for (let i = 0; i < scaled.data.length; i++) scaled.data[i] = latents.data[i]! / scale + shift;
    const outputs = await this.decoder.run({ latent_sample: this.decoder.floatInput('latent_sample', scaled) });
    return outputAsFloat32(outputs.sample ?? outputs[this.decoder.outputNames[0]!]!);
  }

  /** A picture -> scaled latents, repeated for each image of the batch (the VAE encoder's mean; no sampling). */
  encode(image: RgbImage, imageCount: number): Promise<FloatTensor> {
    return this.encodePlanar(rgbToPlanar(image), imageCount);
  }

  /** As `encode`, for a picture already planar in [-1, 1] ([1, 3, H, W]). */
  async encodePlanar(picture: FloatTensor, imageCount: number): Promise<FloatTensor> {
    if (!this.model.paths.vaeEncoder) throw new Error(`model "${this.model.name}" has no vae_encoder, which img2img and inpainting need`);
    this.encoder ??= ModelSession.load(this.model.paths.vaeEncoder, this.sessionOptions);
    const encoder = await this.encoder;
    const outputs = await encoder.run({ sample: encoder.floatInput('sample', picture) });
    const latent = posteriorMean(outputAsFloat32(outputs.latent_sample ?? outputs.latent_parameters ?? outputs[encoder.outputNames[0]!]!), this.model.latentChannels);
    const { vaeScalingFactor: scale, vaeShiftFactor: shift } = this.model;
    if (shift === 0) scaleInPlace(latent.data, scale);
    else for (let i = 0; i < latent.data.length; i++) latent.data[i] = (latent.data[i]! - shift) * scale;
    return concatBatch(Array.from({ length: imageCount }, () => latent));
  }

  async release(): Promise<void> {
    const encoder = this.encoder ? [(await this.encoder).release()] : [];
    await Promise.all([this.decoder.release(), ...encoder]);
  }
}

/**
 * The encoder's latents: diffusers' export gives the posterior mean (4 or 16 channels); newer optimum exports
 * give `latent_parameters`, mean and log-variance stacked (8 or 32 channels), of which the mean is the first half.
 */
function posteriorMean(latent: FloatTensor, latentChannels: number): FloatTensor {
  const [batch, channels, height, width] = latent.dims as [number, number, number, number];
  if (channels !== 2 * latentChannels) return latent;
  const plane = height * width;
  const data = new Float32Array(batch * latentChannels * plane);
  for (let b = 0; b < batch; b++) {
    data.set(latent.data.subarray(b * channels * plane, (b * channels + latentChannels) * plane), b * latentChannels * plane);
  }
  return { data, dims: [batch, latentChannels, height, width] };
}

/** RGB bytes -> [1, 3, H, W] in [-1, 1], what the VAE encoder takes. */
export function rgbToPlanar(image: RgbImage): FloatTensor {
  const plane = image.width * image.height;
  const data = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) data[c * plane + p] = image.data[p * 3 + c]! / 127.5 - 1;
  return { data, dims: [1, 3, image.height, image.width] };
}

/** VAE output [1, 3, H, W] in [-1, 1] -> interleaved 8-bit RGB. */
export function planarToRgb(sample: FloatTensor): RgbImage {
  const [, , height, width] = sample.dims as [number, number, number, number];
  const plane = width * height;
  const data = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      const value = (sample.data[c * plane + p]! / 2 + 0.5) * 255;
      data[p * 3 + c] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
    }
  }
  return { width, height, data };
}
