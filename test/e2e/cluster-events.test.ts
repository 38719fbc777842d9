// Two server processes on one PostgreSQL and one Redis: a client on the API node follows a job the worker node runs.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'graphql-ws';
import { GenerateDocument, GenerationDocument, GenerationEventsDocument, type GenerationEventsSubscription } from '../generated/operations.js';
import { collectSubscription, requestData, wsClient } from '../support/graphql-client.js';
import { createTestDatabase, NO_POSTGRES } from '../library/pg-test-database.js';
import { eventually, serve } from '../support/node-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { NO_REDIS, openTestRedis, type TestRedis } from '../support/test-redis.js';
import { tempDataDir, tinyModelsDir } from '../support/test-server.js';

type Event = GenerationEventsSubscription['generationEvents'];
const STEPS = 120;
const JOIN_AT_STEP = 30;

const redis = await openTestRedis();
const database = redis ? await createTestDatabase() : null;
const skip = !redis ? NO_REDIS : !database ? NO_POSTGRES : false;

const stepOf = (event: Event | undefined): number | undefined => (event?.__typename === 'GenerationStep' ? event.step : undefined);
const brief = (event: Event): string => (event.__typename === 'GenerationQueued' ? `QUEUED ${event.position}` : event.__typename === 'GenerationStep' ? `STEP ${event.step}` : event.type);

/** QUEUED places, then STARTED once, every step once in order with its preview, one image, COMPLETED last. */
function assertWholeRun(events: Event[], places: number[], label: string): void {
  const started = events.findIndex((e) => e.type === 'STARTED');
  assert.deepEqual(events.slice(0, started).map(brief), places.map((p) => `QUEUED ${p}`), `${label}: ${events.map(brief).join(',')}`);
  assertRunFrom(events.slice(started), 1, label);
}

/** STARTED, then the steps from `firstStep` to the last, each once and with its preview, one image, COMPLETED. */
function assertRunFrom(events: Event[], firstStep: number, label: string): void {
  const expected = ['STARTED', ...Array.from({ length: STEPS - firstStep + 1 }, (_, i) => `STEP ${firstStep + i}`), 'IMAGE', 'COMPLETED'];
  assert.deepEqual(events.map(brief), expected, label);
  for (const event of events) if (event.__typename === 'GenerationStep') assert.ok(event.preview?.startsWith('data:image/'), `${label}: step ${event.step} has its preview`);
}

