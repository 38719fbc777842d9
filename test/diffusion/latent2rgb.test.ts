import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  latentRgbMapFor,
  latentToRgb,
  SD1_LATENT_RGB_FACTORS,
  SDXL_LATENT_RGB_BIAS,
  SDXL_LATENT_RGB_FACTORS,
} from '../../src/diffusion/preview/latent2rgb.js';

test('SDXL has its own latent->RGB factors and the family picker returns them; SD 2.x shares SD 1.x\'s', () => {
  assert.equal(SDXL_LATENT_RGB_FACTORS.length, 4);
  assert.notDeepEqual(SDXL_LATENT_RGB_FACTORS, SD1_LATENT_RGB_FACTORS);
  // Every channel maps to different colours: not one row is shared.
  SDXL_LATENT_RGB_FACTORS.forEach((row, c) => assert.notDeepEqual(row, SD1_LATENT_RGB_FACTORS[c]));
  assert.deepEqual(latentRgbMapFor('sdxl'), { factors: SDXL_LATENT_RGB_FACTORS, bias: SDXL_LATENT_RGB_BIAS });
  for (const family of ['sd1', 'sd2'] as const) {
    assert.equal(latentRgbMapFor(family).factors, SD1_LATENT_RGB_FACTORS);
    assert.deepEqual(latentRgbMapFor(family).bias, [0, 0, 0]);
  }
});

test('latentToRgb applies the family\'s factors and bias; the two-argument call keeps SD 1.x colours', () => {
  // Latents [1, 4, 1, 2]: pixel 0 all zeros, pixel 1 has only channel 0, at 1.
  const latents = { data: Float32Array.from([0, 1, 0, 0, 0, 0, 0, 0]), dims: [1, 4, 1, 2] };
  const sd1 = latentToRgb(latents, 0);
  assert.deepEqual([sd1.width, sd1.height], [2, 1]);
  // [-1, 1] -> [0, 255]: zero latents are mid grey, channel 0 alone is its factor row.
  const byte = (v: number) => Math.min(255, Math.max(0, Math.round((v + 1) * 127.5)));
  assert.deepEqual([...sd1.data], [128, 128, 128, ...SD1_LATENT_RGB_FACTORS[0]!.map(byte)]);

  const { factors, bias } = latentRgbMapFor('sdxl');
  const xl = latentToRgb(latents, 0, factors, bias);
  assert.deepEqual([...xl.data.subarray(0, 3)], bias.map(byte));
  assert.deepEqual([...xl.data.subarray(3)], SDXL_LATENT_RGB_FACTORS[0]!.map((f, i) => byte(f + bias[i]!)));
  assert.notDeepEqual([...xl.data], [...sd1.data]);
});
