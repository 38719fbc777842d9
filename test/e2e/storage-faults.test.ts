// A storage fault during a job: the server stays up, the job says why, runs again, and completes once the fault clears.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GenerateDocument, GenerationDocument, GenerationEventsDocument, type GenerationFieldsFragment } from '../generated/operations.js';
import { createTestDatabase, NO_POSTGRES } from '../library/pg-test-database.js';
import { collectSubscription, requestData, wsClient } from '../support/graphql-client.js';
import { finishedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import type { RunningServer } from '../../src/server.js';

const FOLDER_FAULT = /^storing an image failed: the image folder, or a folder inside it, is missing or not a folder \((ENOTDIR|EEXIST)\)/;

/** The fault: the images folder replaced by a regular file, so every mkdir and rename under it fails (even as root). */
async function breakImageFolder(dataDir: string): Promise<() => Promise<void>> {
  const folder = path.join(dataDir, 'images');
  await fs.rm(folder, { recursive: true, force: true });
  await fs.writeFile(folder, 'not a folder');
  return async () => {
    await fs.rm(folder);
    await fs.mkdir(folder);
  };
}

/** Polls generation `id` until `until` holds, and returns it then. */
async function generationWhen(server: RunningServer, id: string, until: (generation: GenerationFieldsFragment) => boolean): Promise<GenerationFieldsFragment> {
  for (;;) {
    const { generation } = await requestData(server.url, GenerationDocument, { id });
    assert.ok(generation, `generation ${id} does not exist`);
    if (until(generation)) return generation;
    assert.ok(generation.status === 'QUEUED' || generation.status === 'RUNNING', `ended as ${generation.status}: ${generation.error}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every file under `dir` whose name marks it a temporary (image-store.ts writes <name>.<random>.tmp). */
async function temporaryFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((entry) => entry.endsWith('.tmp'));
}

async function assertHealthy(server: RunningServer): Promise<void> {
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
}

/** The job's images as stored: every row's file is there and hashes to the row's sha256, also as served. */
async function assertImagesIntact(server: RunningServer, dataDir: string, generationId: string, count: number): Promise<void> {
  const rows = await server.database.prisma.image.findMany({ where: { generationId } });
  assert.equal(rows.length, count);
  for (const row of rows) {
    const onDisk = await fs.readFile(path.join(dataDir, row.path));
    assert.equal(createHash('sha256').update(onDisk).digest('hex'), row.sha256);
    const served = await fetch(`${server.url}/images/${row.id}`);
    assert.equal(served.status, 200);
    assert.equal(createHash('sha256').update(new Uint8Array(await served.arrayBuffer())).digest('hex'), row.sha256);
  }
}

for (const backend of ['embedded', 'PostgreSQL'] as const) {
  test(`${backend}: a job whose image cannot be stored waits with the reason, the server stays up, and the job completes once the fault clears`, async (t) => {
    const database = backend === 'PostgreSQL' ? await createTestDatabase() : undefined;
    if (database === null) return t.skip(NO_POSTGRES);
    const dataDir = await tempDataDir();
    const server = await startTestServer({ dataDir, storageRetry: { maxAttempts: 30, firstDelayMs: 50 }, ...(database ? { databaseUrl: database.url } : {}) });
    try {
      const repair = await breakImageFolder(dataDir);
      // Four large images: the first one's save fails while the worker still encodes the others, the moment an
      // unhandled rejection used to end the process (node --test reports one as a failure of this test).
      const input = { prompt: 'a storage fault', steps: 2, batchSize: 4, width: 512, height: 512, seed: '7' };
      const { id } = (await requestData(server.url, GenerateDocument, { input })).generate;
      const waiting = await generationWhen(server, id, (generation) => generation.error !== null);
      assert.match(waiting.error!, FOLDER_FAULT);
      assert.match(waiting.error!, /attempt \d+ of 30, trying again in \d+ s$/);
      await assertHealthy(server);
      assert.deepEqual(await temporaryFiles(dataDir), []);
      assert.equal(await server.database.prisma.image.count({ where: { generationId: id } }), 0, 'no row without its file');

      // A subscriber from here on follows the job through its runs to one terminal event.
      const client = wsClient(server.url);
      const events = collectSubscription(client, GenerationEventsDocument, { id });
      // Should an assertion below fail first, the socket closed by `finally` must not hide it as an unhandled rejection.
      events.catch(() => undefined);
      await repair();
      const done = await finishedGeneration(server.url, id);
      assert.equal(done.status, 'COMPLETED', `${done.status}: ${done.error}`);
      assert.equal(done.error, null, 'the storage fault is no longer the job error once it completed');
      await assertImagesIntact(server, dataDir, id, 4);
      assert.deepEqual(await temporaryFiles(dataDir), []);
      const seen = (await events).map((event) => event.generationEvents);
      await client.dispose();
      assert.deepEqual(seen.filter((event) => event.type === 'COMPLETED' || event.type === 'FAILED').map((event) => event.type), ['COMPLETED']);
      assert.equal(seen.at(-1)?.type, 'COMPLETED');
      const imageIndexes = new Set(seen.flatMap((event) => (event.__typename === 'GenerationImage' ? [event.image.index] : [])));
      assert.deepEqual([...imageIndexes].sort(), [0, 1, 2, 3]);
      const row = await server.database.prisma.generation.findUniqueOrThrow({ where: { id } });
      assert.ok(row.attempts >= 2, `ran ${row.attempts} times`);
    } finally {
      await server.close();
      await database?.drop();
    }
  });
}

describe('the last attempt', () => {
  test('a storage fault that outlasts the attempts fails the job for good with the reason; later jobs run', async () => {
    const dataDir = await tempDataDir();
    const server = await startTestServer({ dataDir, storageRetry: { maxAttempts: 2, firstDelayMs: 10 } });
    try {
      const repair = await breakImageFolder(dataDir);
      const { id } = (await requestData(server.url, GenerateDocument, { input: { prompt: 'never stored', steps: 2, seed: '8' } })).generate;
      const failed = await finishedGeneration(server.url, id);
      assert.equal(failed.status, 'FAILED');
      assert.match(failed.error!, FOLDER_FAULT);
      assert.match(failed.error!, /; gave up after 2 attempts$/);
      const row = await server.database.prisma.generation.findUniqueOrThrow({ where: { id } });
      assert.equal(row.attempts, 2);
      assert.equal(await server.database.prisma.image.count({ where: { generationId: id } }), 0);
      await assertHealthy(server);
      assert.deepEqual(await temporaryFiles(dataDir), []);

      await repair();
      const next = (await requestData(server.url, GenerateDocument, { input: { prompt: 'stored', steps: 2, seed: '9' } })).generate;
      assert.equal((await finishedGeneration(server.url, next.id)).status, 'COMPLETED');
      await assertImagesIntact(server, dataDir, next.id, 1);
    } finally {
      await server.close();
    }
  });
});

test('a server restarted while the fault lasts stays up and resumes the interrupted job once it clears', async () => {
  const dataDir = await tempDataDir();
  // A job left RUNNING by a server that stopped: queued, then marked running, by one without workers.
  const first = await startTestServer({ dataDir, workers: 0 });
  let id: string;
  try {
    id = (await requestData(first.url, GenerateDocument, { input: { prompt: 'interrupted', steps: 2, seed: '10' } })).generate.id;
    await first.database.prisma.generation.update({ where: { id }, data: { status: 'RUNNING', startedAt: new Date() } });
  } finally {
    await first.close();
  }
  const repair = await breakImageFolder(dataDir);
  const second = await startTestServer({ dataDir, storageRetry: { maxAttempts: 30, firstDelayMs: 50 } });
  try {
    const waiting = await generationWhen(second, id, (generation) => generation.error !== null);
    assert.match(waiting.error!, FOLDER_FAULT);
    await assertHealthy(second);
    await repair();
    const done = await finishedGeneration(second.url, id);
    assert.equal(done.status, 'COMPLETED', `${done.status}: ${done.error}`);
    await assertImagesIntact(second, dataDir, id, 1);
    assert.deepEqual(await temporaryFiles(dataDir), []);
  } finally {
    await second.close();
  }
});
