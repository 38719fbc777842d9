// The Redis event bus on a real Redis: the EventBus contract, two nodes publishing for one job at once, live states, expiry, outages.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { pino } from 'pino';
import type { RedisConnections } from '../../src/cluster/redis-connection.js';
import { RedisEventBus } from '../../src/cluster/redis-event-bus.js';
import { definePublishScript, generationKeys, runPublish } from '../../src/cluster/publish-script.js';
import type { GenerationEvent, SequencedEvent } from '../../src/generation/events.js';
import { foldLiveState, liveStateEvents, type LiveStateData } from '../../src/generation/live-state.js';
import { generationEventStream } from '../../src/graphql/generation-event-stream.js';
import { brief, eventBusContract, eventually, imageOf, rest, step, take } from '../support/event-bus-contract.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { NO_REDIS, openTestRedis } from '../support/test-redis.js';

const redis = await openTestRedis();
const skip = redis ? false : NO_REDIS;
after(async () => {
  if (redis) assert.deepEqual(await redis.cleanUp(), [], 'every key of this file is gone');
});

/** One node: its own connections and bus, as a server process has them. */
async function node(options: { stateTtlMs?: number; logger?: pino.Logger; url?: string } = {}): Promise<{ bus: RedisEventBus; connections: RedisConnections }> {
  const { url, ...busOptions } = options;
  const connections = await redis!.connect(undefined, url);
  const bus = new RedisEventBus(connections, { prefix: redis!.prefix, logger: options.logger ?? pino({ level: 'silent' }), ...busOptions });
  return { bus, connections };
}

const freshId = (): string => `g-${randomBytes(6).toString('hex')}`;

if (redis) {
  eventBusContract('Redis', async () => {
    const { bus } = await node();
    return { bus, settle: () => bus.flush() };
  });
} else {
  test('Redis: the EventBus contract', { skip }, () => {});
}

/** Subscribes and joins (liveState waits for the SUBSCRIBE), collecting every delivery. */
async function listen(bus: RedisEventBus, id: string): Promise<{ seen: SequencedEvent[]; stop: () => void }> {
  const seen: SequencedEvent[] = [];
  const stop = bus.subscribe(id, (delivered) => seen.push(delivered));
  await bus.liveState(id);
  return { seen, stop };
}

test('two nodes publishing for one job at once: every event once, in one order on both, each node\'s own in its order, and the stored state folds them all', { skip }, async () => {
  const [a, b] = [await node(), await node()];
  const id = freshId();
  const onA = await listen(a.bus, id);
  const onB = await listen(b.bus, id);
  const N = 100;
  // The API node moves the job's place while the worker node runs it: both at once, for the same generation.
  for (let i = 0; i < N; i++) {
    a.bus.publish({ type: 'QUEUED', generationId: id, position: N - i });
    b.bus.publish(step(id, i + 1, N));
  }
  await Promise.all([a.bus.flush(), b.bus.flush()]);
  await eventually(() => onA.seen.length >= 2 * N && onB.seen.length >= 2 * N, `${2 * N} events on both nodes`);
  onA.stop();
  onB.stop();
  assert.deepEqual(onA.seen.map((d) => d.seq), Array.from({ length: 2 * N }, (_, i) => i + 1), 'seq 1..2N, each once, in order');
  assert.deepEqual(onB.seen.map((d) => brief(d.event)), onA.seen.map((d) => brief(d.event)), 'both nodes saw one order');
  const places = onA.seen.flatMap((d) => (d.event.type === 'QUEUED' ? [d.event.position] : []));
  const steps = onA.seen.flatMap((d) => (d.event.type === 'STEP' ? [d.event.step] : []));
  assert.deepEqual(places, Array.from({ length: N }, (_, i) => N - i));
  assert.deepEqual(steps, Array.from({ length: N }, (_, i) => i + 1));
  // Not one event lost from the state: it is what folding the delivered events in seq order gives.
  let folded: LiveStateData | undefined;
  for (const { event } of onA.seen) folded = foldLiveState(folded, event);
  assert.deepEqual(await a.bus.liveState(id), { seq: 2 * N, events: liveStateEvents(folded!) });
  assert.ok(onA.seen.every((d) => typeof d.publishedAt === 'number' && d.publishedAt <= Date.now()));
});

