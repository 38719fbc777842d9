/**
 * The hires fix keeps the first pass's composition, judged by what the pictures show: on the shipped
 * multi-size toy model (models/toy-shapes-hires, trained to work at 64 and 128: tools/toy-model/README.md), for
 * the scoring prompts and two seeds, the analyser reads the 128x128 result of a hires fix (64 -> 128, strength
 * 0.5, through the latent and the Lanczos upscalers) and the 64x64 first pass (the plain image of the same
 * seed, which is what the first pass is), and finds the same colours, place, size and shape. The same hires
 * requests on the 64-only toy-shapes agree far less (its UNet and VAE break up at 128): the numbers can fail.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import type { GenerateInput } from '../generated/operations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { pct, scoreScenes, toyPictures } from '../support/toy-pictures.js';
import { scoringPrompts } from '../support/toy-world.js';

const PROMPTS = scoringPrompts(24);
const SEEDS = ['1', '2'];
const COMMON = { sampler: 'euler', steps: 20, guidanceScale: 5, width: 64, height: 64 } as const;
/** Colours, place and size agree in 98-100% of the pictures; the bar leaves room for another CPU's rounding. */
const LAYOUT_BAR = 0.9;
/**
 * Shape kind agrees in 90%: the misses are small squares the first pass drew round and the second pass drew
 * square again (against the prompt the hires result is right in 100%).
 */
const SHAPE_BAR = 0.8;

describe('the hires fix keeps the composition on the multi-size toy model', { timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir: path.resolve('models'), defaultModel: 'toy-shapes-hires' });
  });
  after(() => server?.close());

  const inputs = (model: string, hires?: GenerateInput['hires']): GenerateInput[] =>
    PROMPTS.flatMap(({ prompt }) => SEEDS.map((seed) => ({ ...COMMON, prompt, seed, model, ...(hires ? { hires } : {}) })));

  async function agreement(model: string, upscaler: 'LATENT' | 'LANCZOS') {
    const first = await toyPictures(server.url, inputs(model));
    const second = await toyPictures(server.url, inputs(model, { width: 128, height: 128, steps: 20, denoisingStrength: 0.5, upscaler }));
    return scoreScenes(second.map((p) => p.seen), first.map((p) => p.seen));
  }

  for (const upscaler of ['LATENT', 'LANCZOS'] as const) {
    test(`${upscaler}: the 128x128 result shows what the 64x64 first pass showed`, async () => {
      const score = await agreement('toy-shapes-hires', upscaler);
      const line = `colours ${pct(score.colour, score.images)}, place ${pct(score.position, score.images)}, size ${pct(score.size, score.images)}, shape ${pct(score.shape, score.images)}, all four ${pct(score.all, score.images)} of ${score.images}`;
      console.log(`toy-shapes-hires, hires ${upscaler} vs first pass: ${line}`);
      for (const key of ['colour', 'position', 'size'] as const) assert.ok(score[key] / score.images >= LAYOUT_BAR, `${key}: ${line}`);
      assert.ok(score.shape / score.images >= SHAPE_BAR, `shape: ${line}`);
    });
  }

  test('control: the 64-only toy-shapes does not keep it', async () => {
    const score = await agreement('toy-shapes', 'LATENT');
    console.log(`toy-shapes (64 only), hires LATENT vs first pass: all four ${pct(score.all, score.images)} of ${score.images}`);
    assert.ok(score.all / score.images < 0.5, `the control agrees in ${pct(score.all, score.images)}`);
  });
});
