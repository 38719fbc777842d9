/**
 * LoRAs through the GraphQL API on the tiny model: the `loras` catalogue (metadata, hash, unusable files), the
 * request rules and their errors, what a generation stores and writes into its PNG, remix, the `lora` search
 * filter and refreshModels. The LoRA here is synthetic (random matrices for real modules of the tiny UNet); what
 * a trained LoRA draws is test/e2e/toy-lora.test.ts's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readTextChunks } from '../../src/diffusion/index.js';
import type { RunningServer } from '../../src/server.js';
import { EmbeddingsDocument, GenerateDocument, LorasDocument, RefreshModelsDocument, RemixDocument, SearchImagesDocument } from '../generated/operations.js';
import { createKey, keyedRequest } from '../support/accounts.js';
import { request, requestData } from '../support/graphql-client.js';
import { completedGeneration, finishedGeneration } from '../support/generations.js';
import { kohyaLora, randomModule } from '../support/lora-files.js';
import { rowsOf } from '../support/embedding-rows.js';
import { encodeSafetensors } from '../support/safetensors-file.js';
import { startTestServer, tempDataDir, tinyModelsDir } from '../support/test-server.js';

/** A kohya-format LoRA for one real module of the tiny UNet, and one the tiny model does not have (reported, not applied). */
function tinyLora(metadata: Record<string, string>): Buffer {
  const modules = [
    randomModule('unet', 'down_blocks.0.attentions.0.attn2.to_q', [4, 32], [32, 4], 11, 2),
    randomModule('unet', 'down_blocks.9.attentions.0.attn2.to_q', [4, 32], [32, 4], 12),
  ];
  return kohyaLora(modules, { metadata });
}

/** AUTOMATIC1111's short hash of a LoRA file, computed here from its bytes: the sha256 of what follows the header. */
function a1111Hash(file: Buffer): string {
  const headerLength = Number(file.readBigUInt64LE(0));
  return createHash('sha256').update(file.subarray(8 + headerLength)).digest('hex').slice(0, 12);
}

