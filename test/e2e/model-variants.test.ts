import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { schedulerNames } from '../../src/diffusion/index.js';
import type { TinyModelOptions } from '../../src/test-models/tiny/write-tiny-model.js';
import type { RunningServer } from '../../src/server.js';
import { CatalogDocument, type GenerateInput } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir, tinyModelsFolder } from '../support/test-server.js';
import { meanAbsDifference } from '../support/pixels.js';

/**
 * Every kind of export the tiny model writer makes, through the GraphQL API: epsilon and v-prediction UNets,
 * float16, a float timestep, a scalar timestep, an inpainting UNet, UNet weights in an external file (model.onnx_data, weights.pb). The v-prediction model is the epsilon model's denoiser
 * expressed as v, so a pipeline that reads prediction_type right draws the same picture with it, with every
 * sampler; one that treats v as noise does not.
 */
const VARIANTS: Record<string, TinyModelOptions> = {
  'tiny-eps': {},
  'tiny-v': { predictionType: 'v_prediction' },
  'tiny-fp16': { dtype: 'float16' },
  'tiny-float-timestep': { timestepType: 'float32' },
  'tiny-scalar-timestep': { timestepShape: 'scalar' },
  'tiny-inpainting': { inpainting: true },
  'tiny-onnx-data': { externalData: 'model.onnx_data' },
  'tiny-weights-pb': { externalData: 'weights.pb' },
};

describe('model variants over GraphQL', { timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  let modelsDir: string;

  before(async () => {
    modelsDir = await tinyModelsFolder('variants', VARIANTS);
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: 'tiny-eps', workers: 1, previewEvery: 0 });
  });
  after(async () => server?.close());

  async function pixels(input: GenerateInput): Promise<Buffer> {
    const generation = await completedGeneration(server.url, input, input.model ?? undefined);
    return sharp(Buffer.from(await (await fetch(new URL(generation.images[0]!.url, server.url))).arrayBuffer())).raw().toBuffer();
  }

  test('every variant is listed and generates', async () => {
    const { models } = await requestData(server.url, CatalogDocument);
    assert.deepEqual(models.map((m) => m.name).sort(), Object.keys(VARIANTS).sort());
    for (const model of Object.keys(VARIANTS)) {
      const image = await pixels({ prompt: 'a red circle on a blue background', model, steps: 4, seed: '5' });
      assert.equal(image.length, 64 * 64 * 3, model);
    }
  });

  test('a v-prediction model draws what the same denoiser as epsilon draws, with every sampler', async () => {
    const scrambledV = meanAbsDifference(
      await pixels({ prompt: 'a red circle', model: 'tiny-eps', steps: 6, seed: '8', sampler: 'euler' }),
      await pixels({ prompt: 'a red circle', model: 'tiny-eps', steps: 6, seed: '9', sampler: 'euler' }),
    );
    // Not PNDM: diffusers' PNDM (which pndm.ts follows) combines the v predictions of four timesteps and only
    // then turns the result into noise with the current step's alphas, which is not the same as combining the
    // noise predictions; its v-prediction pictures differ by design. It still has to run.
    for (const sampler of schedulerNames) {
      const input: GenerateInput = { prompt: 'a red circle', steps: 6, seed: '8', sampler };
      const difference = meanAbsDifference(await pixels({ ...input, model: 'tiny-eps' }), await pixels({ ...input, model: 'tiny-v' }));
      if (sampler === 'pndm') continue;
      // Float rounding only (out of 255); another seed differs by far more.
      assert.ok(difference < 1.5, `${sampler}: epsilon and v-prediction differ by ${difference} (another seed: ${scrambledV})`);
    }
  });

  test('a timestep as int64, float or a scalar shared by the batch gives the same picture', async () => {
    const input: GenerateInput = { prompt: 'a red circle on a blue background', steps: 4, seed: '12', batchSize: 2, guidanceScale: 6 };
    const reference = await pixels({ ...input, model: 'tiny-eps' });
    for (const model of ['tiny-float-timestep', 'tiny-scalar-timestep']) {
      assert.ok(meanAbsDifference(await pixels({ ...input, model }), reference) < 0.05, model);
    }
  });

  test('UNet weights in an external file (model.onnx_data, weights.pb) load and give the same picture', async () => {
    const input: GenerateInput = { prompt: 'a red circle on a blue background', steps: 4, seed: '11' };
    const inline = await pixels({ ...input, model: 'tiny-eps' });
    for (const [model, dataFile] of [['tiny-onnx-data', 'model.onnx_data'], ['tiny-weights-pb', 'weights.pb']] as const) {
      const onnxBytes = (await fs.stat(path.join(modelsDir, model, 'unet/model.onnx'))).size;
      const dataBytes = (await fs.stat(path.join(modelsDir, model, 'unet', dataFile))).size;
      assert.ok(dataBytes > 10 * onnxBytes, `${model}: ${onnxBytes} bytes of graph, ${dataBytes} of weights`);
      assert.deepEqual(await pixels({ ...input, model }), inline, model);
    }
  });
});
