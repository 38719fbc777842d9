/**
 * The hires fix through the GraphQL API on the tiny model: a generation runs both passes (its step events
 * count both, its images are the second pass's size), keeps its hires settings, writes them into its PNGs as
 * AUTOMATIC1111 does, and the importer and remix read them back (remix gives the same pixels); bad settings
 * are BAD_USER_INPUT naming the field and range. Ownership: nothing new here is reachable by id (the
 * generation's own rules apply: test/e2e/ownership.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readTextChunks } from '../../src/diffusion/index.js';
import type { RunningServer } from '../../src/server.js';
import { CatalogDocument, GenerateDocument, GenerationDocument, GenerationEventsDocument, ImportImageDocument, RemixDocument, type GenerateInput } from '../generated/operations.js';
import { collectSubscription, request, requestData, wsClient } from '../support/graphql-client.js';
import { completedGeneration, finishedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

const INPUT: GenerateInput = {
  prompt: 'a red circle',
  sampler: 'euler',
  steps: 3,
  guidanceScale: 5,
  width: 64,
  height: 64,
  seed: '11',
  hires: { scale: 2, steps: 4, denoisingStrength: 0.5, upscaler: 'LATENT_BICUBIC' },
};

describe('hires fix over GraphQL', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir() });
  });
  after(() => server?.close());
  const bytes = async (url: string) => Buffer.from(await (await fetch(new URL(url, server.url))).arrayBuffer());

  test('both passes run: steps counted over both, images at the second pass\'s size, settings kept and written', async () => {
    const { generate } = await requestData(server.url, GenerateDocument, { input: INPUT });
    assert.deepEqual(generate.hires, { scale: 2, width: 128, height: 128, steps: 4, denoisingStrength: 0.5, upscaler: 'LATENT_BICUBIC', upscalerModel: null });
    const client = wsClient(server.url);
    const events = (await collectSubscription(client, GenerationEventsDocument, { id: generate.id })).map((e) => e.generationEvents);
    await client.dispose();
    const steps = events.flatMap((e) => (e.__typename === 'GenerationStep' ? [`${e.pass}:${e.step}/${e.totalSteps}`] : []));
    assert.deepEqual(steps, ['1:1/5', '1:2/5', '1:3/5', '2:4/5', '2:5/5'], '3 first-pass steps, then floor(4 x 0.5) = 2 of the second');
    const done = await finishedGeneration(server.url, generate.id);
    assert.equal(done.status, 'COMPLETED', done.error ?? '');
    assert.deepEqual([done.width, done.height], [64, 64], 'width and height stay the first pass\'s');
    assert.deepEqual(done.images.map((i) => [i.width, i.height]), [[128, 128]]);
    const parameters = readTextChunks(await bytes(done.images[0]!.url)).get('parameters')!;
    assert.match(parameters, /Size: 64x64, Model: tiny, Denoising strength: 0\.5, Hires upscale: 2, Hires steps: 4, Hires upscaler: Latent \(bicubic\)$/);
  });

  test('the importer reads the settings back, and remix gives the same pixels', async () => {
    const made = await completedGeneration(server.url, { ...INPUT, hires: { width: 96, upscaler: 'LANCZOS', denoisingStrength: 0.6 } });
    assert.deepEqual(made.hires, { scale: null, width: 96, height: 96, steps: 3, denoisingStrength: 0.6, upscaler: 'LANCZOS', upscalerModel: null });
    const png = await bytes(made.images[0]!.url);
    assert.match(readTextChunks(png).get('parameters')!, /Denoising strength: 0\.6, Hires resize: 96x96, Hires steps: 3, Hires upscaler: Lanczos$/);

    const other = await startTestServer({ dataDir: await tempDataDir() });
    try {
      const { importImage } = await requestData(other.url, ImportImageDocument, { dataUrl: `data:image/png;base64,${png.toString('base64')}` });
      const { generation } = await requestData(other.url, GenerationDocument, { id: importImage.generationId! });
      assert.deepEqual(generation?.hires, made.hires);
      assert.equal(generation?.denoisingStrength, null, 'the strength is the hires pass\'s, not img2img\'s');
    } finally {
      await other.close();
    }

    const { remix } = await requestData(server.url, RemixDocument, { imageId: made.images[0]!.id });
    assert.deepEqual(remix.hires, made.hires);
    const again = await finishedGeneration(server.url, remix.id);
    assert.equal(again.images[0]!.sha256, made.images[0]!.sha256, 'remix re-made the same picture');
    const { remix: plain } = await requestData(server.url, RemixDocument, { imageId: made.images[0]!.id, overrides: { hires: null } });
    assert.equal(plain.hires, null, 'a remix may drop the hires fix');
  });

  test('every sampler runs both passes, with every kind of upscaler', async () => {
    const { samplers } = await requestData(server.url, CatalogDocument, {});
    const upscalers = ['LATENT', 'LATENT_NEAREST_EXACT', 'LATENT_BICUBIC_ANTIALIASED', 'LANCZOS'] as const;
    for (const [i, { name }] of samplers.entries()) {
      const upscaler = upscalers[i % upscalers.length]!;
      const done = await completedGeneration(server.url, { ...INPUT, sampler: name, steps: 2, hires: { scale: 1.5, steps: 2, denoisingStrength: 0.5, upscaler } }, `${name} ${upscaler}`);
      assert.deepEqual(done.images.map((image) => [image.width, image.height]), [[96, 96]], `${name} with ${upscaler}`);
    }
    assert.ok(samplers.length >= 10, `${samplers.length} samplers`);
  });

  test('bad settings are BAD_USER_INPUT naming the field and the allowed range', async () => {
    const bad = async (hires: GenerateInput['hires'], extra: Partial<GenerateInput> = {}) => {
      const result = await request(server.url, GenerateDocument, { input: { ...INPUT, ...extra, hires } });
      assert.equal(result.errors?.length, 1);
      return result.errors![0]!.extensions as Record<string, unknown>;
    };
    assert.deepEqual(await bad({ scale: 9 }), { code: 'BAD_USER_INPUT', field: 'hires.scale', min: 1, max: 4 });
    const width = await bad({ width: 40 });
    assert.deepEqual([width.code, width.field, width.min, width.max], ['BAD_USER_INPUT', 'hires.width', 64, 2048]);
    assert.equal((await bad({ denoisingStrength: 2 })).field, 'hires.denoisingStrength');
    assert.equal((await bad({ steps: -1 })).field, 'hires.steps');
    const memory = await bad({ width: 2048, height: 2048 });
    assert.deepEqual([memory.field, memory.reason], ['hires.width', 'OVER_MEMORY_BUDGET']);
    const withInit = await bad({}, { initImageId: 'anything' });
    assert.equal(withInit.code, 'BAD_USER_INPUT');
  });
});
