// Sizes a UNet's down blocks cannot halve exactly (toy-shapes has two: latent sides must be even) still run:
// the latents are edge-padded for each UNet call and the prediction cropped back (diffusion/unet.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StableDiffusionPipeline } from '../../src/diffusion/index.js';
import { cropSpatial, padSpatial, tensor } from '../../src/diffusion/tensor.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';

test('padSpatial repeats the last row and column; cropSpatial takes the original area back', () => {
  // One image, two channels of 2x3.
  const source = tensor(new Float32Array([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60]), [1, 2, 2, 3]);
  const padded = padSpatial(source, 3, 4);
  assert.deepEqual(padded.dims, [1, 2, 3, 4]);
  assert.deepEqual([...padded.data], [1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6, 10, 20, 30, 30, 40, 50, 60, 60, 40, 50, 60, 60]);
  assert.deepEqual(cropSpatial(padded, 2, 3), source);
  assert.equal(padSpatial(source, 2, 3), source, 'a size that fits is passed through');
});

describe('toy-shapes at latent sides its UNet cannot halve exactly', () => {
  let pipeline: StableDiffusionPipeline;
  before(async () => {
    pipeline = await StableDiffusionPipeline.load(TOY_MODEL_DIR, { device: 'cpu', cpuThreads: 1 });
  });
  after(() => pipeline.release());

  test('72x88 (latents 9x11) gives a 72x88 picture instead of failing in the UNet; 64x64 still runs', async () => {
    assert.equal(pipeline.model.latentMultiple, 2);
    const request = { prompt: 'a red circle', negativePrompt: '', sampler: 'euler', steps: 3, guidanceScale: 5, seeds: [7n] };
    const [odd] = (await pipeline.txt2img({ ...request, width: 72, height: 88 })).images;
    assert.deepEqual([odd!.width, odd!.height], [72, 88]);
    const [even] = (await pipeline.txt2img({ ...request, width: 64, height: 64 })).images;
    assert.deepEqual([even!.width, even!.height], [64, 64]);
  });
});
