import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GenerationAbortedError, ModelFolderError, schedulerNames, StableDiffusionPipeline, type Txt2ImgRequest } from '../../src/diffusion/index.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';
import { ModelSession } from '../../src/diffusion/model/onnx-session.js';
import { PromptEncoder } from '../../src/diffusion/text/text-encoder.js';
import { PromptTokenizer } from '../../src/diffusion/text/tokenizer.js';
import { meanAbsDifference } from '../support/pixels.js';

const BASE: Txt2ImgRequest = {
  prompt: 'a red circle on a blue background',
  negativePrompt: 'blurry',
  sampler: 'euler',
  steps: 4,
  guidanceScale: 7,
  width: 64,
  height: 64,
  seeds: [42n],
};

describe('StableDiffusionPipeline on the tiny model', () => {
  let root: string;
  let fp32: StableDiffusionPipeline;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-pipeline-'));
    await writeTinyModel(path.join(root, 'fp32'));
    fp32 = await StableDiffusionPipeline.load(path.join(root, 'fp32'), { device: 'cpu', cpuThreads: 1 });
  });
  after(async () => {
    await fp32.release();
    await fs.rm(root, { recursive: true, force: true });
  });

  test('returns one RGB image per seed at the requested size, reporting every step', async () => {
    const steps: number[] = [];
    const result = await fp32.txt2img({ ...BASE, width: 96, height: 64, seeds: [1n, 2n], onStep: (p) => void steps.push(p.step) });
    assert.deepEqual(steps, [1, 2, 3, 4]);
    assert.equal(result.images.length, 2);
    for (const image of result.images) {
      assert.deepEqual([image.width, image.height, image.data.length], [96, 64, 96 * 64 * 3]);
    }
    assert.ok(meanAbsDifference(result.images[0]!.data, result.images[1]!.data) > 1, 'two seeds, two images');
  });

  test('the same seed gives identical pixels; a batch image equals the image generated alone with its seed', async () => {
    const a = await fp32.txt2img(BASE);
    const b = await fp32.txt2img(BASE);
    assert.deepEqual(a.images[0]!.data, b.images[0]!.data);
    const batch = await fp32.txt2img({ ...BASE, seeds: [41n, 42n] });
    // Batched and single UNet calls may round differently in the last bit, so compare closely, not exactly.
    assert.ok(meanAbsDifference(batch.images[1]!.data, a.images[0]!.data) < 0.5);
    // Also when the scheduler draws noise every step: each image has its own seeded stream.
    const ancestralAlone = await fp32.txt2img({ ...BASE, sampler: 'euler_a' });
    const ancestralBatch = await fp32.txt2img({ ...BASE, sampler: 'euler_a', seeds: [41n, 42n] });
    assert.ok(meanAbsDifference(ancestralBatch.images[1]!.data, ancestralAlone.images[0]!.data) < 0.5);
    assert.ok(meanAbsDifference(ancestralBatch.images[0]!.data, ancestralAlone.images[0]!.data) > 1);
  });

  test('variation seeds blend a second noise in: 0 changes nothing, 1 is the variation seed, between is between', async () => {
    const base = (await fp32.txt2img(BASE)).images[0]!.data;
    const other = (await fp32.txt2img({ ...BASE, seeds: [7n] })).images[0]!.data;
    const at = async (strength: number) => (await fp32.txt2img({ ...BASE, variation: { seeds: [7n], strength } })).images[0]!.data;
    assert.deepEqual(await at(0), base);
    assert.ok(meanAbsDifference(await at(1), other) < 0.5, 'strength 1 is the variation seed');
    const small = await at(0.2);
    assert.ok(meanAbsDifference(small, base) > 0.1, 'a variation differs from the base image');
    assert.ok(meanAbsDifference(small, base) < meanAbsDifference(small, other), 'a small strength stays closer to the base');
  });

  test('guidance changes the image; guidance <= 1 skips the unconditional pass', async () => {
    const guided = await fp32.txt2img(BASE);
    const unguided = await fp32.txt2img({ ...BASE, guidanceScale: 1 });
    const negativeIgnored = await fp32.txt2img({ ...BASE, guidanceScale: 1, negativePrompt: 'something else entirely' });
    assert.ok(meanAbsDifference(guided.images[0]!.data, unguided.images[0]!.data) > 1);
    assert.deepEqual(unguided.images[0]!.data, negativeIgnored.images[0]!.data);
  });

  test('every registered sampler runs through the pipeline, each to its own image', async () => {
    const images = new Map<string, Uint8Array>();
    for (const sampler of schedulerNames) images.set(sampler, (await fp32.txt2img({ ...BASE, sampler })).images[0]!.data);
    const names = [...images.keys()];
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const difference = meanAbsDifference(images.get(names[i]!)!, images.get(names[j]!)!);
        assert.ok(difference > 0.1, `${names[i]} and ${names[j]} differ by ${difference}`);
      }
    }
  });

  test('an aborted signal stops between steps', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      fp32.txt2img({
        ...BASE,
        steps: 20,
        signal: controller.signal,
        onStep: ({ step }) => {
          seen.push(step);
          if (step === 3) controller.abort();
        },
      }),
      GenerationAbortedError,
    );
    assert.deepEqual(seen, [1, 2, 3]);
  });

  test('emphasis syntax weights the conditioning: (word:1) is the plain word, (word:1.5) changes the image', async () => {
    const plain = await fp32.txt2img({ ...BASE, prompt: 'a red circle on a blue background' });
    const neutral = await fp32.txt2img({ ...BASE, prompt: 'a (red circle:1) on a blue background' });
    const emphasised = await fp32.txt2img({ ...BASE, prompt: 'a (red circle:1.5) on a blue background' });
    const bracketed = await fp32.txt2img({ ...BASE, prompt: 'a [red circle] on a blue background' });
    assert.deepEqual(neutral.images[0]!.data, plain.images[0]!.data);
    assert.ok(meanAbsDifference(emphasised.images[0]!.data, plain.images[0]!.data) > 0.1);
    assert.ok(meanAbsDifference(bracketed.images[0]!.data, plain.images[0]!.data) > 0.01);
  });

  test('a long prompt spans several 77-token chunks; past 8 chunks it is truncated and reported', async () => {
    const words = (word: string, count: number) => Array.from({ length: count }, () => word).join(' ');
    const first75 = await fp32.txt2img({ ...BASE, prompt: words('red', 75) });
    const longer = await fp32.txt2img({ ...BASE, prompt: `${words('red', 75)} ${words('blue', 25)}` });
    assert.deepEqual(longer.warnings, []);
    assert.ok(meanAbsDifference(first75.images[0]!.data, longer.images[0]!.data) > 0.05, 'the second chunk conditions the image');
    const tooLong = await fp32.txt2img({ ...BASE, prompt: words('red', 700), steps: 1 });
    assert.equal(tooLong.warnings.length, 1);
    assert.match(tooLong.warnings[0]!, /prompt has 700 tokens; only the first 8 chunks of 75 were used/);
  });

  test('BREAK starts a new chunk', async () => {
    const together = await fp32.txt2img({ ...BASE, prompt: 'a red circle, a blue background' });
    const split = await fp32.txt2img({ ...BASE, prompt: 'a red circle, BREAK a blue background' });
    assert.deepEqual(split.warnings, []);
    assert.ok(meanAbsDifference(together.images[0]!.data, split.images[0]!.data) > 0.05);
  });

  test('a text encoder path for UNets with a fixed 77-token context keeps the first 75 tokens and says so', async () => {
    const tokenizer = await PromptTokenizer.load(path.join(root, 'fp32', 'tokenizer'));
    const session = await ModelSession.load(path.join(root, 'fp32', 'text_encoder', 'model.onnx'), { device: 'cpu' });
    const encoder = new PromptEncoder([{ tokenizer, session }]);
    const long = Array.from({ length: 100 }, () => 'red').join(' ');
    const single = await encoder.encode([long, 'x BREAK y'], ['prompt', 'negative prompt'], 1);
    assert.deepEqual(single.hiddenStates.dims.slice(0, 2), [2, 77]);
    assert.match(single.warnings.join(' '), /prompt has 100 tokens; only the first 75 were used/);
    assert.match(single.warnings.join(' '), /BREAK in the negative prompt was ignored/);
    const chunked = await encoder.encode([long, 'x'], ['prompt', 'negative prompt'], 8);
    assert.deepEqual(chunked.hiddenStates.dims.slice(0, 2), [2, 154]); // both prompts get the longest one's two chunks
    await session.release();
  });

  test('fp16 exports and float timesteps run through the same code and agree with fp32', async () => {
    const reference = await fp32.txt2img(BASE);
    for (const [name, options] of [
      ['fp16', { dtype: 'float16' as const }],
      ['float-timestep', { timestepType: 'float32' as const }],
    ] as const) {
      const dir = path.join(root, name);
      await writeTinyModel(dir, options);
      const pipeline = await StableDiffusionPipeline.load(dir, { device: 'cpu', cpuThreads: 1 });
      try {
        const result = await pipeline.txt2img(BASE);
        const difference = meanAbsDifference(result.images[0]!.data, reference.images[0]!.data);
        assert.ok(difference < (name === 'fp16' ? 4 : 0.01), `${name} differs from fp32 by ${difference} per channel`);
      } finally {
        await pipeline.release();
      }
    }
  });

  test('a VAE encoder that outputs latent_parameters (mean and log-variance, newer optimum exports) gives the same img2img', async () => {
    const init = (await fp32.txt2img(BASE)).images[0]!;
    const request = { ...BASE, seeds: [9n], init: { image: init, strength: 0.5 } };
    const dir = path.join(root, 'latent-parameters');
    await writeTinyModel(dir, { vaeEncoderOutput: 'latent_parameters' });
    const pipeline = await StableDiffusionPipeline.load(dir, { device: 'cpu', cpuThreads: 1 });
    try {
      assert.deepEqual((await pipeline.txt2img(request)).images[0]!.data, (await fp32.txt2img(request)).images[0]!.data);
    } finally {
      await pipeline.release();
    }
  });

  test('a folder that is not a model gets a clear error', async () => {
    const dir = path.join(root, 'broken');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'model_index.json'), '{}');
    await assert.rejects(StableDiffusionPipeline.load(dir, { device: 'cpu' }), (error: unknown) => {
      assert.ok(error instanceof ModelFolderError);
      assert.match(error.message, /unet\/model\.onnx is missing/);
      return true;
    });
  });

  test('bad sizes are rejected before any work', async () => {
    await assert.rejects(fp32.txt2img({ ...BASE, width: 60 }), /width must be a positive multiple of 8/);
  });
});
