/**
 * A cluster of real processes on one PostgreSQL and one shared data folder: an API node and two worker nodes
 * (wake-ups by LISTEN/NOTIFY, a killed node's job run elsewhere, cancels across nodes, a draining SIGTERM),
 * and a single server on PostgreSQL that requeues its own interrupted job when it restarts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { CancelGenerationDocument, GenerateDocument, LorasDocument } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { eventually, startNode, type NodeProcess } from '../support/node-process.js';
import { tempDataDir, tinyNodeEnv } from '../support/test-server.js';
import { createTestDatabase, NO_POSTGRES } from '../library/pg-test-database.js';

/** A job that runs for a while on the tiny model (seconds), so that it can be killed, cancelled or drained mid-run. */
const LONG_JOB = { prompt: 'a long job', width: 256, height: 256, steps: 80, batchSize: 2, seed: '5' };
const SHORT_JOB = { prompt: 'a short job', width: 64, height: 64, steps: 4, seed: '3' };

interface Row {
  status: string;
  claimedBy: string | null;
  attempts: number;
  error: string | null;
}

function inspector(url: string) {
  const client = new pg.Client({ connectionString: url });
  const row = async (id: string): Promise<Row> =>
    (await client.query<Row>('SELECT "status", "claimedBy", "attempts", "error" FROM "Generation" WHERE "id" = $1', [id])).rows[0]!;
  return {
    client,
    row,
    /** Resolves with the row once `accept` takes it. */
    until: (id: string, what: string, accept: (row: Row) => boolean) => eventually(what, async () => ((r) => (accept(r) ? r : undefined))(await row(id))),
    images: async (id: string) =>
      (await client.query<{ index: number; sha256: string; path: string }>('SELECT "index", "sha256", "path" FROM "Image" WHERE "generationId" = $1 ORDER BY "index"', [id])).rows,
  };
}

/** Exactly `count` image rows, one per batch index, each naming a file in the shared folder whose bytes hash to its sha256. */
async function assertImagesIntact(db: ReturnType<typeof inspector>, dataDir: string, id: string, count: number): Promise<void> {
  const images = await db.images(id);
  assert.deepEqual(images.map((image) => image.index), Array.from({ length: count }, (_, i) => i));
  for (const image of images) {
    const bytes = await fs.readFile(path.join(dataDir, image.path));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), image.sha256);
  }
}

async function stopAll(nodes: NodeProcess[]): Promise<void> {
  for (const node of nodes) if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
  await Promise.all(nodes.map((node) => node.exited));
}