test('a node whose ATELIER_REDIS_URL cannot be reached stops at once with a message naming it (and no password)', { timeout: 60_000 }, async () => {
  const started = serve({ ATELIER_DATA_DIR: await tempDataDir(), ATELIER_MODELS_DIR: await tinyModelsDir(), ATELIER_DEFAULT_MODEL: 'tiny', ATELIER_REDIS_URL: 'redis://:hunter2@127.0.0.1:1' });
  await assert.rejects(started, (error: Error) => {
    assert.match(error.message, /exited with 1 before logging "Atelier is serving": [\s\S]*Invalid setting ATELIER_REDIS_URL: redis:\/\/:\*\*\*@127\.0\.0\.1:1 cannot be reached \(connect ECONNREFUSED/);
    assert.doesNotMatch(error.message, /hunter2/);
    return true;
  });
});

describe('a cluster of an API node and a worker node', { skip }, () => {
  const children: Awaited<ReturnType<typeof serve>>['child'][] = [];
  const clients: Client[] = [];
  let env: Record<string, string>;

  before(async () => {
    env = {
      DATABASE_URL: database!.url,
      ATELIER_DATA_DIR: await tempDataDir(),
      ATELIER_MODELS_DIR: await tinyModelsDir(),
      ATELIER_DEFAULT_MODEL: 'tiny',
      ATELIER_EMBEDDING_MODEL: 'off',
      ATELIER_CPU_THREADS: '1',
      ATELIER_REDIS_URL: (redis as TestRedis).url,
      ATELIER_REDIS_PREFIX: (redis as TestRedis).prefix,
      LOG_LEVEL: 'info',
    };
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(children.map(async (child) => {
      if (child.exitCode === null) await Promise.all([once(child, 'exit'), child.kill('SIGTERM')]);
    }));
    await database?.drop();
    assert.deepEqual(await redis?.cleanUp(), [], 'every key of the cluster is gone');
  });

  test('a client on the API node gets every event of a job the worker node runs once, in order; a late joiner gets the latest preview first; both count one rate limit', { timeout: 240_000 }, async () => {
    const apiNode = await serve({ ...env, ATELIER_WORKERS: '0', ATELIER_NODE_ID: 'api-node' });
    children.push(apiNode.child);
    const api = apiNode.url;
    const client = (): Client => {
      const c = wsClient(api);
      clients.push(c);
      return c;
    };
    const follow = (id: string, onEvent?: (event: Event) => void): Promise<Event[]> =>
      collectSubscription(client(), GenerationEventsDocument, { id }, (data) => onEvent?.(data.generationEvents)).then((all) => all.map((d) => d.generationEvents));

    // Queued on the API node while no node can run them: the subscribers are in place before any work starts.
    const input = { prompt: 'a red circle', steps: STEPS, width: 64, height: 64 };
    const first = (await requestData(api, GenerateDocument, { input: { ...input, seed: '1' } })).generate;
    const second = (await requestData(api, GenerateDocument, { input: { ...input, seed: '2' } })).generate;
    let queuedSeen = 0;
    let joinLate: (() => void) | undefined;
    const lateJoined = new Promise<void>((resolve) => (joinLate = resolve));
    let late: Promise<Event[]> | undefined;
    const firstEvents = follow(first.id, (event) => {
      if (event.type === 'QUEUED') queuedSeen++;
      if (stepOf(event) === JOIN_AT_STEP) {
        late = follow(first.id);
        joinLate!();
      }
    });
    const secondEvents = follow(second.id, (event) => event.type === 'QUEUED' && queuedSeen++);
    const deadline = Date.now() + 30_000;
    while (queuedSeen < 2) {
      if (Date.now() > deadline) throw new Error('the subscribers on the API node were never told QUEUED');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const workerNode = await serve({ ...env, ATELIER_WORKERS: '1', ATELIER_NODE_ID: 'worker-node' });
    children.push(workerNode.child);

    assertWholeRun(await firstEvents, [1], 'first job, followed on the API node');
    // The second job's place moved when the worker node claimed the first: that QUEUED came from the worker node.
    assertWholeRun(await secondEvents, [2, 1], 'second job, followed on the API node');
    await lateJoined;
    // The late joiner's first events are the job's state when it joined: STARTED, the images stored by then
    // (none, unless it joined after the last step) and the latest step with its preview; then the rest, once,
    // exactly as the subscriber from the start saw it (whose whole run was checked above).
    const lateEvents = await late!;
    const label = `late joiner on the API node: ${lateEvents.map(brief).join(',')}`;
    const firstStep = lateEvents.findIndex((e) => e.type === 'STEP');
    const joinStep = stepOf(lateEvents[firstStep]);
    assert.equal(lateEvents[0]?.type, 'STARTED', label);
    assert.ok(lateEvents.slice(1, firstStep).every((e) => e.type === 'IMAGE'), label);
    assert.ok(joinStep !== undefined && joinStep >= JOIN_AT_STEP, label);
    const full = await firstEvents;
    const told = new Set(lateEvents.slice(1, firstStep).map((e) => (e.__typename === 'GenerationImage' ? e.image.id : '')));
    const rest = full.slice(full.findIndex((e) => stepOf(e) === joinStep)).filter((e) => !(e.__typename === 'GenerationImage' && told.has(e.image.id)));
    assert.deepEqual(lateEvents.slice(firstStep), rest, `${label}: from its first step on, what the first subscriber saw`);
    assert.equal(told.size + rest.filter((e) => e.type === 'IMAGE').length, 1, `${label}: the image once`);

    // One count for the client address, whichever node answers.
    const remaining = async (url: string): Promise<number> => {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      return Number(response.headers.get('x-ratelimit-remaining'));
    };
    const counts = [await remaining(api), await remaining(workerNode.url), await remaining(api)];
    assert.deepEqual(counts, [counts[0], counts[0]! - 1, counts[0]! - 2], `x-ratelimit-remaining ${counts.join(', ')}`);
  });

});

describe('an API node that loses its connections to Redis mid-job', { skip }, () => {
  const children: Awaited<ReturnType<typeof serve>>['child'][] = [];
  const clients: Client[] = [];
  // Its own database and Redis prefix: no node of the suite above claims this job or sees its keys.
  let ownRedis: TestRedis;
  let ownDatabase: NonNullable<Awaited<ReturnType<typeof createTestDatabase>>>;
  let proxy: TcpProxy;
  let env: Record<string, string>;

  before(async () => {
    ownRedis = (await openTestRedis())!;
    ownDatabase = (await createTestDatabase())!;
    const direct = new URL(ownRedis.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 6379) });
    env = {
      DATABASE_URL: ownDatabase.url,
      ATELIER_DATA_DIR: await tempDataDir(),
      ATELIER_MODELS_DIR: await tinyModelsDir(),
      ATELIER_DEFAULT_MODEL: 'tiny',
      ATELIER_EMBEDDING_MODEL: 'off',
      ATELIER_CPU_THREADS: '1',
      ATELIER_REDIS_URL: ownRedis.url,
      ATELIER_REDIS_PREFIX: ownRedis.prefix,
      LOG_LEVEL: 'info',
    };
  });
  after(async () => {
    proxy.restore(); // so that the API node's shutdown finds its Redis
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(children.map(async (child) => {
      if (child.exitCode === null) await Promise.all([once(child, 'exit'), child.kill('SIGTERM')]);
    }));
    await proxy.close();
    await ownDatabase.drop();
    assert.deepEqual(await ownRedis.cleanUp(), [], 'every key of the cluster is gone');
  });

  test('its client is told what it missed once Redis is back: the job that completed meanwhile ends the subscription', { timeout: 240_000 }, async () => {
    // The API node reaches Redis through the proxy, so that its connections alone can be cut.
    const viaProxy = new URL(ownRedis.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const apiNode = await serve({ ...env, ATELIER_REDIS_URL: viaProxy.toString(), ATELIER_WORKERS: '0', ATELIER_NODE_ID: 'api-node-cut' });
    children.push(apiNode.child);
    const job = (await requestData(apiNode.url, GenerateDocument, { input: { prompt: 'a blue square', steps: STEPS, width: 64, height: 64, seed: '5' } })).generate;
    const client = wsClient(apiNode.url);
    clients.push(client);
    let queued: () => void;
    const wasQueued = new Promise<void>((resolve) => (queued = resolve));
    let cut = false;
    const events = collectSubscription(client, GenerationEventsDocument, { id: job.id }, ({ generationEvents: event }) => {
      if (event.type === 'QUEUED') queued();
      if (!cut && stepOf(event) === JOIN_AT_STEP) {
        cut = true;
        proxy.cut();
      }
    }).then((all) => all.map((d) => d.generationEvents));
    await wasQueued; // followed before any work starts
    const workerNode = await serve({ ...env, ATELIER_WORKERS: '1', ATELIER_NODE_ID: 'worker-node-cut' });
    children.push(workerNode.child);
    // The rest of the job, its image and its end are published while the API node cannot hear them.
    await eventually('the job to complete on the worker node', async () => {
      const { generation } = await requestData(apiNode.url, GenerationDocument, { id: job.id });
      return generation?.status === 'COMPLETED' ? true : undefined;
    });
    assert.ok(cut, 'Redis was cut mid-job');
    proxy.restore();

    const told = await events;
    const label = told.map(brief).join(',');
    const started = told.findIndex((e) => e.type === 'STARTED');
    const steps = told.slice(started + 1, -2).map(stepOf);
    assert.deepEqual(told.slice(0, started).map(brief), ['QUEUED 1'], label);
    assert.ok(steps.length >= JOIN_AT_STEP && steps.length < STEPS, `the steps up to the cut at least, not all: ${label}`);
    assert.deepEqual(steps, Array.from({ length: steps.length }, (_, i) => i + 1), `each step once, in order, up to the cut: ${label}`);
    assert.deepEqual(told.slice(-2).map((e) => e.type), ['IMAGE', 'COMPLETED'], label);
  });
});
