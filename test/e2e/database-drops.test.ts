/**
 * PostgreSQL drops every connection of the database, again and again, while a real server accepts and runs jobs
 * (pg_terminate_backend, what a restart or a failover does to a pool): every job is recorded COMPLETED once
 * with all its images (each row's files there and intact, no file without its row), and every GraphQL answer
 * meanwhile is data or a coded error (SERVICE_UNAVAILABLE), never INTERNAL_SERVER_ERROR.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { GenerateDocument, GenerationDocument } from '../generated/operations.js';
import { createTestDatabase, NO_POSTGRES } from '../library/pg-test-database.js';
import { request, type WireResult } from '../support/graphql-client.js';
import { eventually, startNode, type NodeProcess } from '../support/node-process.js';
import { int, seededRandom, type Random } from '../support/seeded-random.js';
import { tempDataDir, tinyNodeEnv } from '../support/test-server.js';

const BATCH_SIZE = 3;
const JOBS_PER_ROUND = 8;
/** Rounds of jobs run under drops until every path below was hit at least once; more means the test is broken. */
const MAX_ROUNDS = 8;

/** The warnings that show a drop hit an image row, an outcome write and a client's operation. */
const IMAGE_RETRY = /^storing image \d+ failed; trying again$/;
const OUTCOME_RETRY = 'recording the outcome failed; trying again';
const OPERATION_UNANSWERED = 'the database did not answer a GraphQL operation';

/**
 * One connection to the test database that ends every other one on it, every few milliseconds while dropping;
 * between drops it reads the rows for the test (its own connection is spared).
 */
function connectionKiller(url: string, random: Random) {
  const client = new pg.Client({ connectionString: url });
  const database = new URL(url).pathname.slice(1);
  let dropping: Promise<void> | undefined;
  let stop = false;
  let terminated = 0;
  return {
    client,
    get terminated() {
      return terminated;
    },
    start(): void {
      stop = false;
      dropping = (async () => {
        while (!stop) {
          const { rowCount } = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
          terminated += rowCount ?? 0;
          await new Promise((resolve) => setTimeout(resolve, int(random, 5, 80)));
        }
      })();
    },
    async stop(): Promise<void> {
      stop = true;
      await dropping;
    },
  };
}

/** Every answer the server gave while connections dropped: data, or errors that all say SERVICE_UNAVAILABLE and retryable. */
function assertAnswered<T>(what: string, result: WireResult<T>): void {
  if (!result.errors?.length) return assert.ok(result.data, `${what}: neither data nor errors`);
  for (const error of result.errors) {
    assert.deepEqual([error.extensions?.code, error.extensions?.retryable], ['SERVICE_UNAVAILABLE', true], `${what}: ${JSON.stringify(result.errors)}`);
  }
}

/** Every file under the image folder (PNGs, thumbnails, temporaries), relative to the data folder. */
async function storedFiles(dataDir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(dataDir, 'images'), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dataDir, path.join(entry.parentPath, entry.name)));
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(file)).digest('hex');
}

/** The server, failing the test with its output if it has exited (a connection error nobody handled ends the process). */
function alive(node: NodeProcess): NodeProcess {
  if (node.child.exitCode !== null || node.child.signalCode !== null) assert.fail(`the server exited: ${node.output().slice(-4000)}`);
  return node;
}

/**
 * Every job in the database (the accepted ones, and any whose answer was lost) ended COMPLETED, recorded once
 * (one `job completed` line), with one row per batch index whose PNG and thumbnail are there and hash to the
 * row's sha256s; and no file in the image folder lacks a row.
 */
async function assertCompletedOnce(node: NodeProcess, db: pg.Client, dataDir: string, accepted: readonly string[]): Promise<void> {
  const rows = (await db.query<{ id: string; status: string; error: string | null }>('SELECT "id", "status", "error" FROM "Generation"')).rows;
  for (const id of accepted) assert.ok(rows.some((row) => row.id === id), `accepted job ${id} is in the database`);
  const named = new Set<string>();
  for (const row of rows) {
    assert.equal(row.status, 'COMPLETED', `job ${row.id} ended ${row.status}: ${row.error}`);
    const completions = node.lines.filter((line) => line.msg === 'job completed' && line.jobId === row.id);
    assert.equal(completions.length, 1, `job ${row.id} was recorded completed ${completions.length} times`);
    const images = (
      await db.query<{ index: number; sha256: string; path: string; thumbnailSha256: string; thumbnailPath: string }>(
        'SELECT "index", "sha256", "path", "thumbnailSha256", "thumbnailPath" FROM "Image" WHERE "generationId" = $1 ORDER BY "index"',
        [row.id],
      )
    ).rows;
    assert.deepEqual(images.map((image) => image.index), Array.from({ length: BATCH_SIZE }, (_, i) => i), `job ${row.id}'s images`);
    for (const image of images) {
      assert.equal(await sha256(path.join(dataDir, image.path)), image.sha256);
      assert.equal(await sha256(path.join(dataDir, image.thumbnailPath)), image.thumbnailSha256);
      named.add(image.path).add(image.thumbnailPath);
    }
  }
  assert.deepEqual((await storedFiles(dataDir)).filter((file) => !named.has(file)), [], 'files in the image folder without a row');
}

