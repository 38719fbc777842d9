/**
 * The LoRA and the textual-inversion embedding trained on toy-shapes (tools/toy-model/train_lora.py,
 * train_embedding.py; they ship in models/loras/ and models/embeddings/, their other-format copies are in
 * test/fixtures/), judged through the GraphQL API by what the pictures show. The base model was never
 * shown a bar (a shape as wide as the others and 0.4 as thick) and "bar" is not one of its words: with the
 * LoRA it draws one, without it (or at weight 0) it does not. The kohya and PEFT files hold the same weights
 * and draw the same pictures. The embedding stands for one scene (world.json's `embeddings`): its name alone
 * draws it, and a server without the embedding reads the same words as plain BPE pieces and does not.
 * DDIM, 20 steps, guidance 5, the toy scoring prompts x seeds 1 and 2, as tools/toy-model/score_lora.py.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { EmbeddingsDocument, LorasDocument, type GenerateInput } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { pct, scoreScenes, toyPictures } from '../support/toy-pictures.js';
import { scoringPrompts, TOY_MODEL_DIR, toyWorld } from '../support/toy-world.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A folder holding the file that ships in models/ and its other-format copy from test/fixtures/. */
async function bothFormats(kind: 'loras' | 'embeddings', shipped: string, copy: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `atelier-toy-${kind}-`));
  await fs.copyFile(path.join(REPO, 'models', kind, shipped), path.join(dir, shipped));
  await fs.copyFile(path.join(REPO, 'test', 'fixtures', kind, copy), path.join(dir, copy));
  return dir;
}
const SEEDS = ['1', '2'];
const SETTINGS = { sampler: 'ddim', steps: 20, guidanceScale: 5 } as const;
/** The bar: the concept in at least 80% of the prompts and seeds with the LoRA. */
const CONCEPT_BAR = 0.8;

