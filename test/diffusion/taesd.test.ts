import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import { SafetensorsWeights } from '../../src/diffusion/preview/safetensors.js';
import { TaesdDecoder, taesdDecoderGraph, taesdEncoderGraph } from '../../src/diffusion/preview/taesd.js';

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
