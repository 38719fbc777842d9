import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { CatalogDocument, GenerateDocument } from '../generated/operations.js';
import { createTestDatabase, NO_POSTGRES } from '../library/pg-test-database.js';
import { finishedGeneration } from '../support/generations.js';
import { request, requestData } from '../support/graphql-client.js';
import { startTestServer, tempDataDir, tinyModelCopies } from '../support/test-server.js';

async function readiness(baseUrl: string): Promise<{ status: number; checks: Record<string, string> }> {
  const response = await fetch(`${baseUrl}/ready`);
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
}

async function tinyModel(baseUrl: string): Promise<{ usable: boolean; problem?: string | null }> {
  const model = (await requestData(baseUrl, CatalogDocument)).models.find((m) => m.name === 'tiny');
  assert.ok(model, 'tiny is listed');
  return model;
}

/** A models folder with a copy of the tiny model whose UNet file is cut in half, as by an interrupted copy. */
async function corruptTinyCopy(t: TestContext, prefix: string): Promise<{ modelsDir: string; repair(): Promise<void> }> {
  const modelsDir = await tinyModelCopies(t, prefix, ['tiny']);
  const unet = path.join(modelsDir, 'tiny', 'unet', 'model.onnx');
  const good = await fs.readFile(unet);
  await fs.writeFile(unet, good.subarray(0, Math.floor(good.length / 2)));
  return { modelsDir, repair: () => fs.writeFile(unet, good) };
}

test('a model whose ONNX file is corrupt is unusable on every node until its file is repaired', async (t) => {
  const database = await createTestDatabase();
  if (!database) return t.skip(NO_POSTGRES);
  // One models folder with a copy of the tiny model (the default), seen by two nodes on one database: a worker
  // node and an API node without workers, which answers `models` and `generate` from the shared record.
  const { modelsDir, repair } = await corruptTinyCopy(t, 'corrupt');

  const worker = await startTestServer({ dataDir: await tempDataDir(), databaseUrl: database.url, modelsDir, nodeId: 'load-worker' });
  const api = await startTestServer({ dataDir: await tempDataDir(), databaseUrl: database.url, modelsDir, nodeId: 'load-api', workers: 0 });
  try {
    // Nothing has tried to load it yet: the folder looks like a model.
    assert.equal((await tinyModel(api.url)).usable, true);
    assert.equal((await readiness(api.url)).status, 200);

    const first = (await requestData(api.url, GenerateDocument, { input: { prompt: 'on a corrupt model', steps: 2 } })).generate;
    const second = (await requestData(api.url, GenerateDocument, { input: { prompt: 'queued behind it', steps: 2 } })).generate;
    for (const id of [first.id, second.id]) {
      const failed = await finishedGeneration(api.url, id);
      assert.equal(failed.status, 'FAILED', id);
      assert.match(failed.error ?? '', /^model "tiny" could not be loaded on node load-worker: .*(protobuf|onnx)/i);
    }

    const marked = await tinyModel(api.url);
    assert.equal(marked.usable, false);
    assert.match(marked.problem ?? '', /could not be loaded on node load-worker/);
    const notReady = await readiness(api.url);
    assert.equal(notReady.status, 503);
    assert.match(notReady.checks.models!, /default model "tiny" cannot be used: could not be loaded on node load-worker/);
    const refused = await request(api.url, GenerateDocument, { input: { prompt: 'refused', steps: 2 } });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(refused.errors?.[0]?.extensions?.field, 'model');
    assert.equal(refused.errors?.[0]?.extensions?.reason, 'MODEL_UNUSABLE');
    assert.equal(await api.database.prisma.generation.count(), 2, 'the refused request queued nothing');

    // The good file written back: the folder changed, so the record no longer holds, on either node.
    await repair();
    const repairedModel = await tinyModel(api.url);
    assert.equal(repairedModel.usable, true);
    assert.equal(repairedModel.problem, null);
    assert.equal((await readiness(api.url)).status, 200);
    const repaired = (await requestData(api.url, GenerateDocument, { input: { prompt: 'repaired', steps: 2 } })).generate;
    assert.equal((await finishedGeneration(api.url, repaired.id)).status, 'COMPLETED');
    assert.equal(await api.database.prisma.modelProblem.count(), 0, 'the record is gone');
  } finally {
    await api.close();
    await worker.close();
    await database.drop();
  }
});

test('alone on the embedded database, a node marks the model unusable and usable again from what it recorded', async (t) => {
  // The embedded database has one node: the server keeps the records it read and refreshes them when it writes one.
  const { modelsDir, repair } = await corruptTinyCopy(t, 'corrupt-embedded');
  const server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, nodeId: 'alone' });
  try {
    assert.equal((await tinyModel(server.url)).usable, true, 'nothing tried to load it yet');
    const failed = (await requestData(server.url, GenerateDocument, { input: { prompt: 'on a corrupt model', steps: 2 } })).generate;
    assert.equal((await finishedGeneration(server.url, failed.id)).status, 'FAILED');
    const marked = await tinyModel(server.url);
    assert.equal(marked.usable, false);
    assert.match(marked.problem ?? '', /could not be loaded on node alone/);
    assert.equal((await request(server.url, GenerateDocument, { input: { prompt: 'refused', steps: 2 } })).errors?.[0]?.extensions?.reason, 'MODEL_UNUSABLE');

    await repair();
    assert.equal((await tinyModel(server.url)).usable, true, 'the repaired folder no longer matches the record');
    const repaired = (await requestData(server.url, GenerateDocument, { input: { prompt: 'repaired', steps: 2 } })).generate;
    assert.equal((await finishedGeneration(server.url, repaired.id)).status, 'COMPLETED');
    assert.equal(await server.database.prisma.modelProblem.count(), 0, 'the record is gone');
    assert.equal((await tinyModel(server.url)).usable, true);
  } finally {
    await server.close();
  }
});