test('an API node and two worker nodes share one queue and one image folder', { timeout: 600_000 }, async (t) => {
  const database = await createTestDatabase();
  if (!database) return t.skip(NO_POSTGRES);
  const dataDir = await tempDataDir();
  // Heartbeats every second (stale after 5 s: a busy test machine must not make a live node look dead); the
  // fallback poll is an hour, so a job starts only when a node is woken.
  const env = { ...(await tinyNodeEnv()), DATABASE_URL: database.url, ATELIER_DATA_DIR: dataDir, ATELIER_HEARTBEAT_MS: '1000', ATELIER_POLL_MS: '3600000' };
  const nodes: NodeProcess[] = [];
  const db = inspector(database.url);
  await db.client.connect();
  const worker = async (id: string) => {
    const node = await startNode('worker', { ...env, ATELIER_NODE_ID: id, ATELIER_DRAIN_MS: '300000' });
    nodes.push(node);
    await node.waitForLog('listening for queue notifications');
    return node;
  };
  try {
    const api = await startNode('serve', { ...env, ATELIER_ROLE: 'api', ATELIER_NODE_ID: 'api' });
    nodes.push(api);
    const workers = new Map([['worker-1', await worker('worker-1')], ['worker-2', await worker('worker-2')]]);

    await t.test('the API node serves no jobs itself and a worker node serves no GraphQL', async () => {
      assert.equal((await fetch(`${workers.get('worker-1')!.url}/health`)).status, 200);
      assert.equal((await fetch(`${workers.get('worker-1')!.url}/ready`)).status, 200);
      assert.equal((await fetch(`${workers.get('worker-1')!.url}/graphql`, { method: 'POST' })).status, 404);
      assert.equal((await fetch(`${api.url}/ready`)).status, 200);
    });

    await t.test('a job enqueued on the API node is claimed by a worker node at once (woken, not polled)', async () => {
      const { id } = (await requestData(api.url, GenerateDocument, { input: SHORT_JOB })).generate;
      const done = await db.until(id, 'the job to complete', (row) => row.status === 'COMPLETED');
      assert.ok(workers.has(done.claimedBy!), `claimed by ${done.claimedBy}`);
      await assertImagesIntact(db, dataDir, id, 1);
      // The API node has no workers, yet its `models` query shows where the worker node keeps the model loaded.
      const loadedOn = await eventually('the API node to see the model loaded', async () => {
        const tiny = (await requestData(api.url, LorasDocument)).models.find((m) => m.name === 'tiny')!;
        return tiny.loadedOn.some((p) => p.node === done.claimedBy) ? tiny.loadedOn : undefined;
      });
      assert.deepEqual(loadedOn.filter((p) => p.node === done.claimedBy).map((p) => [p.worker, p.model, p.loras]), [[0, 'tiny', []]]);
    });

    await t.test('kill -9 of the worker node running a job: the other node runs it to completion, once', async () => {
      const { id } = (await requestData(api.url, GenerateDocument, { input: LONG_JOB })).generate;
      const running = await db.until(id, 'the job to run', (row) => row.status === 'RUNNING');
      const victim = running.claimedBy!;
      const survivor = [...workers.keys()].find((name) => name !== victim)!;
      workers.get(victim)!.child.kill('SIGKILL');
      await workers.get(victim)!.exited;
      // What the killed node had loaded drops out of `loadedOn` once its beats are stale, as its job does.
      await eventually('the killed node to drop out of loadedOn', async () =>
        (await requestData(api.url, LorasDocument)).models.every((m) => m.loadedOn.every((p) => p.node !== victim)) ? true : undefined,
      );
      const done = await db.until(id, 'the job to finish', (row) => row.status !== 'RUNNING' && row.status !== 'QUEUED');
      assert.deepEqual([done.status, done.claimedBy, done.attempts], ['COMPLETED', survivor, 2], done.error ?? undefined);
      await assertImagesIntact(db, dataDir, id, LONG_JOB.batchSize);
      // Whichever node looked first (the API node or the survivor) put it back.
      assert.ok([api, workers.get(survivor)!].some((node) => node.lines.some((line) => String(line.msg).includes('jobs of a stopped node are queued again'))));
      workers.set(victim, await worker(victim)); // back for the next tests
    });

    await t.test('cancelling on the API node stops the job running on a worker node', async () => {
      // Long enough (a few seconds) that the cancel reaches the worker node before the job could end by itself.
      const { id } = (await requestData(api.url, GenerateDocument, { input: { ...LONG_JOB, width: 512, height: 512, steps: 150, prompt: 'cancel me' } })).generate;
      const running = await db.until(id, 'the job to run', (row) => row.status === 'RUNNING');
      await requestData(api.url, CancelGenerationDocument, { id });
      const done = await db.until(id, 'the job to stop', (row) => row.status !== 'RUNNING');
      assert.deepEqual([done.status, done.claimedBy, done.attempts], ['CANCELLED', running.claimedBy, 1]);
      const node = workers.get(running.claimedBy!)!;
      await node.waitForLog('running job cancelled');
      assert.equal(node.lines.filter((line) => line.msg === 'running job cancelled').length, 1);
    });

    await t.test('a node whose job was taken over (it looked dead) stops its run and records nothing', async () => {
      const { id } = (await requestData(api.url, GenerateDocument, { input: { ...LONG_JOB, prompt: 'taken over' } })).generate;
      const running = await db.until(id, 'the job to run', (row) => row.status === 'RUNNING');
      const first = workers.get(running.claimedBy!)!;
      await first.waitForLog('job started', (line) => line.jobId === id);
      // What any node does to a job whose heartbeats stopped, done to a live one (as after a long network cut).
      await db.client.query(`UPDATE "Generation" SET "status" = 'QUEUED', "claimedBy" = NULL, "heartbeatAt" = NULL WHERE "id" = $1`, [id]);
      await db.client.query(`SELECT pg_notify('atelier_jobs', '')`);
      // Its heartbeat finds the lease gone, or (if its run ends first) its image rows are refused: either way
      // the run is abandoned.
      await first.waitForLog('the run is stopped and its results discarded', (line) => line.jobId === id);
      const done = await db.until(id, 'the job to finish', (row) => row.status !== 'RUNNING' && row.status !== 'QUEUED');
      const other = [...workers.keys()].find((name) => name !== running.claimedBy)!;
      assert.deepEqual([done.status, done.claimedBy, done.attempts], ['COMPLETED', other, 2], done.error ?? undefined);
      await assertImagesIntact(db, dataDir, id, LONG_JOB.batchSize);
      const outcomes = first.lines.filter((line) => line.jobId === id && /job completed|job failed|running job cancelled/.test(String(line.msg)));
      assert.deepEqual(outcomes, [], 'the first node recorded no outcome');
    });

    await t.test('SIGTERM drains a worker node: its running job finishes there, and it exits 0', async () => {
      const { id } = (await requestData(api.url, GenerateDocument, { input: { ...LONG_JOB, prompt: 'drain me' } })).generate;
      const running = await db.until(id, 'the job to run', (row) => row.status === 'RUNNING');
      const node = workers.get(running.claimedBy!)!;
      // Claimed is not yet started: a node stopping in between gives the job straight back instead.
      await node.waitForLog('job started', (line) => line.jobId === id);
      node.child.kill('SIGTERM');
      const draining = await node.waitForLog('draining');
      assert.equal(draining.running, 1);
      assert.deepEqual(await node.exited, [0, null], node.output());
      const done = await db.row(id);
      assert.deepEqual([done.status, done.claimedBy, done.attempts], ['COMPLETED', running.claimedBy, 1], done.error ?? undefined);
      await assertImagesIntact(db, dataDir, id, LONG_JOB.batchSize);
    });
  } finally {
    await stopAll(nodes);
    await db.client.end();
    await database.drop();
  }
});

