import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { flowSamplerNames } from '../../src/diffusion/index.js';
import { readTextChunks } from '../../src/diffusion/image.js';
import type { RunningServer } from '../../src/server.js';
import type { TinyModelOptions } from '../../src/test-models/tiny/write-tiny-model.js';
import {
  CancelGenerationDocument,
  CatalogDocument,
  GenerateDocument,
  GenerationDocument,
  GenerationEventsDocument,
  UploadImageDocument,
  type GenerateInput,
  type GenerationEventsSubscription,
} from '../generated/operations.js';
import { collectSubscription, request, requestData, wsClient } from '../support/graphql-client.js';
import { completedGeneration, finishedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir, tinyModelsFolder } from '../support/test-server.js';

/**
 * SD3 and FLUX through the GraphQL API with the real server, on tiny models in optimum's layout written here:
 * every flow sampler on SD3 (with and without T5), FLUX.1 dev and schnell, with a preview at every step and
 * the image stored; img2img on both families, inpainting on SD3, cancellation between steps, and a sampler
 * without a flow variant refused with the ones that work.
 */
const MODELS: Record<string, TinyModelOptions> = {
  'tiny-sd3': { family: 'sd3' },
  'tiny-sd3-no-t5': { family: 'sd3', withoutT5: true },
  'tiny-flux-dev': { family: 'flux' },
  'tiny-flux-schnell': { family: 'flux', schnell: true },
};

type Event = GenerationEventsSubscription['generationEvents'];

