import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StableDiffusionPipeline, type RgbImage, type Txt2ImgRequest } from '../../src/diffusion/index.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';

/**
 * Inpainting UNets (9 input channels: latents, mask, masked-image latents), on the tiny model written with
 * `inpainting: true`. Its weights are random, so the checks are about the plumbing: the UNet gets the mask and
 * the blanked picture (different masks change the repainted region), kept pixels stay, txt2img still works.
 */
const BASE: Txt2ImgRequest = { prompt: 'a red circle', sampler: 'euler', steps: 4, guidanceScale: 7, width: 64, height: 64, seeds: [3n] };

function boxMask(x0: number, x1: number): Uint8Array {
  const mask = new Uint8Array(64 * 64);
  for (let y = 0; y < 64; y++) for (let x = x0; x < x1; x++) mask[y * 64 + x] = 255;
  return mask;
}

function stripes(): RgbImage {
  const data = new Uint8Array(64 * 64 * 3);
  for (let p = 0; p < 64 * 64; p++) data.set((p % 64) % 16 < 8 ? [230, 40, 30] : [20, 40, 200], p * 3);
  return { width: 64, height: 64, data };
}

describe('inpainting UNet (9 input channels) on the tiny inpainting model', () => {
  let root: string;
  let pipeline: StableDiffusionPipeline;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-inpaint-'));
    await writeTinyModel(path.join(root, 'tiny-inpainting'), { inpainting: true });
    pipeline = await StableDiffusionPipeline.load(path.join(root, 'tiny-inpainting'), { device: 'cpu' });
  });
  after(async () => {
    await pipeline?.release();
    await fs.rm(root, { recursive: true, force: true });
  });

  test('the model is written as SD inpainting checkpoints are: in_channels 9, an inpaint pipeline class', async () => {
    const config = JSON.parse(await fs.readFile(path.join(root, 'tiny-inpainting/unet/config.json'), 'utf8')) as { in_channels: number };
    const index = JSON.parse(await fs.readFile(path.join(root, 'tiny-inpainting/model_index.json'), 'utf8')) as { _class_name: string };
    assert.equal(config.in_channels, 9);
    assert.equal(index._class_name, 'OnnxStableDiffusionInpaintPipeline');
  });

  test('text-to-image runs on it (everything to paint, a blank picture)', async () => {
    const { images } = await pipeline.txt2img(BASE);
    assert.equal(images[0]!.data.length, 64 * 64 * 3);
  });

  test('the mask reaches the UNet: kept pixels stay, and another mask changes what is painted where both repaint', async () => {
    const init = stripes();
    const left = (await pipeline.txt2img({ ...BASE, init: { image: init, strength: 1, mask: boxMask(0, 32) } })).images[0]!;
    const wider = (await pipeline.txt2img({ ...BASE, init: { image: init, strength: 1, mask: boxMask(0, 48) } })).images[0]!;
    for (let p = 0; p < 64 * 64; p++) {
      if (p % 64 >= 48) assert.deepEqual([...wider.data.subarray(p * 3, p * 3 + 3)], [...init.data.subarray(p * 3, p * 3 + 3)]);
    }
    let different = 0;
    for (let p = 0; p < 64 * 64; p++) if (p % 64 < 32 && left.data[p * 3] !== wider.data[p * 3]) different++;
    assert.ok(different > 100, `only ${different} pixels of the shared repainted region differ`);
  });
});