test('the live state after each kind of event, with its expiry; the terminal event drops it', { skip }, async () => {
  const stateTtlMs = 45_000;
  const { bus, connections } = await node({ stateTtlMs });
  const id = freshId();
  const keys = generationKeys(redis!.prefix, id);
  const after = async (event: GenerationEvent): Promise<string[] | undefined> => {
    bus.publish(event);
    await bus.flush();
    return (await bus.liveState(id))?.events.map(brief);
  };
  const IMAGE = brief({ type: 'IMAGE', generationId: id, image: imageOf(id) });
  assert.deepEqual(await after({ type: 'QUEUED', generationId: id, position: 3 }), ['QUEUED 3']);
  const ttl = await connections.commands.pttl(keys.live);
  assert.ok(ttl > 0 && ttl <= stateTtlMs, `the live state expires (PTTL ${ttl})`);
  const sequenceTtl = await connections.commands.pttl(keys.sequence);
  assert.ok(sequenceTtl > stateTtlMs, `the seq counter outlives the state (PTTL ${sequenceTtl})`);
  assert.deepEqual(await after({ type: 'QUEUED', generationId: id, position: 2 }), ['QUEUED 2']);
  assert.deepEqual(await after({ type: 'STARTED', generationId: id }), ['STARTED']);
  assert.deepEqual(await after(step(id, 1)), ['STARTED', 'STEP 1 preview-1']);
  assert.deepEqual(await after({ type: 'IMAGE', generationId: id, image: imageOf(id) }), ['STARTED', IMAGE, 'STEP 1 preview-1']);
  assert.deepEqual(await after(step(id, 2)), ['STARTED', IMAGE, 'STEP 2 preview-2']);
  assert.equal((await bus.liveState(id))?.seq, 6);
  assert.deepEqual(await after({ type: 'COMPLETED', generationId: id, warnings: [] }), undefined);
  assert.equal(await connections.commands.exists(keys.live), 0, 'no live state key after the end');
});

test('a late joiner on another node than the one running the job gets the latest preview, then the rest once', { skip }, async () => {
  const [api, worker] = [await node(), await node()];
  const id = freshId();
  worker.bus.publish({ type: 'QUEUED', generationId: id, position: 1 });
  worker.bus.publish({ type: 'STARTED', generationId: id });
  for (let n = 1; n <= 3; n++) worker.bus.publish(step(id, n));
  await worker.bus.flush();
  const stream = generationEventStream(api.bus, id, async () => [{ type: 'STARTED', generationId: id }]);
  assert.deepEqual(await take(stream, 2), ['STARTED', 'STEP 3 preview-3']);
  worker.bus.publish(step(id, 4));
  worker.bus.publish(step(id, 5));
  worker.bus.publish({ type: 'IMAGE', generationId: id, image: imageOf(id) });
  worker.bus.publish({ type: 'COMPLETED', generationId: id, warnings: [] });
  assert.deepEqual(await rest(stream), ['STEP 4 preview-4', 'STEP 5 preview-5', brief({ type: 'IMAGE', generationId: id, image: imageOf(id) }), 'COMPLETED']);
});

test('a place an API node computed before the claim, told after the worker node started the job, does not reset what late joiners get', { skip }, async () => {
  const [api, worker, joiner] = [await node(), await node(), await node()];
  const id = freshId();
  worker.bus.publish({ type: 'QUEUED', generationId: id, position: 1, attempts: 0 });
  worker.bus.publish({ type: 'STARTED', generationId: id, attempts: 1 });
  worker.bus.publish({ ...step(id, 1), attempts: 1 });
  await worker.bus.flush();
  api.bus.publish({ type: 'QUEUED', generationId: id, position: 1, attempts: 0 });
  await api.bus.flush();
  const stream = generationEventStream(joiner.bus, id, async () => [{ type: 'STARTED', generationId: id }]);
  assert.deepEqual(await take(stream, 1), ['STARTED']);
  assert.deepEqual(await take(stream, 1), ['STEP 1 preview-1']);
  worker.bus.publish({ type: 'COMPLETED', generationId: id, warnings: [] });
  assert.deepEqual(await rest(stream), ['COMPLETED']);
});

