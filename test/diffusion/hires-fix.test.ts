/**
 * The hires fix in the engine (pipeline.ts): the second pass runs at the hires size from the first pass's
 * upscaled result, its steps counted after the first pass's, with every sampler and every upscaler; strength
 * 0 gives the upscaled first pass itself.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HIRES_UPSCALERS, schedulerNames, StableDiffusionPipeline, UpscalerModel, type StepProgress, type Txt2ImgRequest } from '../../src/diffusion/index.js';
import { upscaleLatents } from '../../src/diffusion/latent-upscale.js';
import { sliceBatch } from '../../src/diffusion/tensor.js';
import { Vae } from '../../src/diffusion/vae.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';

const CPU = { device: 'cpu' as const, cpuThreads: 1 };
const BASE: Txt2ImgRequest = { prompt: 'a red circle', negativePrompt: 'blue', sampler: 'euler', steps: 4, guidanceScale: 5, width: 32, height: 32, seeds: [3n, 4n] };

describe('hires fix on the tiny model', () => {
  let root: string;
  let pipeline: StableDiffusionPipeline;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-hires-'));
    await writeTinyModel(path.join(root, 'tiny'));
    pipeline = await StableDiffusionPipeline.load(path.join(root, 'tiny'), CPU);
  });
  after(async () => {
    await pipeline?.release();
    await fs.rm(root, { recursive: true, force: true });
  });

  test('the second pass runs at the hires size, its steps numbered after the first pass\'s', async () => {
    const steps: Pick<StepProgress, 'step' | 'totalSteps' | 'pass'>[] = [];
    const dims: number[][] = [];
    const result = await pipeline.txt2img({
      ...BASE,
      hires: { width: 64, height: 48, steps: 6, strength: 0.5, upscaler: 'latent' },
      onStep: ({ step, totalSteps, pass, latents }) => {
        steps.push({ step, totalSteps, pass });
        dims.push(latents.dims);
      },
    });
    assert.deepEqual(result.images.map((i) => [i.width, i.height]), [[64, 48], [64, 48]]);
    // 4 first-pass steps, then floor(6 * 0.5) = 3 of the second schedule.
    assert.deepEqual(steps.map((s) => `${s.pass}:${s.step}/${s.totalSteps}`), ['1:1/7', '1:2/7', '1:3/7', '1:4/7', '2:5/7', '2:6/7', '2:7/7']);
    assert.deepEqual(dims[0], [2, 4, 4, 4]);
    assert.deepEqual(dims[6], [2, 4, 6, 8]);
  });

  test('the same seeds give the same pictures; strength 0 decodes the upscaled first pass itself', async () => {
    const hires = { width: 64, height: 64, steps: 4, strength: 0.6, upscaler: 'latent-bicubic' as const };
    const a = await pipeline.txt2img({ ...BASE, hires });
    assert.deepEqual((await pipeline.txt2img({ ...BASE, hires })).images, a.images);
    let first: Float32Array | undefined;
    await pipeline.txt2img({ ...BASE, onStep: ({ latents }) => void (first = latents.data) });
    const none = await pipeline.txt2img({ ...BASE, hires: { ...hires, strength: 0 } });
    const upscaled = upscaleLatents({ data: first!, dims: [2, 4, 4, 4] }, 8, 8, 'latent-bicubic');
    const vae = await Vae.load(pipeline.model, CPU);
    const decoded = [await vae.decode(sliceBatch(upscaled, 0, 1)), await vae.decode(sliceBatch(upscaled, 1, 1))];
    await vae.release();
    assert.deepEqual(none.images, decoded);
    assert.notDeepEqual(none.images, a.images);
  });

  test('every sampler and every upscaler runs both passes', async () => {
    for (const sampler of schedulerNames) {
      const result = await pipeline.txt2img({ ...BASE, seeds: [1n], sampler, steps: 2, hires: { width: 48, height: 48, steps: 2, strength: 0.7, upscaler: 'latent' } });
      assert.equal(result.images[0]!.width, 48, sampler);
    }
    const pictures = new Map<string, Uint8Array>();
    const upscalerModel = await UpscalerModel.load(path.resolve('models', 'upscalers', 'toy-2x.onnx'), CPU);
    for (const upscaler of HIRES_UPSCALERS) {
      const model = upscaler === 'model' ? { upscalerModel } : {};
      const result = await pipeline.txt2img({ ...BASE, seeds: [1n], hires: { width: 64, height: 64, steps: 3, strength: 0.5, upscaler, ...model } });
      pictures.set(upscaler, result.images[0]!.data);
    }
    await upscalerModel.release();
    assert.notDeepEqual(pictures.get('lanczos'), pictures.get('latent'), 'the pixel upscaler is another path');
    assert.notDeepEqual(pictures.get('model'), pictures.get('lanczos'), 'the upscaler model enlarges otherwise than Lanczos');
    assert.notDeepEqual(pictures.get('latent-nearest'), pictures.get('latent-bicubic'));
  });

  test('bad hires requests are refused before any model runs', async () => {
    const hires = { width: 64, height: 64, steps: 3, strength: 0.5, upscaler: 'latent' as const };
    await assert.rejects(pipeline.txt2img({ ...BASE, hires: { ...hires, width: 60 } }), /hires width must be a positive multiple of 8/);
    await assert.rejects(pipeline.txt2img({ ...BASE, hires: { ...hires, strength: 1.5 } }), /hires strength must be between 0 and 1/);
    await assert.rejects(pipeline.txt2img({ ...BASE, hires: { ...hires, upscaler: 'esrgan' as never } }), /hires upscaler must be one of latent, /);
    const init = { image: { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) }, strength: 0.5 };
    await assert.rejects(pipeline.txt2img({ ...BASE, init, hires }), /hires fix is for text-to-image/);
  });
});
