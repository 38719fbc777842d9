/**
 * Inpainting's mask conditioning, for both kinds of UNet.
 *
 * Ordinary UNets (4 input channels), as AUTOMATIC1111 and diffusers' legacy inpaint pipeline do:
 * after every denoising step the region to keep is replaced by the init image's latents noised to the next
 * step's level, so only the masked region is invented and it grows to fit what surrounds it; at the end the
 * kept pixels are pasted back, so they come out exactly as they went in.
 *
 * Inpainting UNets (9 input channels) are given the mask and the blanked picture instead (`inpaintingConditioning`).
 *
 * Masks are grayscale, one byte per pixel, row-major: 255 repaints, 0 keeps, values between blend.
 */
import { VAE_DOWNSCALE } from './model/model-folder.js';
import type { RgbImage } from './rgb-image.js';
import { concatBatch, type FloatTensor } from './tensor.js';
import { rgbToPlanar, type Vae } from './vae.js';

/** The mask at latent resolution (each latent pixel: the mean of its 8x8 block), in 0..1. */
export function latentMask(mask: Uint8Array, width: number, height: number): Float32Array {
  const w = width / VAE_DOWNSCALE;
  const h = height / VAE_DOWNSCALE;
  const out = new Float32Array(w * h);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[Math.floor(y / VAE_DOWNSCALE) * w + Math.floor(x / VAE_DOWNSCALE)]! += mask[y * width + x]!;
  }
  const block = VAE_DOWNSCALE * VAE_DOWNSCALE * 255;
  for (let i = 0; i < out.length; i++) out[i]! /= block;
  return out;
}

/** mask * generated + (1 - mask) * known, with one [h, w] mask for every image and channel of the batch. */
export function blendKnown(generated: FloatTensor, known: FloatTensor, mask: Float32Array): FloatTensor {
  const data = new Float32Array(generated.data.length);
  for (let i = 0; i < data.length; i++) {
    const m = mask[i % mask.length]!;
    data[i] = m * generated.data[i]! + (1 - m) * known.data[i]!;
  }
  return { data, dims: [...generated.dims] };
}

/** The original's pixels where the mask keeps them, blended by the mask's grey levels. */
export function pasteKept(generated: RgbImage, original: RgbImage, mask: Uint8Array): RgbImage {
  const data = new Uint8Array(generated.data.length);
  for (let p = 0; p < mask.length; p++) {
    const m = mask[p]! / 255;
    for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round(m * generated.data[p * 3 + c]! + (1 - m) * original.data[p * 3 + c]!);
  }
  return { width: generated.width, height: generated.height, data };
}

/**
 * Inpainting UNets (9 input channels) take, beside the latents, the mask at latent resolution and the latents
 * of the picture with the masked part blanked. As diffusers' inpaint pipeline: the mask is binarised at 1/2
 * and sampled nearest (each latent pixel takes its block's top-left pixel); blanked pixels are 0 in [-1, 1].
 */
export function binaryLatentMask(mask: Uint8Array, width: number, height: number): Float32Array {
  const w = width / VAE_DOWNSCALE;
  const h = height / VAE_DOWNSCALE;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = mask[y * VAE_DOWNSCALE * width + x * VAE_DOWNSCALE]! >= 128 ? 1 : 0;
  return out;
}

/** A [1, 3, H, W] picture in [-1, 1] with the pixels to repaint (mask >= 1/2) set to 0. */
export function blankMasked(planar: FloatTensor, mask: Uint8Array): FloatTensor {
  const data = Float32Array.from(planar.data);
  const plane = mask.length;
  for (let p = 0; p < plane; p++) if (mask[p]! >= 128) for (let c = 0; c < 3; c++) data[c * plane + p] = 0;
  return { data, dims: [...planar.dims] };
}

/** Per image, its 4 latent channels followed by the 5 conditioning channels (mask, masked-image latents). */
export function stackChannels(latents: FloatTensor, conditioning: FloatTensor): FloatTensor {
  const [batch, channels, height, width] = latents.dims as [number, number, number, number];
  const extra = conditioning.dims[1]!;
  const plane = height * width;
  const data = new Float32Array(batch * (channels + extra) * plane);
  for (let b = 0; b < batch; b++) {
    data.set(latents.data.subarray(b * channels * plane, (b + 1) * channels * plane), b * (channels + extra) * plane);
    data.set(conditioning.data.subarray(b * extra * plane, (b + 1) * extra * plane), (b * (channels + extra) + channels) * plane);
  }
  return { data, dims: [batch, channels + extra, height, width] };
}

/**
 * The 5 extra channels of an inpainting UNet, per image: the mask and the latents of the picture with the
 * masked part blanked. Without a mask (or without a picture) everything is to be painted: mask 1, blank picture.
 */
export async function inpaintingConditioning(
  vae: Vae,
  size: { width: number; height: number },
  init: { image: RgbImage; mask?: Uint8Array } | undefined,
  imageCount: number,
): Promise<FloatTensor> {
  const { width, height } = size;
  const mask = init?.mask ?? new Uint8Array(width * height).fill(255);
  const picture = init ? rgbToPlanar(init.image) : { data: new Float32Array(3 * width * height), dims: [1, 3, height, width] };
  const blanked = await vae.encodePlanar(blankMasked(picture, mask), 1);
  const latentMaskData = binaryLatentMask(mask, width, height);
  const one = { data: new Float32Array(5 * latentMaskData.length), dims: [1, 5, height / VAE_DOWNSCALE, width / VAE_DOWNSCALE] };
  one.data.set(latentMaskData, 0);
  one.data.set(blanked.data, latentMaskData.length);
  return concatBatch(Array.from({ length: imageCount }, () => one));
}
