// Wake-ups between nodes on real PostgreSQL: an enqueue's NOTIFY reaches a listener on commit, a cancel request
// carries its job id, and a listening connection that is killed comes back and is told to look again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import type { GenerationParams } from '../../src/generation/job.js';
import { DatabaseJobQueue, openDatabase, PostgresJobSignals } from '../../src/library/index.js';
import { eventually } from '../support/node-process.js';
import { createTestDatabase, NO_POSTGRES } from './pg-test-database.js';

const PARAMS: GenerationParams = {
  ...{ prompt: 'a wake-up', negativePrompt: '', model: 'tiny', sampler: 'euler', steps: 2, guidanceScale: 7, width: 64, height: 64 },
  ...{ seed: 1n, variationSeed: null, variationStrength: 0, initImageId: null, maskImageId: null, denoisingStrength: 0.75 },
  ...{ batchSize: 1, previewMethod: 'LATENT2RGB', priority: 0, loras: [], hires: null, upscale: null },
};

test('LISTEN/NOTIFY wake-ups: on commit, with cancel ids, and again after the connection is killed', { timeout: 60_000 }, async (t) => {
  const handle = await createTestDatabase();
  if (!handle) return t.skip(NO_POSTGRES);
  const db = await openDatabase({ dataDir: ':memory:', databaseUrl: handle.url });
  const logged: { reconnected?: boolean; msg: string }[] = [];
  const logger = { info: (details: object, msg: string) => logged.push({ ...details, msg }), warn: (details: object, msg: string) => logged.push({ ...details, msg }) };
  const signals = new PostgresJobSignals(() => new pg.Client({ connectionString: handle.url }), logger);
  const queue = new DatabaseJobQueue(db.prisma, { nodeId: 'a', notify: true });
  const admin = new pg.Client({ connectionString: handle.url });
  await admin.connect();
  try {
    let wakeUps = 0;
    const cancels: string[] = [];
    signals.onJobsAvailable(() => wakeUps++);
    signals.onCancelRequested((id) => cancels.push(id));
    const listening = (count: number) => eventually('the listener', async () => (logged.filter((l) => l.msg === 'listening for queue notifications').length >= count ? true : undefined), 20_000);
    await listening(1);
    const afterListen = wakeUps; // one look right after it starts listening

    const job = await queue.enqueue(PARAMS);
    await eventually('the enqueue wake-up', async () => (wakeUps > afterListen ? true : undefined), 20_000);

    assert.equal((await queue.claimNext())?.id, job.id);
    assert.equal(await queue.requestCancel(job.id), true);
    await eventually('the cancel request', async () => (cancels.length > 0 ? true : undefined), 20_000);
    assert.deepEqual(cancels, [job.id]);

    // The server ends the listening connection: it is opened again and says so.
    const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
    assert.equal(killed.rowCount, 1);
    await listening(2);
    assert.ok(logged.some((l) => l.msg.includes('dropped')));
    assert.equal(logged.filter((l) => l.msg === 'listening for queue notifications').at(-1)?.reconnected, true);
    const beforeSecond = wakeUps;
    await queue.enqueue(PARAMS);
    await eventually('a wake-up after reconnecting', async () => (wakeUps > beforeSecond ? true : undefined), 20_000);
  } finally {
    await signals.close();
    await admin.end();
    await db.close();
    await handle.drop();
  }
});
