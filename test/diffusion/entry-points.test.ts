import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StableDiffusionPipeline, type GenerationRequest, type RgbImage } from '../../src/diffusion/index.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';

/**
 * The pipeline's three entry points over its one loop: img2img and inpaint give exactly what txt2img gave for
 * the same request with `init` (as callers have passed it so far), on an ordinary and on an inpainting UNet,
 * and each refuses a request without what it needs.
 */
const BASE: GenerationRequest = { prompt: 'a red circle', negativePrompt: 'green', sampler: 'euler_a', steps: 4, guidanceScale: 5, width: 64, height: 64, seeds: [3n, 4n] };

function leftHalfMask(): Uint8Array {
  const mask = new Uint8Array(64 * 64);
  for (let p = 0; p < mask.length; p++) mask[p] = p % 64 < 32 ? 255 : 0;
  return mask;
}

const bytes = (images: RgbImage[]) => images.map((image) => Buffer.from(image.data).toString('base64'));

describe('txt2img, img2img and inpaint entry points', () => {
  let root: string;
  const pipelines: Record<string, StableDiffusionPipeline> = {};

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-entry-points-'));
    for (const [name, options] of [['plain', {}], ['inpainting', { inpainting: true }]] as const) {
      await writeTinyModel(path.join(root, name), options);
      pipelines[name] = await StableDiffusionPipeline.load(path.join(root, name), { device: 'cpu', cpuThreads: 1 });
    }
  });
  after(async () => {
    for (const pipeline of Object.values(pipelines)) await pipeline.release();
    await fs.rm(root, { recursive: true, force: true });
  });

  for (const name of ['plain', 'inpainting']) {
    test(`${name} UNet: img2img and inpaint are txt2img with init, byte for byte`, async () => {
      const pipeline = pipelines[name]!;
      const image = (await pipeline.txt2img(BASE)).images[0]!;
      const steps: number[] = [];
      const viaImg2img = await pipeline.img2img({ ...BASE, init: { image, strength: 0.6 }, onStep: (p) => void steps.push(p.step) });
      assert.deepEqual(bytes(viaImg2img.images), bytes((await pipeline.txt2img({ ...BASE, init: { image, strength: 0.6 } })).images));
      assert.deepEqual(steps, [1, 2]);
      const init = { image, strength: 0.8, mask: leftHalfMask() };
      const viaInpaint = await pipeline.inpaint({ ...BASE, init });
      assert.deepEqual(bytes(viaInpaint.images), bytes((await pipeline.txt2img({ ...BASE, init })).images));
      // The kept half comes back exactly as it went in.
      for (let p = 0; p < 64 * 64; p++) {
        if (p % 64 >= 32) assert.deepEqual([...viaInpaint.images[0]!.data.subarray(p * 3, p * 3 + 3)], [...image.data.subarray(p * 3, p * 3 + 3)]);
      }
    });
  }

  test('img2img ignores a mask slipped into its init; inpaint and img2img refuse requests without their init', async () => {
    const pipeline = pipelines.plain!;
    const image = (await pipeline.txt2img(BASE)).images[0]!;
    const withMask = { image, strength: 0.5, mask: leftHalfMask() } as { image: RgbImage; strength: number };
    assert.deepEqual(bytes((await pipeline.img2img({ ...BASE, init: withMask })).images), bytes((await pipeline.img2img({ ...BASE, init: { image, strength: 0.5 } })).images));
    await assert.rejects(pipeline.inpaint({ ...BASE, init: { image, strength: 0.5 } } as never), /inpaint needs init/);
    await assert.rejects(pipeline.img2img(BASE as never), /img2img needs init/);
    await assert.rejects(pipeline.img2img({ ...BASE, init: { image, strength: 2 } }), /init strength must be between 0 and 1/);
  });
});
