import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { RgbImage } from '../../src/diffusion/rgb-image.js';
import { SafetensorsWeights } from '../../src/diffusion/preview/safetensors.js';
import { TaesdDecoder, taesdDecoderFile, taesdDecoderGraph, taesdEncoderGraph } from '../../src/diffusion/preview/taesd.js';

const TAESD_DIR = fileURLToPath(new URL('../../../../shared/reference/taesd', import.meta.url));
const skip = existsSync(TAESD_DIR) ? false : `TAESD weights not found at ${TAESD_DIR} (../shared/reference/taesd)`;
/** Made with PyTorch by tools/taesd-fixtures/make_taesd_fixtures.py. */
const reference = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/taesd.json', import.meta.url)), 'utf8')) as {
  latent: number[];
  decoded_sum: number;
  decoded_first: number[];
  decoded_mean_abs: number;
  psnr_card: number;
};

test('the TAESD decoder graph built from the safetensors weights computes what PyTorch computes', { skip }, async () => {
  const weights = await SafetensorsWeights.read(`${TAESD_DIR}/taesd_decoder.safetensors`);
  const session = await ort.InferenceSession.create(taesdDecoderGraph(weights));
  const { sample } = await session.run({ latent_sample: new ort.Tensor('float32', Float32Array.from(reference.latent), [1, 4, 8, 8]) });
  assert.deepEqual(sample!.dims, [1, 3, 64, 64]);
  const data = sample!.data as Float32Array;
  let sum = 0;
  let absSum = 0;
  for (const v of data) {
    sum += v;
    absSum += Math.abs(v);
  }
  assert.ok(Math.abs(sum - reference.decoded_sum) < 1e-3 * Math.abs(reference.decoded_sum), `sum ${sum} vs torch ${reference.decoded_sum}`);
  assert.ok(Math.abs(absSum / data.length - reference.decoded_mean_abs) < 1e-4);
  reference.decoded_first.forEach((v, i) => assert.ok(Math.abs(data[i]! - v) < 1e-4, `value ${i}: ${data[i]} vs torch ${v}`));
  await session.release();
});

test('a TAESD round trip (encode, decode) brings a test card back recognisably, as in PyTorch', { skip }, async () => {
  const encoder = await ort.InferenceSession.create(taesdEncoderGraph(await SafetensorsWeights.read(`${TAESD_DIR}/taesd_encoder.safetensors`)));
  const decoder = await TaesdDecoder.load(TAESD_DIR);
  // 64x64 test card: horizontal red ramp, vertical green ramp, blue disc of radius 16.
  const size = 64;
  const card = new Float32Array(3 * size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      card[y * size + x] = x / (size - 1);
      card[size * size + y * size + x] = y / (size - 1);
      card[2 * size * size + y * size + x] = (x - 32) ** 2 + (y - 32) ** 2 < 16 ** 2 ? 1 : 0;
    }
  }
  const { latent_sample: latents } = await encoder.run({ sample: new ort.Tensor('float32', card, [1, 3, size, size]) });
  const image = await decoder.decode({ data: latents!.data as Float32Array, dims: [...latents!.dims] });
  assert.deepEqual([image.width, image.height], [64, 64]);
  let mse = 0;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < size * size; p++) mse += (image.data[p * 3 + c]! / 255 - card[c * size * size + p]!) ** 2;
  }
  const psnr = 10 * Math.log10(1 / (mse / card.length));
  // A decoder wired wrongly gives well under 15 dB; PyTorch's TAESD gets reference.psnr_card on this card.
  assert.ok(Math.abs(psnr - reference.psnr_card) < 0.2, `PSNR ${psnr.toFixed(2)} dB, PyTorch ${reference.psnr_card.toFixed(2)} dB`);
  await encoder.release();
  await decoder.release();
});

/** A 128x128 crop of a real photograph (CC0; see test/fixtures/photos/README.md), as [3, H, W] floats in [0, 1]. */
async function readPhoto(): Promise<{ planar: Float32Array; width: number; height: number }> {
  const file = fileURLToPath(new URL('../../../test/fixtures/photos/chelsea-128.png', import.meta.url));
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const plane = info.width * info.height;
  const planar = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) planar[c * plane + p] = data[p * 3 + c]! / 255;
  return { planar, width: info.width, height: info.height };
}