function warnings(node: NodeProcess, accept: (msg: string) => boolean): number {
  return node.lines.filter((line) => line.level === 40 && accept(String(line.msg))).length;
}

test('connections dropped while jobs are accepted, run, stored and completed: each job completes once, whole; no answer is INTERNAL_SERVER_ERROR', { timeout: 600_000 }, async (t) => {
  const database = await createTestDatabase();
  if (!database) return t.skip(NO_POSTGRES);
  const dataDir = await tempDataDir();
  const killer = connectionKiller(database.url, seededRandom(14));
  let node: NodeProcess | undefined;
  try {
    node = await startNode('serve', {
      ...(await tinyNodeEnv()),
      DATABASE_URL: database.url,
      ATELIER_DATA_DIR: dataDir,
      ATELIER_HEARTBEAT_MS: '1000',
    });
    const server = node;
    await killer.client.connect();
    const accepted: string[] = [];
    let unavailable = 0;
    let mutationsUnavailable = 0;
    const rows = async () => (await killer.client.query<{ status: string }>('SELECT "status" FROM "Generation"')).rows;

    for (let round = 1; round <= MAX_ROUNDS; round++) {
      killer.start();
      // Mutations and reads sent while connections drop: each is answered with data or SERVICE_UNAVAILABLE, and
      // the client asks again until its job is accepted (one whose answer was lost may be queued twice: both run).
      await Promise.all(
        Array.from({ length: JOBS_PER_ROUND }, async (_, i) => {
          const input = { prompt: `dropped connections ${round}.${i}`, width: 64, height: 64, steps: 3, batchSize: BATCH_SIZE, seed: String(round * 100 + i) };
          const id = await eventually('the job to be accepted', async () => {
            const result = await request(alive(server).url, GenerateDocument, { input });
            assertAnswered('generate', result);
            if (!result.data?.generate) mutationsUnavailable++;
            return result.data?.generate.id;
          });
          accepted.push(id);
        }),
      );
      // Drops go on until every job in the database (the accepted ones, and any whose answer was lost) has ended.
      await eventually('every job to end under drops', async () => {
        for (const id of accepted.slice(-JOBS_PER_ROUND)) {
          const result = await request(alive(server).url, GenerationDocument, { id });
          assertAnswered('generation', result);
          if (result.errors) unavailable++;
        }
        return (await rows()).every((row) => row.status !== 'QUEUED' && row.status !== 'RUNNING') ? true : undefined;
      });
      await killer.stop();
      await assertCompletedOnce(server, killer.client, dataDir, accepted);
      const imageRetries = warnings(server, (msg) => IMAGE_RETRY.test(msg));
      const outcomeRetries = warnings(server, (msg) => msg === OUTCOME_RETRY);
      t.diagnostic(`round ${round}: ${killer.terminated} connections dropped; ${imageRetries} image row retries, ${outcomeRetries} outcome retries; ${mutationsUnavailable} generate and ${unavailable} generation answered SERVICE_UNAVAILABLE`);
      if (imageRetries > 0 && outcomeRetries > 0 && mutationsUnavailable > 0) break;
      assert.ok(round < MAX_ROUNDS, 'the drops never hit an image row, an outcome write and a mutation');
    }

    assert.ok(warnings(server, (msg) => msg === OPERATION_UNANSWERED) > 0);
    const errors = server.lines.filter((line) => Number(line.level) >= 50);
    assert.deepEqual(errors.map((line) => line.msg), [], 'error lines in the server log');
    assert.equal(server.child.exitCode, null, 'the server is still running');
  } finally {
    await killer.stop();
    if (node && node.child.exitCode === null) {
      node.child.kill('SIGKILL');
      await node.exited;
    }
    await killer.client.end().catch(() => undefined);
    await database.drop();
  }
});
