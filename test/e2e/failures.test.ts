import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { GenerateDocument, GenerationDocument, GenerationEventsDocument } from '../generated/operations.js';
import { createTestDatabase, NO_POSTGRES } from '../library/pg-test-database.js';
import { collectSubscription, request, requestData, wsClient } from '../support/graphql-client.js';
import { startTestServer, tempDataDir, tinyModelCopies } from '../support/test-server.js';

test('a job whose model cannot load fails with a message; the server and the next job carry on', async (t) => {
  // A models folder with the tiny model and a copy whose UNet file is corrupt.
  const modelsDir = await tinyModelCopies(t, 'broken', ['tiny', 'broken']);
  await fs.writeFile(path.join(modelsDir, 'broken', 'unet', 'model.onnx'), 'this is not an ONNX file');

  const server = await startTestServer({ dataDir: await tempDataDir(), modelsDir });
  try {
    const client = wsClient(server.url);
    const broken = (await requestData(server.url, GenerateDocument, { input: { prompt: 'x', model: 'broken', steps: 2 } })).generate;
    const events = (await collectSubscription(client, GenerationEventsDocument, { id: broken.id })).map((e) => e.generationEvents);
    const last = events.at(-1);
    assert.ok(last?.__typename === 'GenerationFailed', JSON.stringify(events));
    assert.match(last.message, /unet|onnx|protobuf/i);
    const { generation } = await requestData(server.url, GenerationDocument, { id: broken.id });
    assert.equal(generation?.status, 'FAILED');
    assert.equal(generation?.error, last.message);

    const good = (await requestData(server.url, GenerateDocument, { input: { prompt: 'x', model: 'tiny', steps: 2 } })).generate;
    const goodEvents = (await collectSubscription(client, GenerationEventsDocument, { id: good.id })).map((e) => e.generationEvents.type);
    assert.equal(goodEvents.at(-1), 'COMPLETED');
    await client.dispose();
  } finally {
    await server.close();
  }
});

test('the same server runs on PostgreSQL through DATABASE_URL', async (t) => {
  const database = await createTestDatabase();
  if (!database) return t.skip(NO_POSTGRES);
  const server = await startTestServer({ dataDir: await tempDataDir(), databaseUrl: database.url });
  try {
    assert.equal(server.database.kind, 'postgresql');
    const job = (await requestData(server.url, GenerateDocument, { input: { prompt: 'on postgres', steps: 3, seed: '5' } })).generate;
    const client = wsClient(server.url);
    const events = (await collectSubscription(client, GenerationEventsDocument, { id: job.id })).map((e) => e.generationEvents.type);
    await client.dispose();
    assert.equal(events.at(-1), 'COMPLETED');
    const row = await server.database.prisma.generation.findUniqueOrThrow({ where: { id: job.id }, include: { images: true } });
    assert.equal(row.images.length, 1);
    const image = await fetch(`${server.url}/images/${row.images[0]!.id}`);
    assert.equal(image.status, 200);
  } finally {
    await server.close();
    await database.drop();
  }
});

test('a full queue refuses new jobs with QUEUE_FULL and keeps the ones it has', async () => {
  const server = await startTestServer({ dataDir: await tempDataDir(), workers: 0, maxQueuedJobs: 2 });
  try {
    for (let i = 0; i < 2; i++) await requestData(server.url, GenerateDocument, { input: { prompt: `job ${i}` } });
    const refused = await request(server.url, GenerateDocument, { input: { prompt: 'one too many' } });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'QUEUE_FULL');
    assert.equal(refused.errors?.[0]?.extensions?.max, 2);
    assert.equal(await server.database.prisma.generation.count(), 2);
  } finally {
    await server.close();
  }
});
