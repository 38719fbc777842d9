/**
 * Textual inversion on the tiny SD1 and SDXL models: an embedding whose vectors are the token embeddings of
 * "red cat" makes "a zorbl circle" give the same picture as "a red cat circle", in each file format, with the
 * end token kept largest where the encoder pools by ArgMax (SDXL's pooled projection would show it).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { StableDiffusionPipeline, type Txt2ImgRequest } from '../../src/diffusion/index.js';
import { readEmbeddingFile } from '../../src/diffusion/text/embedding-file.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';
import { rowsOf } from '../support/embedding-rows.js';
import { encodeSafetensors } from '../support/safetensors-file.js';

const REQUEST: Txt2ImgRequest = { prompt: 'a red cat circle', negativePrompt: 'blurry', sampler: 'euler', steps: 3, guidanceScale: 6, width: 64, height: 64, seeds: [3n] };
const CPU = { device: 'cpu' as const, cpuThreads: 1 };
let root: string;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-ti-'));
  await writeTinyModel(path.join(root, 'sd1'));
  await writeTinyModel(path.join(root, 'sdxl'), { family: 'sdxl' });
});
after(() => fs.rm(root, { recursive: true, force: true }));

async function picture(model: string, prompt: string, embeddings: { file: string; name: string }[] = []) {
  const pipeline = await StableDiffusionPipeline.load(model, CPU, { embeddings });
  try {
    const result = await pipeline.txt2img({ ...REQUEST, prompt });
    return { data: Buffer.from(result.images[0]!.data), warnings: pipeline.embeddingWarnings };
  } finally {
    await pipeline.release();
  }
}

test('SD1: an A1111 embedding (emb_params) called by its name gives the picture of the words its vectors are', async () => {
  const model = path.join(root, 'sd1');
  const rows = await rowsOf(model, 'text_encoder', 'tokenizer', 'red cat');
  assert.ok(rows.rows >= 2);
  const file = path.join(root, 'zorbl.safetensors');
  await fs.writeFile(file, encodeSafetensors({ emb_params: { shape: [rows.rows, rows.dim], values: rows.data } }));
  const expected = await picture(model, 'a red cat circle');
  const withEmbedding = await picture(model, 'a Zorbl circle', [{ file, name: 'zorbl' }]);
  assert.deepEqual(withEmbedding.warnings, []);
  assert.deepEqual(withEmbedding.data, expected.data);
  assert.notDeepEqual((await picture(model, 'a zorbl circle')).data, expected.data, 'without the embedding the word is just letters');
  assert.deepEqual((await picture(model, 'a red cat circle', [{ file, name: 'zorbl' }])).data, expected.data, 'unused, it changes nothing');
});

test('SD1: a diffusers embedding ({token: [dim]}) works the same, one vector', async () => {
  const model = path.join(root, 'sd1');
  const rows = await rowsOf(model, 'text_encoder', 'tokenizer', 'cat');
  assert.equal(rows.rows, 1);
  const file = path.join(root, 'learned_embeds.safetensors');
  await fs.writeFile(file, encodeSafetensors({ '<kitty>': { shape: [rows.dim], values: rows.data } }));
  assert.deepEqual((await picture(model, 'a red qwx circle', [{ file, name: 'qwx' }])).data, (await picture(model, 'a red cat circle')).data);
});

test('SDXL: clip_l and clip_g vectors go to their encoders; pooling still finds the end token', async () => {
  const model = path.join(root, 'sdxl');
  const l = await rowsOf(model, 'text_encoder', 'tokenizer', 'red cat');
  const g = await rowsOf(model, 'text_encoder_2', 'tokenizer_2', 'red cat');
  const file = path.join(root, 'xl.safetensors');
  await fs.writeFile(file, encodeSafetensors({ clip_l: { shape: [l.rows, l.dim], values: l.data }, clip_g: { shape: [g.rows, g.dim], values: g.data } }));
  const withEmbedding = await picture(model, 'a zorbl circle', [{ file, name: 'zorbl' }]);
  assert.deepEqual(withEmbedding.warnings, []);
  assert.deepEqual(withEmbedding.data, (await picture(model, 'a red cat circle')).data);
});

test('an embedding that does not fit every encoder is not loaded, with a warning; pickles are refused', async () => {
  const model = path.join(root, 'sdxl');
  const l = await rowsOf(model, 'text_encoder', 'tokenizer', 'cat');
  const onlyL = path.join(root, 'only-l.safetensors');
  await fs.writeFile(onlyL, encodeSafetensors({ clip_l: { shape: [1, l.dim], values: l.data } }));
  const wide = path.join(root, 'wide.safetensors');
  await fs.writeFile(wide, encodeSafetensors({ emb_params: { shape: [1, 7], values: [1, 2, 3, 4, 5, 6, 7] } }));
  const result = await picture(model, 'a red cat circle', [{ file: onlyL, name: 'onlyl' }]);
  assert.deepEqual(result.warnings, ['Embedding "onlyl" was not loaded: it has no vectors for text_encoder_2.']);
  assert.deepEqual(result.data, (await picture(model, 'a red cat circle')).data);
  const sd1 = await picture(path.join(root, 'sd1'), 'a circle', [{ file: wide, name: 'wide' }]);
  assert.deepEqual(sd1.warnings, ['Embedding "wide" was not loaded: its vectors are 7 wide and text_encoder takes 32.']);
  await assert.rejects(readEmbeddingFile(path.join(root, 'x.pt'), 'x'), /only \.safetensors/);
});
