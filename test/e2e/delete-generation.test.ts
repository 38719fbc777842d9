import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import {
  CancelGenerationDocument,
  DeleteGenerationDocument,
  GenerateDocument,
  GenerationDocument,
  SearchPromptsDocument,
  type GenerateInput,
} from '../generated/operations.js';
import { request, requestData } from '../support/graphql-client.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

/** Deleting generations: rows and files go, files other pictures still use stay, nothing is left dangling. */
describe('deleteGeneration', { timeout: 3 * 60_000 }, () => {
  let server: RunningServer;
  let dataDir: string;

  before(async () => {
    dataDir = await tempDataDir();
    server = await startTestServer({ dataDir, workers: 1, previewEvery: 0 });
  });
  after(async () => server?.close());

  const generate = (input: GenerateInput) => completedGeneration(server.url, input);

  /** Every file under the data folder's images/, relative. */
  async function imageFiles(): Promise<string[]> {
    const root = path.join(dataDir, 'images');
    if (!existsSync(root)) return [];
    const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
  }

  test('a deleted generation takes its image and thumbnail files; a file another image shares stays', async () => {
    const input = { prompt: 'a quiet harbour at dawn', steps: 2, seed: '21' };
    const first = await generate(input);
    const twin = await generate(input); // same parameters: byte-identical picture, one shared file
    const other = await generate({ ...input, seed: '22', batchSize: 2 });
    assert.equal(first.images[0]!.sha256, twin.images[0]!.sha256);
    const before = await imageFiles();
    assert.equal(before.length, 6, `files: ${before.join(', ')}`); // 3 distinct pictures, each PNG + WebP

    const removedOther = (await requestData(server.url, DeleteGenerationDocument, { id: other.id })).deleteGeneration;
    assert.deepEqual(removedOther, { id: other.id, removedFiles: 4 });
    assert.equal((await imageFiles()).length, 2);
    assert.equal((await requestData(server.url, GenerationDocument, { id: other.id })).generation, null);
    assert.equal((await fetch(new URL(other.images[0]!.url, server.url))).status, 404);

    assert.equal((await requestData(server.url, DeleteGenerationDocument, { id: first.id })).deleteGeneration.removedFiles, 0);
    const shared = await fetch(new URL(twin.images[0]!.url, server.url));
    assert.equal(shared.status, 200, 'the twin still has its picture');
    assert.equal((await fetch(new URL(twin.images[0]!.thumbnailUrl, server.url))).status, 200);

    assert.equal((await requestData(server.url, DeleteGenerationDocument, { id: twin.id })).deleteGeneration.removedFiles, 2);
    assert.deepEqual(await imageFiles(), []);

    // The prompt stays in the library, used as often as generations still use it.
    const { searchPrompts } = await requestData(server.url, SearchPromptsDocument, { input: { query: 'harbour' } });
    assert.deepEqual(searchPrompts.edges.map((e) => [e.node.text, e.node.useCount]), [['a quiet harbour at dawn', 0]]);
  });

  test('a queued generation must be cancelled first; an unknown id is NOT_FOUND', async () => {
    // A server without workers: its jobs stay queued.
    const idle = await startTestServer({ dataDir: await tempDataDir(), workers: 0 });
    try {
      const { id } = (await requestData(idle.url, GenerateDocument, { input: { prompt: 'waiting its turn' } })).generate;
      const refused = await request(idle.url, DeleteGenerationDocument, { id });
      assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(refused.errors?.[0]?.extensions?.reason, 'GENERATION_ACTIVE');
      assert.equal((await requestData(idle.url, CancelGenerationDocument, { id })).cancelGeneration.status, 'CANCELLED');
      assert.equal((await requestData(idle.url, DeleteGenerationDocument, { id })).deleteGeneration.id, id);
      const missing = await request(idle.url, DeleteGenerationDocument, { id: 'no-such-generation' });
      assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    } finally {
      await idle.close();
    }
  });
});
