// A queued job's status costs the same however long the queue is: counted in SQL statements, not timed.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { CancelGenerationDocument, GenerateDocument, GenerationDocument } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import type { RunningServer } from '../../src/server.js';

/** The claim-order read (library/queue/job-queue.ts readQueuedRows): the one statement that scans the queue. */
const CLAIM_ORDER_SCAN = /FROM "Generation" AS g JOIN "Account" AS a ON a\."id" = g\."ownerId"\s+WHERE g\."status" = 'QUEUED'\s*$/;

describe("a queued job's status", () => {
  const statements: string[] = [];
  let server: RunningServer;

  before(async () => {
    // LOG_LEVEL=trace logs every SQL statement: the test reads them from the log.
    const log = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) {
          if (!line) continue;
          const entry = JSON.parse(line) as { msg?: string; sql?: string };
          if (entry.msg === 'sql' && entry.sql) statements.push(entry.sql);
        }
        done();
      },
    });
    // Positions an hour stale for other processes' changes (there are none): only this server's own changes
    // make it read the claim order again, so what is counted does not depend on how fast the machine is.
    server = await startTestServer({ dataDir: await tempDataDir(), workers: 0, queuePositionsMs: 3_600_000 }, pino({ level: 'trace' }, log));
  });
  after(async () => server?.close());

  /** Asks each job's status; returns the statements per question and how many of them scanned the queue. */
  async function askEach(ids: string[]): Promise<{ perQuery: number; scans: number }> {
    const from = statements.length;
    for (const [index, id] of ids.entries()) {
      const { generation } = await requestData(server.url, GenerationDocument, { id });
      assert.equal(generation?.status, 'QUEUED');
      assert.equal(generation?.queuePosition, index + 1, 'first come, first served (one account)');
    }
    const asked = statements.slice(from);
    const scans = asked.filter((sql) => CLAIM_ORDER_SCAN.test(sql)).length;
    return { perQuery: (asked.length - scans) / ids.length, scans };
  }

  test('costs the same with 10 and with 500 jobs queued, and never scans the queue per question', async () => {
    const queued: string[] = [];
    for (let i = 0; i < 10; i++) queued.push((await requestData(server.url, GenerateDocument, { input: { prompt: `job ${i}`, steps: 2, width: 64, height: 64 } })).generate.id);
    const short = await askEach(queued);

    // 489 more rows written straight to the table (as another node would), then one more job through the
    // API, cancelled: the server's own cancel makes it read the claim order again, with the 489 in it.
    const { prisma } = server.database;
    const promptId = (await prisma.generation.findUniqueOrThrow({ where: { id: queued[0]! } })).promptId;
    await prisma.$executeRaw`
      INSERT INTO "Generation" (id, "promptId", model, sampler, steps, "guidanceScale", width, height, seed, "batchSize", "createdAt")
      SELECT 'bulk' || lpad(i::text, 4, '0'), ${promptId}, 'tiny', 'euler', 2, 7, 64, 64, i, 1, now() AT TIME ZONE 'UTC'
      FROM generate_series(1, 489) AS i ORDER BY i`;
    const bulk = (await prisma.generation.findMany({ where: { id: { startsWith: 'bulk' } }, orderBy: { queueOrder: 'asc' }, select: { id: true } })).map((row) => row.id);
    const cancelled = (await requestData(server.url, GenerateDocument, { input: { prompt: 'job cancelled', steps: 2, width: 64, height: 64 } })).generate;
    await requestData(server.url, CancelGenerationDocument, { id: cancelled.id });
    const last = (await requestData(server.url, GenerateDocument, { input: { prompt: 'job 500', steps: 2, width: 64, height: 64 } })).generate;
    assert.equal(last.queuePosition, 500);
    const long = await askEach([...queued, ...bulk, last.id]);

    assert.equal(long.perQuery, short.perQuery, `statements per status query: ${short.perQuery} with 10 queued, ${long.perQuery} with 500`);
    // At most the one read that follows the cancel (by the first asker or the position events); none per question.
    assert.ok(short.scans <= 1 && long.scans <= 1, `claim-order scans: ${short.scans} for 10 questions, ${long.scans} for 500`);
  });
});