test('a node that lost Redis while jobs went on tells each subscriber what it missed once back, and ends the one whose job ended meanwhile', { skip, timeout: 60_000 }, async () => {
  // The API node reaches Redis through a proxy: an outage of its connections only (other clients of the Redis are not touched).
  const direct = new URL(redis!.url);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 6379) });
  const viaProxy = new URL(redis!.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const api = await node({ url: viaProxy.toString() });
  try {
    const worker = await node();
    const [ending, going] = [freshId(), freshId()];
    const stored = new Map<string, GenerationEvent[]>([ending, going].map((id) => [id, [{ type: 'STARTED', generationId: id }]]));
    const follow = (id: string) => generationEventStream(api.bus, id, async () => stored.get(id)!);
    for (const id of [ending, going]) {
      worker.bus.publish({ type: 'STARTED', generationId: id, attempts: 1 });
      worker.bus.publish({ ...step(id, 1), attempts: 1 });
    }
    await worker.bus.flush();
    const [endingStream, goingStream] = [follow(ending), follow(going)];
    assert.deepEqual(await take(endingStream, 2), ['STARTED', 'STEP 1 preview-1']);
    assert.deepEqual(await take(goingStream, 2), ['STARTED', 'STEP 1 preview-1']);

    proxy.cut();
    await eventually(() => api.connections.subscriber.status !== 'ready', 'the API node noticed the outage');
    for (const id of [ending, going]) {
      worker.bus.publish({ ...step(id, 2), attempts: 1 });
      worker.bus.publish({ type: 'IMAGE', generationId: id, image: imageOf(id, `${id}-image`), attempts: 1 });
    }
    // The outcome is in the database before its event is published, as the job runner records it.
    stored.set(ending, [{ type: 'STARTED', generationId: ending }, { type: 'IMAGE', generationId: ending, image: imageOf(ending, `${ending}-image`) }, { type: 'COMPLETED', generationId: ending, warnings: [] }]);
    worker.bus.publish({ type: 'COMPLETED', generationId: ending, warnings: [] });
    await worker.bus.flush();
    proxy.restore();

    const image = (id: string) => brief({ type: 'IMAGE', generationId: id, image: imageOf(id, `${id}-image`) });
    assert.deepEqual(await rest(endingStream), [image(ending), 'COMPLETED']);
    assert.deepEqual(await take(goingStream, 2), [image(going), 'STEP 2 preview-2']);
    worker.bus.publish({ ...step(going, 3), attempts: 1 });
    worker.bus.publish({ type: 'COMPLETED', generationId: going, warnings: [] });
    assert.deepEqual(await rest(goingStream), ['STEP 3 preview-3', 'COMPLETED']);
  } finally {
    await api.connections.close();
    await proxy.close();
  }
});

test('a publish script resent after a reconnect is applied once', { skip }, async () => {
  const { connections } = await node();
  definePublishScript(connections.commands);
  const keys = generationKeys(redis!.prefix, freshId());
  const attempt = { keys, fromSeq: 0, token: 'token-1', state: '{}', message: '{}', stateTtlMs: 60_000, sequenceTtlMs: 60_000 };
  assert.deepEqual(await runPublish(connections.commands, attempt), { outcome: 'applied', seq: 1 });
  assert.deepEqual(await runPublish(connections.commands, attempt), { outcome: 'duplicate' });
  assert.deepEqual(await runPublish(connections.commands, { ...attempt, token: 'token-2' }), { outcome: 'conflict', seq: 1, state: '{}' });
  assert.deepEqual(await runPublish(connections.commands, { ...attempt, token: 'token-2', fromSeq: 1 }), { outcome: 'applied', seq: 2 });
});

test('a node subscribes to a job\'s channel once for all its listeners, and leaves it with the last', { skip }, async () => {
  const { bus, connections } = await node();
  const id = freshId();
  const { channel } = generationKeys(redis!.prefix, id);
  const subscribers = async () => ((await connections.commands.pubsub('NUMSUB', channel)) as [string, number])[1];
  const first = await listen(bus, id);
  const second = await listen(bus, id);
  assert.equal(await subscribers(), 1);
  first.stop();
  bus.publish({ type: 'STARTED', generationId: id });
  await eventually(() => second.seen.length === 1, 'the remaining listener still hears the job');
  second.stop();
  await eventually(async () => (await subscribers()) === 0, 'no SUBSCRIBE left');
  assert.equal(first.seen.length, 0);
});

test('with Redis gone, publishing logs once and never rejects; the live state reads as none', { skip }, async () => {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(...chunk.toString().trim().split('\n').map((l) => JSON.parse(l))), done()) });
  const { bus, connections } = await node({ logger: pino({ level: 'warn' }, sink) });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    connections.commands.disconnect(); // gone for good: every command fails at once
    const id = freshId();
    bus.publish({ type: 'STARTED', generationId: id });
    for (let n = 1; n <= 5; n++) bus.publish(step(id, n));
    bus.publish({ type: 'COMPLETED', generationId: id, warnings: [] });
    await bus.flush();
    assert.equal(await bus.liveState(id), undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
    const errors = lines.filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, `one error line for the outage: ${JSON.stringify(errors)}`);
    assert.match(errors[0]!.msg, /publishing an event on Redis failed/);
    assert.ok(lines.some((l) => /live state from Redis failed/.test(l.msg)));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
