import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDatabase, DatabaseJobQueue } from '../../src/library/index.js';
import {
  CancelGenerationDocument,
  GenerateDocument,
  GenerationDocument,
  GenerationEventsDocument,
  type GenerateInput,
} from '../generated/operations.js';
import { collectSubscription, requestData, wsClient } from '../support/graphql-client.js';
import { startTestServer, suiteServer, tempDataDir } from '../support/test-server.js';

/** Enough steps at a large enough size that the job is still running when the test acts on it. */
const LONG_JOB: GenerateInput = { prompt: 'a long job', steps: 150, width: 512, height: 512, seed: '1' };
const SHORT_JOB: GenerateInput = { prompt: 'a short job', steps: 2, width: 64, height: 64, seed: '2' };

async function waitForStatus(baseUrl: string, id: string, statuses: string[], timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { generation } = await requestData(baseUrl, GenerationDocument, { id });
    if (generation && statuses.includes(generation.status)) return generation.status;
    if (Date.now() > deadline) throw new Error(`generation ${id} still ${generation?.status}, expected ${statuses.join('|')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the queue: cancel, priority', () => {
  const server = suiteServer({ workers: 1 });

  test('a queued job is removed by cancel; a running one stops between steps', async () => {
    const client = wsClient(server().url);
    const running = (await requestData(server().url, GenerateDocument, { input: LONG_JOB })).generate;
    const queued = (await requestData(server().url, GenerateDocument, { input: SHORT_JOB })).generate;
    // Behind the first job, or first in line if a worker already took the first one.
    assert.ok(queued.queuePosition === 1 || queued.queuePosition === 2, `position ${queued.queuePosition}`);

    const queuedEvents = collectSubscription(client, GenerationEventsDocument, { id: queued.id });
    let cancelled = false;
    const runningEvents = collectSubscription(client, GenerationEventsDocument, { id: running.id }, (data) => {
      // Cancel the queued job, then the running one, once the running one has made progress.
      if (data.generationEvents.type === 'STEP' && !cancelled) {
        cancelled = true;
        void (async () => {
          const cancelledQueued = await requestData(server().url, CancelGenerationDocument, { id: queued.id });
          assert.equal(cancelledQueued.cancelGeneration.status, 'CANCELLED');
          await requestData(server().url, CancelGenerationDocument, { id: running.id });
        })();
      }
    });

    const runningTypes = (await runningEvents).map((e) => e.generationEvents.type);
    assert.equal(runningTypes.at(-1), 'CANCELLED');
    const stepsRun = runningTypes.filter((t) => t === 'STEP').length;
    assert.ok(stepsRun >= 1 && stepsRun < 150, `stopped after ${stepsRun} steps`);
    assert.ok(!runningTypes.includes('IMAGE'));
    // QUEUED (with position updates as the line moves), then CANCELLED; never started.
    const queuedTypes = (await queuedEvents).map((e) => e.generationEvents.type);
    assert.equal(queuedTypes.at(-1), 'CANCELLED');
    assert.ok(queuedTypes.slice(0, -1).length >= 1 && queuedTypes.slice(0, -1).every((t) => t === 'QUEUED'), queuedTypes.join());
    await client.dispose();

    for (const id of [running.id, queued.id]) {
      const { generation } = await requestData(server().url, GenerationDocument, { id });
      assert.equal(generation?.status, 'CANCELLED');
      assert.equal(generation?.images.length, 0);
    }
    // The worker is free again: a new job runs to the end.
    const next = (await requestData(server().url, GenerateDocument, { input: SHORT_JOB })).generate;
    assert.equal(await waitForStatus(server().url, next.id, ['COMPLETED', 'FAILED']), 'COMPLETED');
  });

  test('higher priority runs first; equal priority runs first come, first served', async () => {
    const blocker = (await requestData(server().url, GenerateDocument, { input: { ...LONG_JOB, steps: 40 } })).generate;
    await waitForStatus(server().url, blocker.id, ['RUNNING']);
    // low1 runs long enough for the place it frees to be published (at most one recompute per 50 ms) before
    // low2 starts: a job claimed first would go from place 2 straight to STARTED.
    const low1 = (await requestData(server().url, GenerateDocument, { input: { ...SHORT_JOB, steps: 40, priority: 0 } })).generate;
    const low2 = (await requestData(server().url, GenerateDocument, { input: { ...SHORT_JOB, priority: 0 } })).generate;
    const high = (await requestData(server().url, GenerateDocument, { input: { ...SHORT_JOB, priority: 5 } })).generate;
    assert.deepEqual([low1.queuePosition, low2.queuePosition, high.queuePosition], [1, 2, 1]);
    // The last in line hears its position move up as the jobs ahead start.
    const client = wsClient(server().url);
    const low2Events = (await collectSubscription(client, GenerationEventsDocument, { id: low2.id })).map((e) => e.generationEvents);
    await client.dispose();
    const positions = low2Events.flatMap((e) => (e.__typename === 'GenerationQueued' ? [e.position] : []));
    assert.equal(positions[0], 3);
    assert.equal(positions.at(-1), 1);
    assert.ok(positions.every((p, i) => i === 0 || p <= positions[i - 1]!), positions.join());
    assert.deepEqual(low2Events.at(-1)?.type, 'COMPLETED');
    for (const job of [low1, low2, high]) await waitForStatus(server().url, job.id, ['COMPLETED']);
    const rows = await server().database.prisma.generation.findMany({ where: { id: { in: [low1.id, low2.id, high.id] } } });
    const startOrder = rows.sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime()).map((r) => r.id);
    assert.deepEqual(startOrder, [high.id, low1.id, low2.id]);
  });
});

describe('nothing accepted is lost across a restart', () => {
  test('a queued job and a job left RUNNING by a crash both complete after the next start', async () => {
    const dataDir = await tempDataDir();
    // An API-only server (no workers) accepts jobs and stops.
    const first = await startTestServer({ dataDir, workers: 0 });
    const crashed = (await requestData(first.url, GenerateDocument, { input: SHORT_JOB })).generate;
    const queued = (await requestData(first.url, GenerateDocument, { input: { ...SHORT_JOB, seed: '3' } })).generate;
    await first.close();

    // Simulate a crash mid-job: a worker had claimed the first job when the process died.
    const database = await openDatabase({ dataDir });
    const claimed = await new DatabaseJobQueue(database.prisma).claimNext();
    assert.equal(claimed?.id, crashed.id);
    const rows = await database.prisma.generation.findMany({ orderBy: { createdAt: 'asc' } });
    assert.deepEqual(rows.map((r) => r.status), ['RUNNING', 'QUEUED']);
    await database.close();

    const second = await startTestServer({ dataDir, workers: 1 });
    try {
      for (const job of [queued, crashed]) {
        assert.equal(await waitForStatus(second.url, job.id, ['COMPLETED', 'FAILED']), 'COMPLETED');
        const { generation } = await requestData(second.url, GenerationDocument, { id: job.id });
        assert.equal(generation?.images.length, 1);
      }
    } finally {
      await second.close();
    }
  });
});

describe('a stop while a job runs', () => {
  test('closes promptly, and the interrupted job runs again after the next start', async () => {
    const dataDir = await tempDataDir();
    const first = await startTestServer({ dataDir, workers: 1 });
    const job = (await requestData(first.url, GenerateDocument, { input: { ...LONG_JOB, steps: 100 } })).generate;
    await waitForStatus(first.url, job.id, ['RUNNING']);
    await first.close();

    const second = await startTestServer({ dataDir, workers: 1 });
    try {
      assert.equal(await waitForStatus(second.url, job.id, ['COMPLETED', 'FAILED'], 120_000), 'COMPLETED');
    } finally {
      await second.close();
    }
  });
});