describe('SD3 and FLUX over GraphQL', { timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  let modelsDir: string;
  let client: ReturnType<typeof wsClient>;

  before(async () => {
    modelsDir = await tinyModelsFolder('flow', MODELS);
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: 'tiny-sd3', workers: 1, previewEvery: 1 });
    client = wsClient(server.url);
  });
  after(async () => {
    await client?.dispose();
    await server?.close();
    await fs.rm(modelsDir, { recursive: true, force: true });
  });

  /** Queues `input` and follows its events to the end. */
  async function withEvents(input: GenerateInput, onEvent?: (event: Event, id: string) => void): Promise<{ id: string; events: Event[] }> {
    const { id } = (await requestData(server.url, GenerateDocument, { input })).generate;
    const events = (await collectSubscription(client, GenerationEventsDocument, { id }, (data) => onEvent?.(data.generationEvents, id))).map((e) => e.generationEvents);
    return { id, events };
  }

  const png = async (url: string) => Buffer.from(await (await fetch(new URL(url, server.url))).arrayBuffer());
  const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

  test('the catalog lists SD3 and FLUX with their families and model-card defaults', async () => {
    const { models } = await requestData(server.url, CatalogDocument);
    const byName = Object.fromEntries(models.map((m) => [m.name, m]));
    assert.deepEqual(Object.keys(byName).sort(), Object.keys(MODELS).sort());
    const summary = (name: string) => {
      const m = byName[name]!;
      return [m.family, m.distillation, m.usable, m.defaultSize, m.defaults.sampler, m.defaults.steps, m.defaults.guidanceScale];
    };
    assert.deepEqual(summary('tiny-sd3'), ['SD3', 'NONE', true, 64, 'euler', 28, 7]);
    assert.deepEqual(summary('tiny-sd3-no-t5'), ['SD3', 'NONE', true, 64, 'euler', 28, 7]);
    assert.deepEqual(summary('tiny-flux-dev'), ['FLUX', 'NONE', true, 64, 'euler', 28, 3.5]);
    assert.deepEqual(summary('tiny-flux-schnell'), ['FLUX', 'TURBO', true, 64, 'euler', 4, 0]);
  });

  test('every flow sampler on every tiny SD3 / FLUX model: completes, a preview at every step, the image stored', async () => {
    for (const model of Object.keys(MODELS)) {
      for (const sampler of flowSamplerNames()) {
        const label = `${model} ${sampler}`;
        const { id, events } = await withEvents({ prompt: 'a blue square, red background', negativePrompt: 'green', model, sampler, steps: 3, guidanceScale: 4, seed: '11', width: 64, height: 80 });
        assert.equal(events.at(-1)?.type, 'COMPLETED', label);
        const steps = events.flatMap((e) => (e.__typename === 'GenerationStep' ? [e] : []));
        const total = steps[0]?.totalSteps ?? 0;
        assert.equal(total, sampler === 'heun' ? 5 : 3, `${label}: Heun evaluates twice per step but the first`);
        assert.deepEqual(steps.map((s) => s.step), Array.from({ length: total }, (_, i) => i + 1), label);
        for (const step of steps) {
          assert.ok(step.preview?.startsWith('data:image/webp;base64,'), `${label}: step ${step.step} has a preview`);
          const meta = await sharp(Buffer.from(step.preview!.split(',')[1]!, 'base64')).metadata();
          assert.ok(Math.abs(meta.width! / meta.height! - 0.8) < 0.01, `${label}: the preview has the picture's shape (${meta.width}x${meta.height})`);
        }
        const { generation } = await requestData(server.url, GenerationDocument, { id });
        assert.equal(generation?.status, 'COMPLETED', label);
        const image = generation!.images[0]!;
        assert.deepEqual([image.width, image.height], [64, 80], label);
        const stored = await png(image.url);
        assert.deepEqual([(await sharp(stored).metadata()).width, (await sharp(stored).metadata()).height], [64, 80]);
        const parameters = readTextChunks(stored).get('parameters') ?? '';
        assert.match(parameters, new RegExp(`Sampler: ${{ euler: 'Euler', heun: 'Heun', dpmpp_2m: 'DPM\\+\\+ 2M' }[sampler]}`), label);
        assert.match(parameters, new RegExp(`Model: ${model}`), label);
      }
    }
  });

  test('a prompt longer than CLIP reads is not cut for SD3 with T5 and warned about without it', async () => {
    const prompt = Array.from({ length: 30 }, (_, i) => `word${i % 7}`).join(' '); // 120 tokens
    const withT5 = await completedGeneration(server.url, { prompt, model: 'tiny-sd3', steps: 1, seed: '1' });
    assert.deepEqual(withT5.warnings, []);
    const withoutT5 = await completedGeneration(server.url, { prompt, model: 'tiny-sd3-no-t5', steps: 1, seed: '1' });
    assert.match(withoutT5.warnings.join('\n'), /only the first 75 were used \(CLIP reads at most 77/);
  });

  test("img2img on SD3 and FLUX: the stored picture as the start, the flow pipelines' share of the steps run", async () => {
    for (const model of ['tiny-sd3', 'tiny-flux-dev']) {
      const init = await completedGeneration(server.url, { prompt: 'a red circle', model, steps: 4, seed: '3' });
      const initImage = init.images[0]!;
      const input = { prompt: 'a green square', model, steps: 28, seed: '9' };
      // diffusers' SD3 / FLUX get_timesteps: int(28 - 28 x 0.6) = 11 steps skipped, 17 run (the SD pipelines run 16).
      const { id, events } = await withEvents({ ...input, initImageId: initImage.id, denoisingStrength: 0.6 });
      assert.equal(events.at(-1)?.type, 'COMPLETED', model);
      const steps = events.flatMap((e) => (e.__typename === 'GenerationStep' ? [e] : []));
      assert.deepEqual([steps.length, steps.at(-1)?.totalSteps], [17, 17], model);
      const out = await finishedGeneration(server.url, id);
      assert.deepEqual([out.initImageId, out.denoisingStrength], [initImage.id, 0.6]);
      assert.match(readTextChunks(await png(out.images[0]!.url)).get('parameters') ?? '', /, Denoising strength: 0\.6$/);
      // The start is the picture, not noise: text-to-image with the same seed gives another image.
      const txt2img = await completedGeneration(server.url, input);
      const [a, b] = [await sharp(await png(out.images[0]!.url)).raw().toBuffer(), await sharp(await png(txt2img.images[0]!.url)).raw().toBuffer()];
      assert.ok(!a.equals(b), `${model}: img2img gave the text-to-image picture`);
    }
  });

  test('inpainting on SD3: the masked region repainted, every other pixel kept', async () => {
    const init = await completedGeneration(server.url, { prompt: 'a red circle', model: 'tiny-sd3', steps: 3, seed: '4' });
    const maskSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#000"/><rect x="32" y="8" width="32" height="48" fill="#fff"/></svg>';
    const mask = (await requestData(server.url, UploadImageDocument, { dataUrl: dataUrl(await sharp(Buffer.from(maskSvg)).png().toBuffer()) })).uploadImage;
    const out = await completedGeneration(server.url, { prompt: 'a yellow square', model: 'tiny-sd3', steps: 3, seed: '6', initImageId: init.images[0]!.id, maskImageId: mask.id, denoisingStrength: 1 });
    const before = await sharp(await png(init.images[0]!.url)).raw().toBuffer();
    const after = await sharp(await png(out.images[0]!.url)).raw().toBuffer();
    let changedInside = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const p = (y * 64 + x) * 3;
        const same = before[p] === after[p] && before[p + 1] === after[p + 1] && before[p + 2] === after[p + 2];
        if (x >= 32 && y >= 8 && y < 56) changedInside += same ? 0 : 1;
        else assert.ok(same, `pixel ${x},${y} outside the mask changed`);
      }
    }
    assert.ok(changedInside > 100, `only ${changedInside} pixels inside the mask changed`);
  });

  test('a running SD3 / FLUX job is cancelled between steps', async () => {
    for (const model of ['tiny-sd3', 'tiny-flux-dev']) {
      let cancelled = false;
      const { id, events } = await withEvents({ prompt: 'a red circle', model, steps: 150, seed: '5', width: 128, height: 128 }, (event, generationId) => {
        if (event.type === 'STEP' && !cancelled) {
          cancelled = true;
          void requestData(server.url, CancelGenerationDocument, { id: generationId });
        }
      });
      const types = events.map((e) => e.type);
      assert.equal(types.at(-1), 'CANCELLED', `${model}: ${types.join()}`);
      const stepsRun = types.filter((t) => t === 'STEP').length;
      assert.ok(stepsRun >= 1 && stepsRun < 150, `${model}: stopped after ${stepsRun} steps`);
      const generation = await finishedGeneration(server.url, id);
      assert.deepEqual([generation.status, generation.images.length], ['CANCELLED', 0]);
    }
  });

  test('a sampler without a flow variant is refused with the field and the flow samplers', async () => {
    for (const model of ['tiny-sd3', 'tiny-flux-schnell']) {
      const result = await request(server.url, GenerateDocument, { input: { prompt: 'a red circle', model, sampler: 'euler_a' } });
      const error = result.errors?.[0];
      assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', model);
      assert.equal(error?.extensions?.field, 'sampler');
      assert.deepEqual(error?.extensions?.allowedValues, [...flowSamplerNames()]);
      assert.match(error?.message ?? '', /sampler "euler_a" does not work with (SD3|FLUX) models/);
    }
  });
});
