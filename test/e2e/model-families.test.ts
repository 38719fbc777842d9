import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { schedulerNames } from '../../src/diffusion/index.js';
import { writeTinyModel, type TinyModelOptions } from '../../src/test-models/tiny/write-tiny-model.js';
import type { RunningServer } from '../../src/server.js';
import { CatalogDocument, GenerateDocument, type GenerateInput } from '../generated/operations.js';
import { request, requestData } from '../support/graphql-client.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir, tinyModelsFolder } from '../support/test-server.js';

/**
 * Every model family through the GraphQL API on its tiny model: SD 1.x, SDXL (two text encoders, text_embeds,
 * time_ids), LCM (timestep_cond) on SD 1.x and SDXL, Turbo. The catalog says what each is, a request that
 * leaves sampler/steps/guidance out gets the family's defaults, every sampler runs on every family, and a
 * folder that is not a usable model is named with its problem.
 */
const FAMILIES: Record<string, TinyModelOptions> = {
  'tiny-sd1': {},
  'tiny-sdxl': { family: 'sdxl' },
  'tiny-lcm': { lcm: true },
  'tiny-sdxl-lcm': { family: 'sdxl', lcm: true },
  'tiny-sd-turbo': { turbo: true },
  'tiny-sdxl-turbo': { family: 'sdxl', turbo: true },
};

describe('model families over GraphQL', { timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  let modelsDir: string;

  before(async () => {
    modelsDir = await tinyModelsFolder('families', FAMILIES);
    // A half-copied SDXL export: the server must say what is missing, not that the model does not exist.
    await writeTinyModel(path.join(modelsDir, 'half-copied-xl'), { family: 'sdxl' });
    await fs.rm(path.join(modelsDir, 'half-copied-xl', 'unet'), { recursive: true });
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: 'tiny-sd1', workers: 1, previewEvery: 0 });
  });
  after(async () => {
    await server?.close();
    await fs.rm(modelsDir, { recursive: true, force: true });
  });

  const completed = (input: GenerateInput) => completedGeneration(server.url, input, `${input.model}/${input.sampler}`);

  test('the catalog tells each family, its distillation and its defaults', async () => {
    const { models } = await requestData(server.url, CatalogDocument);
    const byName = Object.fromEntries(models.map((m) => [m.name, m]));
    assert.deepEqual(Object.keys(byName).sort(), Object.keys(FAMILIES).sort(), 'the unusable folder is not listed');
    const summary = (name: string) => {
      const m = byName[name]!;
      return [m.family, m.distillation, m.predictionType, m.inpainting, m.defaults.sampler, m.defaults.steps, m.defaults.guidanceScale];
    };
    assert.deepEqual(summary('tiny-sd1'), ['SD1', 'NONE', 'EPSILON', false, 'euler', 20, 7]);
    assert.deepEqual(summary('tiny-sdxl'), ['SDXL', 'NONE', 'EPSILON', false, 'euler', 20, 5]);
    assert.deepEqual(summary('tiny-lcm'), ['SD1', 'LCM', 'EPSILON', false, 'lcm', 4, 8.5]);
    assert.deepEqual(summary('tiny-sdxl-lcm'), ['SDXL', 'LCM', 'EPSILON', false, 'lcm', 4, 8.5]);
    assert.deepEqual(summary('tiny-sd-turbo'), ['SD1', 'TURBO', 'EPSILON', false, 'euler_a', 1, 0]);
    assert.deepEqual(summary('tiny-sdxl-turbo'), ['SDXL', 'TURBO', 'EPSILON', false, 'euler_a', 1, 0]);
  });

  test("a request that leaves sampler, steps and guidance out gets the model's defaults", async () => {
    for (const [model, expected] of [
      ['tiny-sdxl', ['euler', 20, 5]],
      ['tiny-lcm', ['lcm', 4, 8.5]],
      ['tiny-sdxl-turbo', ['euler_a', 1, 0]],
    ] as const) {
      const generation = await completed({ prompt: 'a red circle', model, seed: '2' });
      assert.deepEqual([generation.sampler, generation.steps, generation.guidanceScale], expected, model);
      assert.equal(generation.images.length, 1);
    }
    // Explicit values and Midjourney-style parameters still win over the model's defaults.
    const explicit = await completed({ prompt: 'a red circle --steps 3 --cfg 2', model: 'tiny-sdxl-turbo', sampler: 'euler', seed: '2' });
    assert.deepEqual([explicit.sampler, explicit.steps, explicit.guidanceScale], ['euler', 3, 2]);
  });

  test('every sampler runs on every family', async () => {
    for (const model of Object.keys(FAMILIES)) {
      for (const sampler of schedulerNames) {
        const generation = await completed({ prompt: 'a blue square, (red:1.2) background', negativePrompt: 'green', model, sampler, steps: 3, guidanceScale: 4, seed: '11', width: 96, height: 64 });
        assert.deepEqual([generation.images[0]!.width, generation.images[0]!.height], [96, 64], `${model} ${sampler}`);
      }
    }
  });

  test('a folder that is not a usable model is refused with what is wrong with it', async () => {
    const result = await request(server.url, GenerateDocument, { input: { prompt: 'a red circle', model: 'half-copied-xl' } });
    const error = result.errors?.[0];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(error?.extensions?.field, 'model');
    assert.equal(error?.extensions?.reason, 'MODEL_UNUSABLE');
    assert.match(error?.message ?? '', /model "half-copied-xl" cannot be used: unet\/model\.onnx is missing/);
    assert.deepEqual([...(error?.extensions?.allowedValues as string[])].sort(), Object.keys(FAMILIES).sort());
  });
});
