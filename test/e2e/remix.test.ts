import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { RunningServer } from '../../src/server.js';
import {
  DeleteGenerationDocument,
  GenerateDocument,
  GenerationDocument,
  RemixDocument,
  UploadImageDocument,
  type GenerateInput,
  type GenerationFieldsFragment,
  type RemixInput,
} from '../generated/operations.js';
import { request, requestData } from '../support/graphql-client.js';
import { finishedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';

/**
 * remix on the toy-shapes model: a stored image re-made from its recorded parameters comes out byte for byte
 * the same; overrides change only what they name; and what cannot be re-made is a clear error.
 */
describe('remix over GraphQL', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  let modelsDir: string;
  let batch: GenerationFieldsFragment;

  const finish = (id: string) => finishedGeneration(server.url, id);
  const generated = async (input: GenerateInput) => finish((await requestData(server.url, GenerateDocument, { input })).generate.id);
  const remixed = async (imageId: string, overrides?: RemixInput) => {
    const { remix } = await requestData(server.url, RemixDocument, { imageId, overrides });
    assert.equal(remix.remixOfImageId, imageId);
    const done = await finish(remix.id);
    assert.equal(done.status, 'COMPLETED', done.error ?? '');
    return done;
  };
  const bytes = async (url: string) => Buffer.from(await (await fetch(new URL(url, server.url))).arrayBuffer());
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

  /** The parameters that decide the pixels, as a generation reports them. */
  const parameters = (g: GenerationFieldsFragment) => {
    const { prompt, negativePrompt, model, sampler, steps, guidanceScale, width, height, variationStrength, initImageId, maskImageId, denoisingStrength, previewMethod, priority } = g;
    return { prompt, negativePrompt, model, sampler, steps, guidanceScale, width, height, variationStrength, initImageId, maskImageId, denoisingStrength, previewMethod, priority };
  };

  before(async () => {
    modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-remix-'));
    await fs.cp(TOY_MODEL_DIR, path.join(modelsDir, 'toy-shapes'), { recursive: true });
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: 'toy-shapes', workers: 1, previewEvery: 0 });
    // Ancestral sampling (fresh noise every step) and a variation seed: each image of the batch has its own streams.
    batch = await generated({
      prompt: 'a small red circle in the top left on a blue background',
      negativePrompt: 'green',
      sampler: 'euler_a',
      steps: 12,
      guidanceScale: 5,
      seed: '1000',
      variationSeed: '77',
      variationStrength: 0.3,
      batchSize: 2,
    });
    assert.equal(batch.status, 'COMPLETED', batch.error ?? '');
    assert.equal(batch.images.length, 2);
  });
  after(async () => {
    await server?.close();
    await fs.rm(modelsDir, { recursive: true, force: true });
  });

  test('without overrides, image 1 of a batch comes back byte-identical, made alone with its own seeds', async () => {
    const original = batch.images[1]!;
    const remix = await remixed(original.id);
    assert.deepEqual(parameters(remix), parameters(batch));
    assert.deepEqual([remix.batchSize, remix.seed, remix.variationSeed], [1, '1001', '78']);
    const image = remix.images[0]!;
    assert.equal(image.seed, original.seed);
    assert.equal(image.sha256, original.sha256);
    const [mine, theirs] = [await bytes(image.url), await bytes(original.url)];
    assert.equal(sha256(mine), original.sha256);
    assert.ok(mine.equals(theirs), 'the same PNG bytes');
    assert.notEqual(image.id, original.id, 'a new image row');
  });

  test('overrides change what they name and keep the rest', async () => {
    const original = batch.images[0]!;
    const remix = await remixed(original.id, { prompt: 'a small red circle in the top left on a white background', steps: 8, priority: 5 });
    assert.deepEqual(parameters(remix), {
      ...parameters(batch),
      prompt: 'a small red circle in the top left on a white background',
      steps: 8,
      priority: 5,
    });
    assert.deepEqual([remix.batchSize, remix.seed, remix.variationSeed], [1, '1000', '77']);
    assert.notEqual(remix.images[0]!.sha256, original.sha256);
    // The new prompt asked for white: the picture changed accordingly.
    const { data } = await sharp(await bytes(remix.images[0]!.url)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[data.length - 3]! > 200 && data[data.length - 1]! > 200, 'a white corner');
  });

  test('null means what generate does without the field; a new prompt\'s parameters replace stored values', async () => {
    const { remix } = await requestData(server.url, RemixDocument, {
      imageId: batch.images[0]!.id,
      overrides: { prompt: 'a large yellow square --steps 6 --ar 2:1', seed: null, variationSeed: null, variationStrength: null, sampler: null, batchSize: 2 },
    });
    assert.deepEqual([remix.prompt, remix.steps, remix.width, remix.height, remix.sampler, remix.batchSize], ['a large yellow square', 6, 128, 64, 'euler', 2]);
    assert.deepEqual([remix.variationSeed, remix.variationStrength, remix.guidanceScale, remix.negativePrompt], [null, 0, 5, 'green']);
    assert.notEqual(remix.seed, '1000', 'a random seed');
    assert.equal((await finish(remix.id)).status, 'COMPLETED');
  });

  test('an img2img image remixes byte-identically too; once its init image is deleted, the error says so', async () => {
    const img2img = await generated({ prompt: 'a large yellow circle on the left, white background', seed: '5', guidanceScale: 5, initImageId: batch.images[0]!.id, denoisingStrength: 0.6 });
    assert.equal(img2img.status, 'COMPLETED', img2img.error ?? '');
    const remix = await remixed(img2img.images[0]!.id);
    assert.deepEqual(parameters(remix), parameters(img2img));
    assert.equal(remix.images[0]!.sha256, img2img.images[0]!.sha256);
    assert.ok((await bytes(remix.images[0]!.url)).equals(await bytes(img2img.images[0]!.url)));

    // As text-to-image instead: the stored strength goes with the init image.
    const { remix: plain } = await requestData(server.url, RemixDocument, { imageId: img2img.images[0]!.id, overrides: { initImageId: null } });
    assert.deepEqual([plain.initImageId, plain.denoisingStrength], [null, null]);
    await finish(plain.id);

    await requestData(server.url, DeleteGenerationDocument, { id: batch.id });
    const result = await request(server.url, RemixDocument, { imageId: img2img.images[0]!.id });
    const error = result.errors?.[0];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(result));
    assert.deepEqual([error?.extensions?.field, error?.extensions?.reason], ['overrides.initImageId', 'IMAGE_NOT_FOUND']);
    // Another init image is an override like any other.
    const upload = (await requestData(server.url, UploadImageDocument, { dataUrl: `data:image/png;base64,${(await bytes(img2img.images[0]!.url)).toString('base64')}` })).uploadImage;
    const { remix: again } = await requestData(server.url, RemixDocument, { imageId: img2img.images[0]!.id, overrides: { initImageId: upload.id } });
    assert.deepEqual([again.initImageId, again.denoisingStrength], [upload.id, 0.6]);
    await finish(again.id);
    // Deleting the remixed image's generation keeps its remixes, which then forget where they came from.
    await requestData(server.url, DeleteGenerationDocument, { id: img2img.id });
    const first = (await requestData(server.url, GenerationDocument, { id: plain.id })).generation;
    assert.deepEqual([first?.status, first?.remixOfImageId], ['COMPLETED', null]);
  });

  test('bad input: an unknown image, an upload, overrides out of range, a model no longer installed', async () => {
    const upload = (await requestData(server.url, UploadImageDocument, {
      dataUrl: `data:image/png;base64,${(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer()).toString('base64')}`,
    })).uploadImage;
    const someImage = (await generated({ prompt: 'a red circle', seed: '3', steps: 4 })).images[0]!.id;
    const cases: [string, RemixInput | undefined, string, Record<string, unknown>][] = [
      ['no-such-image', undefined, 'NOT_FOUND', { field: 'imageId' }],
      [upload.id, undefined, 'NOT_FOUND', { field: 'imageId', reason: 'NOT_GENERATED' }],
      [someImage, { steps: 0 }, 'BAD_USER_INPUT', { field: 'overrides.steps', min: 1, max: 150 }],
      [someImage, { guidanceScale: 31 }, 'BAD_USER_INPUT', { field: 'overrides.guidanceScale', min: 0, max: 30 }],
      [someImage, { width: 65 }, 'BAD_USER_INPUT', { field: 'overrides.width', min: 64, max: 2048 }],
      [someImage, { model: 'nope' }, 'BAD_USER_INPUT', { field: 'overrides.model', reason: 'MODEL_NOT_FOUND' }],
      [someImage, { prompt: '   ' }, 'BAD_USER_INPUT', { field: 'overrides.prompt' }],
      [someImage, { denoisingStrength: 0.5 }, 'BAD_USER_INPUT', { field: 'overrides.denoisingStrength' }],
    ];
    for (const [imageId, overrides, code, details] of cases) {
      const result = await request(server.url, RemixDocument, { imageId, overrides });
      const error = result.errors?.[0];
      assert.equal(error?.extensions?.code, code, JSON.stringify(result));
      for (const [key, value] of Object.entries(details)) assert.equal(error?.extensions?.[key], value, `${JSON.stringify(overrides)} ${key}`);
    }

    // A model removed since: the error names the override that fixes it and says the value was the stored one.
    await fs.cp(TOY_MODEL_DIR, path.join(modelsDir, 'toy-copy'), { recursive: true });
    const made = await generated({ prompt: 'a red circle', model: 'toy-copy', seed: '3', steps: 4 });
    assert.equal(made.status, 'COMPLETED', made.error ?? '');
    await fs.rm(path.join(modelsDir, 'toy-copy'), { recursive: true });
    const result = await request(server.url, RemixDocument, { imageId: made.images[0]!.id });
    const error = result.errors?.[0];
    assert.deepEqual([error?.extensions?.code, error?.extensions?.field, error?.extensions?.reason], ['BAD_USER_INPUT', 'overrides.model', 'MODEL_NOT_FOUND']);
    assert.match(error?.message ?? '', /stored with image .*overrides\.model/);
    assert.equal((await remixed(made.images[0]!.id, { model: 'toy-shapes' })).model, 'toy-shapes');
  });
});
