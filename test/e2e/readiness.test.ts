import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { createTestDatabase, NO_POSTGRES } from '../library/pg-test-database.js';
import { NO_REDIS, openTestRedis } from '../support/test-redis.js';
import { startTestServer, tempDataDir, tinyModelCopies } from '../support/test-server.js';

async function ready(baseUrl: string): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const response = await fetch(`${baseUrl}/ready`);
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
}

test('/ready is 200 while the database answers, and 503 naming the database once it is gone; /health stays 200', async (t) => {
  const database = await createTestDatabase();
  if (!database) return t.skip(NO_POSTGRES);
  const server = await startTestServer({ dataDir: await tempDataDir(), databaseUrl: database.url, workers: 0 });
  try {
    assert.deepEqual(await ready(server.url), { status: 200, body: { status: 'ready', checks: { node: 'ok', database: 'ok', models: 'ok' } } });
    await database.drop(); // WITH (FORCE): the server's connections end and the database no longer exists
    const after = await ready(server.url);
    assert.equal(after.status, 503);
    assert.equal(after.body.status, 'unavailable');
    assert.notEqual(after.body.checks.database, 'ok');
    // A driver's error (it may name internal hosts) is logged, not shown.
    assert.doesNotMatch(after.body.checks.database!, /atelier_test_|127\.0\.0\.1/);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  } finally {
    await server.close();
  }
});

test('/ready is 503 naming the models when the default model is not a usable folder', async (t) => {
  const modelsDir = await tinyModelCopies(t, 'ready-models', ['tiny']);
  const server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, workers: 0 });
  try {
    assert.equal((await ready(server.url)).status, 200);
    await fs.rm(path.join(modelsDir, 'tiny', 'model_index.json'));
    const broken = await ready(server.url);
    assert.equal(broken.status, 503);
    assert.equal(broken.body.checks.database, 'ok');
    assert.match(broken.body.checks.models!, /default model "tiny" cannot be used/);
  } finally {
    await server.close();
  }
});

test('/ready checks Redis on a cluster node', async (t) => {
  const redis = await openTestRedis();
  if (!redis) return t.skip(NO_REDIS);
  const server = await startTestServer({ dataDir: await tempDataDir(), workers: 0, redisUrl: redis.url, redisPrefix: redis.prefix });
  try {
    assert.deepEqual(await ready(server.url), { status: 200, body: { status: 'ready', checks: { node: 'ok', database: 'ok', redis: 'ok', models: 'ok' } } });
  } finally {
    await server.close();
    assert.deepEqual(await redis.cleanUp(), []);
  }
});