test('a single server on PostgreSQL killed with -9 requeues its own interrupted job as soon as it restarts', { timeout: 300_000 }, async (t) => {
  const database = await createTestDatabase();
  if (!database) return t.skip(NO_POSTGRES);
  // Heartbeats so slow that the job would be stale only after 50 minutes: only "it is mine" can requeue it.
  const env = { ...(await tinyNodeEnv()), DATABASE_URL: database.url, ATELIER_DATA_DIR: await tempDataDir(), ATELIER_NODE_ID: 'solo', ATELIER_HEARTBEAT_MS: '600000' };
  const nodes: NodeProcess[] = [];
  const db = inspector(database.url);
  await db.client.connect();
  try {
    const first = await startNode('serve', env);
    nodes.push(first);
    const { id } = (await requestData(first.url, GenerateDocument, { input: LONG_JOB })).generate;
    await db.until(id, 'the job to run', (row) => row.status === 'RUNNING');
    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal((await db.row(id)).status, 'RUNNING');

    const second = await startNode('serve', env);
    nodes.push(second);
    const requeued = await second.waitForLog('jobs interrupted on this node or a stopped one are queued again');
    assert.equal(requeued.requeued, 1);
    const done = await db.until(id, 'the job to finish', (row) => row.status !== 'RUNNING' && row.status !== 'QUEUED');
    assert.deepEqual([done.status, done.claimedBy, done.attempts], ['COMPLETED', 'solo', 2], done.error ?? undefined);
    await assertImagesIntact(db, env.ATELIER_DATA_DIR, id, LONG_JOB.batchSize);
  } finally {
    await stopAll(nodes);
    await db.client.end();
    await database.drop();
  }
});