/** PSNR in dB of an 8-bit decoded image against a planar [0, 1] original of the same size. */
function psnr(image: RgbImage, planar: Float32Array): number {
  const plane = image.width * image.height;
  assert.equal(planar.length, 3 * plane);
  let squared = 0;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) squared += (image.data[p * 3 + c]! / 255 - planar[c * plane + p]!) ** 2;
  }
  return 10 * Math.log10(1 / (squared / planar.length));
}

/** The photo upside down: another picture with exactly the same colours, so only a faithful decode tells them apart. */
function flipVertically(planar: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(planar.length);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      const from = (c * height + y) * width;
      out.set(planar.subarray(from, from + width), (c * height + (height - 1 - y)) * width);
    }
  }
  return out;
}

async function encode(file: string, planar: Float32Array, width: number, height: number) {
  const encoder = await ort.InferenceSession.create(taesdEncoderGraph(await SafetensorsWeights.read(file)));
  try {
    const { latent_sample: latents } = await encoder.run({ sample: new ort.Tensor('float32', planar, [1, 3, height, width]) });
    return { data: latents!.data as Float32Array, dims: [...latents!.dims] };
  } finally {
    await encoder.release();
  }
}

test('a TAESD round trip brings a real photograph back recognisably, and another picture\'s latents do not', { skip }, async () => {
  const { planar, width, height } = await readPhoto();
  const encoderFile = `${TAESD_DIR}/taesd_encoder.safetensors`;
  const decoder = await TaesdDecoder.load(TAESD_DIR);
  const latents = await encode(encoderFile, planar, width, height);
  assert.deepEqual(latents.dims, [1, 4, height / 8, width / 8]);
  const image = await decoder.decode(latents);
  assert.deepEqual([image.width, image.height], [width, height]);
  const photo = psnr(image, planar);
  // Control: the upside-down photo's latents, decoded. Same colours, wrong picture.
  const control = psnr(await decoder.decode(await encode(encoderFile, flipVertically(planar, width, height), width, height)), planar);
  await decoder.release();
  // Measured on this crop: 24.2 dB (a flat image of its mean colour scores 17.9 dB); the control 16.1 dB.
  assert.ok(photo > 22, `round trip PSNR ${photo.toFixed(2)} dB, expected > 22 dB`);
  assert.ok(control < 18 && photo - control > 5, `control PSNR ${control.toFixed(2)} dB should be far under ${photo.toFixed(2)} dB`);
});

test('each model family gets its own TAESD decoder file; SD 2.x shares SD 1.x\'s', () => {
  assert.equal(taesdDecoderFile('sd1'), 'taesd_decoder.safetensors');
  assert.equal(taesdDecoderFile('sd2'), 'taesd_decoder.safetensors');
  assert.equal(taesdDecoderFile('sdxl'), 'taesdxl_decoder.safetensors');
  assert.equal(taesdDecoderFile('sd3'), 'taesd3_decoder.safetensors');
  assert.equal(taesdDecoderFile('flux'), 'taef1_decoder.safetensors');
});

test('the TAESDXL decoder loads for SDXL and decodes SDXL latents; the SD 1.x decoder cannot', { skip }, async () => {
  const xl = await TaesdDecoder.load(TAESD_DIR, 'sdxl');
  const sd = await TaesdDecoder.load(TAESD_DIR);
  const { planar, width, height } = await readPhoto();
  const latents = await encode(`${TAESD_DIR}/taesdxl_encoder.safetensors`, planar, width, height);
  const right = psnr(await xl.decode(latents), planar);
  const wrong = psnr(await sd.decode(latents), planar);
  // Measured: 24.2 dB with the TAESDXL decoder, 12.5 dB when the SD 1.x decoder reads the same SDXL latents.
  assert.ok(right > 22 && right - wrong > 8, `TAESDXL ${right.toFixed(2)} dB, SD 1.x decoder ${wrong.toFixed(2)} dB`);

  // A batch of two 768x1024 (portrait) SDXL latents, previewed at 256 px as the worker does: pooled by 4.
  const dims = [2, 4, 128, 96];
  const data = new Float32Array(dims.reduce((a, b) => a * b));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 1.5;
  const preview = await xl.decode({ data, dims }, 1, 256);
  assert.deepEqual([preview.width, preview.height], [192, 256]);
  assert.equal(preview.data.length, 192 * 256 * 3);
  await xl.release();
  await sd.release();
});