function maxPixelDifference(a: Buffer, b: Buffer): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('the toy LoRA and embedding, by what the pictures show', { timeout: 20 * 60_000 }, () => {
  let server: RunningServer;
  let bare: RunningServer;
  const barPrompts = scoringPrompts(24, toyWorld().novelShapes);
  const runs = (suffix: string, extra: Partial<GenerateInput> = {}) =>
    barPrompts.flatMap(({ prompt, expected }) => SEEDS.map((seed) => ({ input: { prompt: `${prompt}${suffix}`, seed, ...SETTINGS, ...extra }, expected })));

  before(async () => {
    const modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-toy-lora-'));
    await fs.cp(TOY_MODEL_DIR, path.join(modelsDir, 'toy-shapes'), { recursive: true });
    const common = { modelsDir, defaultModel: 'toy-shapes', workers: 2, previewEvery: 0 };
    const lorasDir = await bothFormats('loras', 'toy-bar.safetensors', 'toy-bar-peft.safetensors');
    const embeddingsDir = await bothFormats('embeddings', 'toy-sunset.safetensors', 'toy-sunset-diffusers.safetensors');
    server = await startTestServer({ ...common, dataDir: await tempDataDir(), lorasDir, embeddingsDir });
    bare = await startTestServer({ ...common, dataDir: await tempDataDir(), embeddingsDir: await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-no-embeddings-')) });
  });
  after(async () => {
    await server?.close();
    await bare?.close();
  });

  test('the catalogues list the LoRA in both formats and the embedding in both formats', async () => {
    const { loras } = await requestData(server.url, LorasDocument);
    // kohya's metadata names the base model's version; a PEFT file has none, so it is offered to every family.
    assert.deepEqual(loras.map((l) => [l.name, l.family]), [['toy-bar', 'SD1'], ['toy-bar-peft', null]]);
    assert.ok(loras[0]!.triggerWords.includes('bar'), `trigger words from ss_tag_frequency: ${loras[0]!.triggerWords.join(', ')}`);
    const { embeddings } = await requestData(server.url, EmbeddingsDocument);
    assert.deepEqual(embeddings.map((e) => [e.name, e.family, e.vectors]), [['toy-sunset', null, 2], ['toy-sunset-diffusers', null, 2]]);
  });

  test(`with the LoRA at weight 1 a bar is drawn for at least ${100 * CONCEPT_BAR}% of the prompts and seeds; without it, for none`, async () => {
    const withLora = runs(' <lora:toy-bar:1>');
    const drawn = await toyPictures(server.url, withLora.map((r) => r.input));
    const score = scoreScenes(drawn.map((p) => p.seen), withLora.map((r) => r.expected));
    const without = runs('');
    const plain = await toyPictures(server.url, without.map((r) => r.input));
    const plainBars = plain.filter((p) => p.seen.shape === 'bar').length;
    console.log(`toy LoRA at weight 1: bar ${pct(score.shape, score.images)}, colours ${pct(score.colour, score.images)}, position ${pct(score.position, score.images)}, size ${pct(score.size, score.images)}; without it: bar ${pct(plainBars, plain.length)}`);
    assert.ok(score.shape / score.images >= CONCEPT_BAR, `bars ${pct(score.shape, score.images)}`);
    assert.ok(plainBars <= 1, `the base model drew ${plainBars} bars`);
  });

  test('weight 0 gives the base model\'s pixels exactly; the PEFT file gives the kohya file\'s picture (to its float16 rounding)', async () => {
    const four = runs('').slice(0, 4).map((r) => r.input);
    const base = await toyPictures(server.url, four);
    const zero = await toyPictures(server.url, four.map((input) => ({ ...input, loras: [{ name: 'toy-bar', weight: 0 }] })));
    const kohya = await toyPictures(server.url, four.map((input) => ({ ...input, loras: [{ name: 'toy-bar', weight: 1 }] })));
    const peft = await toyPictures(server.url, four.map((input) => ({ ...input, loras: [{ name: 'toy-bar-peft', weight: 1 }] })));
    base.forEach((picture, i) => {
      assert.ok(picture.rgb.equals(zero[i]!.rgb), `picture ${i}: weight 0 changed pixels`);
      // PEFT's B is kohya's up x alpha / rank, stored in float16 again: the merged weights differ by up to
      // 1.5e-8 (tools/toy-model/lora_parity.py), which may move a pixel by a level or two, never the picture.
      const difference = maxPixelDifference(kohya[i]!.rgb, peft[i]!.rgb);
      assert.ok(difference <= 3, `picture ${i}: the PEFT file's picture differs by ${difference} levels`);
      assert.deepEqual(peft[i]!.seen, kohya[i]!.seen);
      assert.ok(maxPixelDifference(kohya[i]!.rgb, picture.rgb) > 50, `picture ${i}: the LoRA changed little`);
    });
  });

  test('the embedding draws its scene by its name, in either file format; without it installed the same words do not', async () => {
    const world = toyWorld();
    const [token, scene] = Object.entries(world.embeddings)[0]!;
    // Two of the captions it was trained with (its name alone draws the scene's colours and place, but most
    // often a square: tools/toy-model/score_lora.py --embedding).
    const prompts = [`a picture of ${token}`, `picture of ${token}`];
    const inputs = prompts.flatMap((prompt) => Array.from({ length: 12 }, (_, i) => ({ prompt, seed: String(i + 1), ...SETTINGS })));
    const expected = inputs.map(() => scene);
    const withIt = scoreScenes((await toyPictures(server.url, inputs)).map((p) => p.seen), expected);
    const withoutIt = scoreScenes((await toyPictures(bare.url, inputs)).map((p) => p.seen), expected);
    console.log(`embedding "${token}": its scene ${pct(withIt.all, withIt.images)} of ${withIt.images} pictures; not installed: ${pct(withoutIt.all, withoutIt.images)}`);
    assert.ok(withIt.all / withIt.images >= 0.8, `with the embedding: ${pct(withIt.all, withIt.images)}`);
    assert.ok(withoutIt.all / withoutIt.images <= 0.1, `without it: ${pct(withoutIt.all, withoutIt.images)}`);
    // The diffusers file holds the same vectors under its own name: the same pixels.
    const a = await toyPictures(server.url, [{ prompt: `a picture of ${token}`, seed: '5', ...SETTINGS }]);
    const b = await toyPictures(server.url, [{ prompt: `a picture of ${token}-diffusers`, seed: '5', ...SETTINGS }]);
    assert.ok(a[0]!.rgb.equals(b[0]!.rgb), 'the diffusers-format embedding drew another picture');
  });
});
