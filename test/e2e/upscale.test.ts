/**
 * Upscaler models through the GraphQL API, with the shipped toy-2x network: `upscalers` lists it; upscaleImage
 * queues a job of kind UPSCALE on a generated image or an upload, whose STEP events count tiles (over every run
 * of the model), whose image is the source enlarged (better than bicubic against the toy world's own pictures:
 * test/diffusion/upscaler-model.test.ts) and written with the source's parameters plus A1111's `postprocessing`
 * text; a cancel stops it between tiles; bad input is a coded error naming the field. A hires fix may enlarge
 * with the upscaler model. Ownership: another account's picture is NOT_FOUND (test/e2e/accounts-isolation).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { readTextChunks } from '../../src/diffusion/index.js';
import type { RunningServer } from '../../src/server.js';
import {
  CancelGenerationDocument,
  GenerateDocument,
  GenerationEventsDocument,
  RemixDocument,
  SearchPromptsDocument,
  UploadImageDocument,
  UpscaleImageDocument,
  UpscalersDocument,
} from '../generated/operations.js';
import { collectSubscription, request, requestData, wsClient } from '../support/graphql-client.js';
import { completedGeneration, finishedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

const SHIPPED_UPSCALERS = path.resolve('models', 'upscalers');
const TINY = { prompt: 'a red circle', sampler: 'euler', steps: 2, guidanceScale: 5, width: 64, height: 64, seed: '5' } as const;

async function uploadNoise(url: string, side: number): Promise<string> {
  const noise = Buffer.alloc(side * side * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  const png = await sharp(noise, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
  return (await requestData(url, UploadImageDocument, { dataUrl: `data:image/png;base64,${png.toString('base64')}` })).uploadImage.id;
}

describe('upscaleImage over GraphQL', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    // Small tiles, so that a 64x64 picture takes several (3 x 3 of 32 px, sharing 8).
    server = await startTestServer({ dataDir: await tempDataDir(), upscalersDir: SHIPPED_UPSCALERS, upscaleTile: 32, upscaleOverlap: 8, maxUpscalePixels: 1024 * 1024 });
  });
  after(() => server?.close());
  const bytes = async (url: string) => Buffer.from(await (await fetch(new URL(url, server.url))).arrayBuffer());

  test('upscalers lists the shipped toy-2x with its scale read from a test run', async () => {
    const { upscalers, unusableUpscalers } = await requestData(server.url, UpscalersDocument, {});
    assert.deepEqual(upscalers.map((u) => [u.name, u.scale]), [['toy-2x', 2]]);
    assert.match(upscalers[0]!.hash, /^[0-9a-f]{12}$/);
    assert.deepEqual(unusableUpscalers, []);
  });

  test('a generated image upscaled: tile events, the result twice the size, parameters kept and the upscale recorded', async () => {
    const source = await completedGeneration(server.url, TINY);
    const image = source.images[0]!;
    const { upscaleImage } = await requestData(server.url, UpscaleImageDocument, { imageId: image.id, upscaler: 'toy-2x' });
    assert.equal(upscaleImage.kind, 'UPSCALE');
    assert.deepEqual(upscaleImage.upscale, { upscaler: 'toy-2x', scale: 2 });
    assert.deepEqual([upscaleImage.width, upscaleImage.height, upscaleImage.initImageId], [128, 128, image.id]);
    assert.deepEqual([upscaleImage.prompt, upscaleImage.model, upscaleImage.seed], [source.prompt, source.model, image.seed], 'the source\'s parameters, for the record');

    const client = wsClient(server.url);
    const events = (await collectSubscription(client, GenerationEventsDocument, { id: upscaleImage.id })).map((e) => e.generationEvents);
    await client.dispose();
    const tiles = events.flatMap((e) => (e.__typename === 'GenerationStep' ? [`${e.step}/${e.totalSteps}`] : []));
    assert.deepEqual(tiles, Array.from({ length: 9 }, (_, i) => `${i + 1}/9`), 'one event per tile: 3 x 3 tiles of 32 px sharing 8');

    const done = await finishedGeneration(server.url, upscaleImage.id);
    assert.equal(done.status, 'COMPLETED', done.error ?? '');
    assert.deepEqual(done.images.map((i) => [i.width, i.height]), [[128, 128]]);
    const texts = readTextChunks(await bytes(done.images[0]!.url));
    assert.equal(texts.get('parameters'), readTextChunks(await bytes(image.url)).get('parameters'), 'the source\'s parameters are kept as they are');
    assert.equal(texts.get('postprocessing'), 'Postprocess upscale by: 2, Postprocess upscaler: toy-2x');

    // The result is the source enlarged: downsized again, it is close to the source.
    const small = await sharp(await bytes(done.images[0]!.url)).resize(64, 64, { kernel: 'cubic' }).raw().toBuffer();
    const original = await sharp(await bytes(image.url)).removeAlpha().raw().toBuffer();
    let error = 0;
    for (let i = 0; i < small.length; i++) error += Math.abs(small[i]! - original[i]!);
    assert.ok(error / small.length < 12, `mean difference after downsizing ${error / small.length}`);

    const remix = await request(server.url, RemixDocument, { imageId: done.images[0]!.id });
    assert.deepEqual([remix.errors?.[0]?.extensions?.code, remix.errors?.[0]?.extensions?.reason], ['BAD_USER_INPUT', 'UPSCALE_NOT_REMIXABLE']);
  });

  test('an upload upscaled 3x: the model runs twice, Lanczos brings it to the size, tiles counted over both runs', async () => {
    const upload = await uploadNoise(server.url, 64);
    const { upscaleImage } = await requestData(server.url, UpscaleImageDocument, { imageId: upload, upscaler: 'toy-2x', scale: 3 });
    assert.deepEqual([upscaleImage.width, upscaleImage.height, upscaleImage.prompt, upscaleImage.model], [192, 192, '', '']);
    const client = wsClient(server.url);
    const events = (await collectSubscription(client, GenerationEventsDocument, { id: upscaleImage.id })).map((e) => e.generationEvents);
    await client.dispose();
    const totals = new Set(events.flatMap((e) => (e.__typename === 'GenerationStep' ? [e.totalSteps] : [])));
    // 64 px: 3 x 3 tiles; 128 px: 5 x 5 (starts 0, 24, 48, 72, 96).
    assert.deepEqual([...totals], [34]);
    const done = await finishedGeneration(server.url, upscaleImage.id);
    assert.equal(done.status, 'COMPLETED', done.error ?? '');
    assert.deepEqual(done.images.map((i) => [i.width, i.height]), [[192, 192]]);
    const texts = readTextChunks(await bytes(done.images[0]!.url));
    assert.equal(texts.has('parameters'), false, 'an upload has no parameters to keep');
    assert.equal(texts.get('postprocessing'), 'Postprocess upscale by: 3, Postprocess upscaler: toy-2x');
    const prompts = (await requestData(server.url, SearchPromptsDocument, { first: 50 })).searchPrompts.edges.map((e) => e.node.text);
    assert.ok(!prompts.includes(''), `an upload's upscale puts no empty prompt in the library: ${JSON.stringify(prompts)}`);
  });

  test('a cancel stops an upscale between tiles', async () => {
    const upload = await uploadNoise(server.url, 512);
    const { upscaleImage } = await requestData(server.url, UpscaleImageDocument, { imageId: upload, upscaler: 'toy-2x' });
    const client = wsClient(server.url);
    let cancelled = false;
    const events = await collectSubscription(client, GenerationEventsDocument, { id: upscaleImage.id }, (event) => {
      if (event.generationEvents.__typename === 'GenerationStep' && !cancelled) {
        cancelled = true;
        void requestData(server.url, CancelGenerationDocument, { id: upscaleImage.id });
      }
    });
    await client.dispose();
    const steps = events.flatMap((e) => (e.generationEvents.__typename === 'GenerationStep' ? [e.generationEvents] : []));
    const done = await finishedGeneration(server.url, upscaleImage.id);
    assert.equal(done.status, 'CANCELLED');
    assert.equal(done.images.length, 0);
    assert.ok(steps.length < steps[0]!.totalSteps, `${steps.length} of ${steps[0]!.totalSteps} tiles ran`);
  });

  test('bad input is a coded error naming the field and what is allowed', async () => {
    const upload = await uploadNoise(server.url, 64);
    const error = async (variables: { imageId: string; upscaler: string; scale?: number }) => {
      const result = await request(server.url, UpscaleImageDocument, variables);
      assert.equal(result.errors?.length, 1, JSON.stringify(result));
      return result.errors![0]!.extensions as Record<string, unknown>;
    };
    assert.deepEqual(await error({ imageId: upload, upscaler: 'esrgan' }), { code: 'BAD_USER_INPUT', field: 'upscaler', allowedValues: ['toy-2x'], reason: 'UNKNOWN_UPSCALER' });
    assert.deepEqual(await error({ imageId: upload, upscaler: 'toy-2x', scale: 9 }), { code: 'BAD_USER_INPUT', field: 'scale', min: 1, max: 8 });
    assert.deepEqual(await error({ imageId: upload, upscaler: 'toy-2x', scale: 0.5 }), { code: 'BAD_USER_INPUT', field: 'scale', min: 1, max: 8 });
    // 1024 x 1024 pixels at most here: 4x of 256 px.
    const tooLarge = await error({ imageId: await uploadNoise(server.url, 256), upscaler: 'toy-2x', scale: 8 });
    assert.deepEqual([tooLarge.code, tooLarge.field, tooLarge.reason, tooLarge.max, tooLarge.setting], ['BAD_USER_INPUT', 'scale', 'RESULT_TOO_LARGE', 4, 'ATELIER_MAX_UPSCALE_PIXELS']);
    assert.deepEqual(await error({ imageId: 'no-such-picture', upscaler: 'toy-2x' }), { code: 'NOT_FOUND', id: 'no-such-picture', field: 'imageId' });
  });

  test('a hires fix enlarges with the upscaler model', async () => {
    const { generate } = await requestData(server.url, GenerateDocument, { input: { ...TINY, hires: { scale: 2, upscalerModel: 'toy-2x', denoisingStrength: 0.5 } } });
    assert.deepEqual([generate.hires?.upscaler, generate.hires?.upscalerModel], ['MODEL', 'toy-2x']);
    const done = await finishedGeneration(server.url, generate.id);
    assert.equal(done.status, 'COMPLETED', done.error ?? '');
    assert.deepEqual(done.images.map((i) => [i.width, i.height]), [[128, 128]]);
    assert.match(readTextChunks(await bytes(done.images[0]!.url)).get('parameters')!, /Hires upscale: 2, Hires steps: 2, Hires upscaler: toy-2x$/);
    const unknown = await request(server.url, GenerateDocument, { input: { ...TINY, hires: { upscalerModel: 'nope' } } });
    assert.deepEqual([unknown.errors?.[0]?.extensions?.field, unknown.errors?.[0]?.extensions?.reason], ['hires.upscalerModel', 'UNKNOWN_UPSCALER']);
    const withLatent = await request(server.url, GenerateDocument, { input: { ...TINY, hires: { upscaler: 'LATENT', upscalerModel: 'toy-2x' } } });
    assert.equal(withLatent.errors?.[0]?.extensions?.field, 'hires.upscalerModel');
  });
});