describe('LoRAs over GraphQL', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  let lorasDir: string;
  let embeddingsDir: string;
  let inkHash: string;
  const INK_METADATA = {
    ss_network_module: 'networks.lora',
    ss_base_model_version: 'sd_v1',
    ss_sd_model_name: 'tiny-base.safetensors',
    ss_tag_frequency: JSON.stringify({ '10_ink': { 'ink drawing': 12, outline: 30, monochrome: 4 } }),
  };

  before(async () => {
    lorasDir = path.join(await tempDataDir(), 'loras');
    await fs.mkdir(path.join(lorasDir, 'styles'), { recursive: true });
    const ink = tinyLora(INK_METADATA);
    inkHash = a1111Hash(ink);
    await fs.writeFile(path.join(lorasDir, 'styles', 'ink.safetensors'), ink);
    await fs.writeFile(path.join(lorasDir, 'xl-only.safetensors'), tinyLora({ ss_base_model_version: 'sdxl_base_v1-0' }));
    await fs.writeFile(path.join(lorasDir, 'old.pt'), 'a pickle');
    await fs.writeFile(path.join(lorasDir, 'broken.safetensors'), Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    // An embedding whose vectors are the tiny text encoder's rows for "red cat", and a file that is no embedding.
    embeddingsDir = path.join(path.dirname(lorasDir), 'embeddings');
    await fs.mkdir(embeddingsDir);
    const tiny = path.join(await tinyModelsDir(), 'tiny');
    const rows = await rowsOf(tiny, 'text_encoder', 'tokenizer', 'red cat');
    await fs.writeFile(path.join(embeddingsDir, 'zorbl.safetensors'), encodeSafetensors({ emb_params: { shape: [rows.rows, rows.dim], values: rows.data } }));
    await fs.writeFile(path.join(embeddingsDir, 'junk.safetensors'), encodeSafetensors({ a: { shape: [2], values: [1, 2] }, b: { shape: [2], values: [1, 2] } }));
    server = await startTestServer({ dataDir: await tempDataDir(), lorasDir, embeddingsDir });
  });
  after(async () => server?.close());

  test('the catalogue lists each usable LoRA with its metadata and hash, and every unusable file with the reason', async () => {
    const { loras, unusableLoras } = await requestData(server.url, LorasDocument);
    assert.deepEqual(
      loras.map((l) => [l.name, l.family, l.baseModel, l.hash]),
      [
        ['ink', 'SD1', 'tiny-base.safetensors', inkHash],
        ['xl-only', 'SDXL', null, loras.find((l) => l.name === 'xl-only')!.hash],
      ],
    );
    assert.deepEqual(loras[0]!.triggerWords, ['outline', 'ink drawing', 'monochrome']);
    assert.equal(loras[0]!.sizeBytes, (await fs.stat(path.join(lorasDir, 'styles', 'ink.safetensors'))).size);
    assert.deepEqual(unusableLoras.map((u) => [u.name, u.file]), [['old', 'old.pt'], ['broken', 'broken.safetensors']].sort());
    assert.match(unusableLoras.find((u) => u.name === 'old')!.problem, /pickle/);
  });

  test('a LoRA at weight 0 is stored and written into the PNG as AUTOMATIC1111 does, and changes no pixel', async () => {
    const base = await completedGeneration(server.url, { prompt: 'a lighthouse', seed: '7', steps: 2 });
    const tagged = await completedGeneration(server.url, { prompt: 'a lighthouse <lora:ink:0>', seed: '7', steps: 2 });
    assert.equal(tagged.prompt, 'a lighthouse');
    assert.deepEqual(tagged.loras, [{ name: 'ink', weight: 0, hash: inkHash }]);
    const bytes = async (url: string) => Buffer.from(await (await fetch(new URL(url, server.url))).arrayBuffer());
    const [basePng, taggedPng] = [await bytes(base.images[0]!.url), await bytes(tagged.images[0]!.url)];
    const parameters = readTextChunks(taggedPng).get('parameters')!;
    assert.match(parameters, /^a lighthouse <lora:ink:0>\n/);
    assert.match(parameters, new RegExp(`, Lora hashes: "ink: ${inkHash}"`));
    // Same pixels: the PNGs differ only in their parameters text.
    const { default: sharp } = await import('sharp');
    assert.deepEqual(await sharp(taggedPng).raw().toBuffer(), await sharp(basePng).raw().toBuffer());

    // remix re-applies the stored LoRAs; an empty override removes them.
    const again = await finishedGeneration(server.url, (await requestData(server.url, RemixDocument, { imageId: tagged.images[0]!.id })).remix.id);
    assert.deepEqual(again.loras, tagged.loras);
    const without = (await requestData(server.url, RemixDocument, { imageId: tagged.images[0]!.id, overrides: { loras: [] } })).remix;
    assert.deepEqual(without.loras, []);
    await finishedGeneration(server.url, without.id);

    // The search filter finds what was made with it, at any weight.
    const found = await requestData(server.url, SearchImagesDocument, { input: { lora: 'ink' } });
    assert.deepEqual(new Set(found.searchImages.edges.map((e) => e.node.id)), new Set([tagged.images[0]!.id, again.images[0]!.id]));
    assert.equal((await requestData(server.url, SearchImagesDocument, { input: { lora: 'xl-only' } })).searchImages.totalCount, 0);
  });

  test('at weight 1 the LoRA changes the picture, the same request again gives the same bytes, and an unmapped key is a warning', async () => {
    const bytes = async (url: string) => Buffer.from(await (await fetch(new URL(url, server.url))).arrayBuffer());
    const input = { prompt: 'a lighthouse', seed: '7', steps: 2 };
    const base = await completedGeneration(server.url, input);
    const merged = await completedGeneration(server.url, { ...input, loras: [{ name: 'ink', weight: 1 }] });
    const again = await completedGeneration(server.url, { ...input, prompt: 'a lighthouse <lora:ink:1>' });
    const { default: sharp } = await import('sharp');
    const pixels = async (url: string) => sharp(await bytes(url)).raw().toBuffer();
    assert.notDeepEqual(await pixels(merged.images[0]!.url), await pixels(base.images[0]!.url));
    assert.deepEqual(await bytes(again.images[0]!.url), await bytes(merged.images[0]!.url));
    for (const generation of [merged, again]) {
      const reported = generation.warnings.filter((w) => w.includes('ink'));
      assert.equal(reported.length, 1, JSON.stringify(generation.warnings));
      assert.match(reported[0]!, /down_blocks_9/);
    }
    const { loras } = await requestData(server.url, LorasDocument);
    assert.deepEqual(loras.find((l) => l.name === 'ink')!.loadedOn.map((p) => [p.model, p.loras]), [['tiny', [{ name: 'ink', weight: 1 }]]]);
  });

  test('a textual-inversion embedding is listed and called up by its name in a prompt', async () => {
    const { embeddings, unusableEmbeddings } = await requestData(server.url, EmbeddingsDocument);
    assert.deepEqual(embeddings.map((e) => [e.name, e.vectors]), [['zorbl', 2]]);
    assert.deepEqual(unusableEmbeddings.map((u) => u.name), ['junk']);
    const bytes = async (url: string) => Buffer.from(await (await fetch(new URL(url, server.url))).arrayBuffer());
    const { default: sharp } = await import('sharp');
    const pixels = async (prompt: string) => sharp(await bytes((await completedGeneration(server.url, { prompt, seed: '3', steps: 2 })).images[0]!.url)).raw().toBuffer();
    assert.deepEqual(await pixels('a Zorbl circle'), await pixels('a red cat circle'));
    assert.notDeepEqual(await pixels('a zorbl circle'), await pixels('a blue dog circle'));
  });

  test('an unknown LoRA, one for another family, a bad weight and a malformed tag are BAD_USER_INPUT naming the field', async () => {
    const cases: Array<[input: object, field: string, extensions: object]> = [
      [{ loras: [{ name: 'nope' }] }, 'loras[0].name', { reason: 'LORA_NOT_FOUND', allowedValues: ['ink'] }],
      [{ loras: [{ name: 'xl-only' }] }, 'loras[0].name', { reason: 'LORA_FAMILY_MISMATCH', allowedValues: ['ink'] }],
      [{ loras: [{ name: 'ink', weight: 9 }] }, 'loras[0].weight', { min: -5, max: 5 }],
      [{ prompt: 'x <lora:ink:heavy>' }, 'prompt', { reason: 'PROMPT_PARAMETER_LORA' }],
      [{ prompt: 'x <lora:old>' }, 'prompt', { reason: 'LORA_NOT_FOUND' }],
    ];
    for (const [input, field, extensions] of cases) {
      const result = await request(server.url, GenerateDocument, { input: { prompt: 'a lighthouse', ...input } });
      const error = result.errors?.[0];
      assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(result));
      assert.equal(error?.extensions?.field, field);
      for (const [key, value] of Object.entries(extensions)) assert.deepEqual(error?.extensions?.[key], value, `${field} ${key}`);
    }
  });

  test('refreshModels picks up a file copied in at once; the worker reports what it keeps loaded', async () => {
    await fs.copyFile(path.join(lorasDir, 'styles', 'ink.safetensors'), path.join(lorasDir, 'ink-copy.safetensors'));
    const { refreshModels } = await requestData(server.url, RefreshModelsDocument);
    assert.deepEqual(refreshModels.loras.map((l) => l.name), ['ink', 'ink-copy', 'xl-only']);
    const { models } = await requestData(server.url, LorasDocument);
    const tiny = models.find((m) => m.name === 'tiny')!;
    // The plain model and the merged set, most recently used first, each weighed at the model's file size.
    // (the embedding test ran the plain model last)
    assert.deepEqual(tiny.loadedOn.map((p) => [p.worker, p.model, p.loras]), [
      [0, 'tiny', []],
      [0, 'tiny', [{ name: 'ink', weight: 1 }]],
    ]);
    assert.ok(tiny.loadedOn[0]!.bytes > 0);
    assert.equal(tiny.loadedOn[0]!.bytes, tiny.loadedOn[1]!.bytes);
  });
});

describe('refreshModels with accounts', { timeout: 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir(), workers: 0, auth: 'keys', secret: 'a test secret of at least thirty-two characters' });
  });
  after(async () => server?.close());

  test('is for admins: a USER key gets FORBIDDEN, an ADMIN key the rescan', async () => {
    const user = await keyedRequest(server.url, await createKey(server, 'user1'), RefreshModelsDocument);
    assert.equal(user.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const admin = await keyedRequest(server.url, await createKey(server, 'boss', 'ADMIN'), RefreshModelsDocument);
    assert.equal(admin.errors, undefined);
    assert.ok(admin.data?.refreshModels.models.some((m) => m.name === 'tiny'));
  });
});
