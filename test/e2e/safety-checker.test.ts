/**
 * The safety checker through the GraphQL API: a model folder with `safety_checker/model.onnx` (the tiny
 * stand-in, src/test-models/tiny/tiny-safety-checker.ts, here set to flag every picture) has its images checked
 * after decoding, and ATELIER_SAFETY decides what is stored: black (block, the default), blurred (blur) or as
 * made (flag), marked Image.nsfw and counted in the warnings in each; off checks nothing. The same tiny model
 * without a checker (identical weights) gives the pictures as made to compare with. searchImages filters by
 * nsfw. Ownership: no new id-taking operation (Image.nsfw and the filter follow the image's own rules).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { SafetyMode } from '../../src/generation/safety-mode.js';
import type { RunningServer } from '../../src/server.js';
import { writeTinySafetyChecker } from '../../src/test-models/tiny/tiny-safety-checker.js';
import { SearchImagesDocument, type GenerateInput, type GenerationFieldsFragment } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir, tinyModelsFolder } from '../support/test-server.js';

const INPUT: GenerateInput = { prompt: 'a red circle', sampler: 'euler', steps: 2, guidanceScale: 5, width: 64, height: 64, seed: '21', batchSize: 2 };

describe('safety checker over GraphQL', { timeout: 5 * 60_000 }, () => {
  let modelsDir: string;
  const servers = new Map<SafetyMode, RunningServer>();
  before(async () => {
    modelsDir = await tinyModelsFolder('safety', { tiny: {}, checked: {} });
    await writeTinySafetyChecker(path.join(modelsDir, 'checked'), { threshold: 1e9 });
    for (const safety of ['block', 'blur', 'flag', 'off'] as const) servers.set(safety, await startTestServer({ dataDir: await tempDataDir(), modelsDir, safety }));
  });
  after(async () => Promise.all([...servers.values()].map((server) => server.close())));

  async function pixels(server: RunningServer, generation: GenerationFieldsFragment, index: number): Promise<Buffer> {
    const png = Buffer.from(await (await fetch(new URL(generation.images[index]!.url, server.url))).arrayBuffer());
    return sharp(png).removeAlpha().raw().toBuffer();
  }
  const mean = (data: Buffer) => data.reduce((sum, v) => sum + v, 0) / data.length;
  const meanDifference = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;

  test('block (the default): flagged images are black, marked nsfw, counted in the warnings; unchecked ones are not', async () => {
    const server = servers.get('block')!;
    const checked = await completedGeneration(server.url, { ...INPUT, model: 'checked' });
    assert.deepEqual(checked.images.map((i) => i.nsfw), [true, true]);
    assert.ok(checked.warnings.some((w) => /safety checker flagged 2 images: images 0, 1 were replaced by black/.test(w)), checked.warnings.join(' | '));
    for (const index of [0, 1]) assert.equal(Math.max(...(await pixels(server, checked, index))), 0, `image ${index} is black`);
    const plain = await completedGeneration(server.url, { ...INPUT, model: 'tiny' });
    assert.deepEqual(plain.images.map((i) => i.nsfw), [false, false]);
    assert.ok(mean(await pixels(server, plain, 0)) > 5, 'the model without a checker keeps its picture');
    assert.ok(!plain.warnings.some((w) => w.includes('safety')));

    const search = async (nsfw: boolean) =>
      (await requestData(server.url, SearchImagesDocument, { input: { nsfw }, first: 10 })).searchImages.edges.map((e) => e.node.id).sort();
    assert.deepEqual(await search(true), checked.images.map((i) => i.id).sort());
    assert.deepEqual(await search(false), plain.images.map((i) => i.id).sort());
  });

  test('blur: flagged images blurred past recognition, their colour kept; flag: kept as made; both marked', async () => {
    const asMade = await completedGeneration(servers.get('off')!.url, { ...INPUT, model: 'tiny' });
    const original = await pixels(servers.get('off')!, asMade, 0);

    const blurServer = servers.get('blur')!;
    const blurred = await completedGeneration(blurServer.url, { ...INPUT, model: 'checked' });
    assert.deepEqual(blurred.images.map((i) => i.nsfw), [true, true]);
    assert.ok(blurred.warnings.some((w) => w.includes('were blurred')));
    const blurredPixels = await pixels(blurServer, blurred, 0);
    assert.ok(meanDifference(blurredPixels, original) > 5, `blurred: ${meanDifference(blurredPixels, original)}`);
    assert.ok(Math.abs(mean(blurredPixels) - mean(original)) < 4, 'the mean colour stays');

    const flagServer = servers.get('flag')!;
    const flagged = await completedGeneration(flagServer.url, { ...INPUT, model: 'checked' });
    assert.deepEqual(flagged.images.map((i) => i.nsfw), [true, true]);
    assert.ok(flagged.warnings.some((w) => w.includes('were kept as made')));
    assert.equal(meanDifference(await pixels(flagServer, flagged, 0), original), 0, 'flag keeps the pixels');
  });

  test('off: nothing is checked or marked', async () => {
    const off = await completedGeneration(servers.get('off')!.url, { ...INPUT, model: 'checked' });
    assert.deepEqual(off.images.map((i) => i.nsfw), [false, false]);
    assert.ok(!off.warnings.some((w) => w.includes('safety')));
  });
});
