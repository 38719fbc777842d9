// The subscription stream on the real in-process bus, with the joins that used to race: at the start, late, at the end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenerationEvent } from '../../src/generation/events.js';
import type { StoredImage } from '../../src/generation/job.js';
import { InProcessEventBus } from '../../src/generation/in-process-event-bus.js';
import { generationEventStream } from '../../src/graphql/generation-event-stream.js';

const id = 'g1';
const image: StoredImage = { id: 'i1', generationId: id, index: 0, seed: 1n, width: 8, height: 8, sha256: '0'.repeat(64), url: '/images/i1' };
const step = (n: number): GenerationEvent => ({ type: 'STEP', generationId: id, step: n, totalSteps: 5, preview: `preview-${n}` });
const brief = (e: GenerationEvent): string => (e.type === 'STEP' ? `STEP ${e.step} ${e.preview}` : e.type === 'QUEUED' ? `QUEUED ${e.position}` : e.type);

async function take(stream: AsyncIterator<GenerationEvent>, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(brief((await stream.next()).value as GenerationEvent));
  return out;
}

async function rest(stream: AsyncIterator<GenerationEvent>): Promise<string[]> {
  const out: string[] = [];
  for (let r = await stream.next(); !r.done; r = await stream.next()) out.push(brief(r.value));
  return out;
}

function finishRun(bus: InProcessEventBus, fromStep: number): void {
  for (let n = fromStep; n <= 5; n++) bus.publish(step(n));
  bus.publish({ type: 'IMAGE', generationId: id, image });
  bus.publish({ type: 'COMPLETED', generationId: id, warnings: [] });
}

test('joining as the job is claimed: the database already says RUNNING, the bus still QUEUED; QUEUED then STARTED once', async () => {
  const bus = new InProcessEventBus();
  bus.publish({ type: 'QUEUED', generationId: id, position: 1 });
  const stream = generationEventStream(bus, id, async () => [{ type: 'STARTED', generationId: id }]);
  assert.deepEqual(await take(stream, 1), ['QUEUED 1']);
  bus.publish({ type: 'STARTED', generationId: id });
  finishRun(bus, 1);
  assert.deepEqual(await rest(stream), ['STARTED', 'STEP 1 preview-1', 'STEP 2 preview-2', 'STEP 3 preview-3', 'STEP 4 preview-4', 'STEP 5 preview-5', 'IMAGE', 'COMPLETED']);
});

test('STARTED published between subscribing and reading the state arrives once', async () => {
  const bus = new InProcessEventBus();
  bus.publish({ type: 'QUEUED', generationId: id, position: 1 });
  const stream = generationEventStream(bus, id, async () => [{ type: 'STARTED', generationId: id }]);
  bus.publish({ type: 'STARTED', generationId: id }); // held by the subscription, and in the live state read next
  finishRun(bus, 1);
  assert.deepEqual(await rest(stream), ['STARTED', 'STEP 1 preview-1', 'STEP 2 preview-2', 'STEP 3 preview-3', 'STEP 4 preview-4', 'STEP 5 preview-5', 'IMAGE', 'COMPLETED']);
});

test('a late joiner gets the latest step with its preview at once, before the next step exists', async () => {
  const bus = new InProcessEventBus();
  bus.publish({ type: 'QUEUED', generationId: id, position: 1 });
  bus.publish({ type: 'STARTED', generationId: id });
  for (let n = 1; n <= 3; n++) bus.publish(step(n));
  const stream = generationEventStream(bus, id, async () => [{ type: 'STARTED', generationId: id }]);
  assert.deepEqual(await take(stream, 1), ['STARTED']);
  const second = stream.next();
  finishRun(bus, 4); // only now does the job move on
  assert.equal(brief((await second).value as GenerationEvent), 'STEP 3 preview-3');
  assert.deepEqual(await rest(stream), ['STEP 4 preview-4', 'STEP 5 preview-5', 'IMAGE', 'COMPLETED']);
});

test('a step published while the database is read arrives once', async () => {
  const bus = new InProcessEventBus();
  bus.publish({ type: 'STARTED', generationId: id });
  bus.publish(step(1));
  const stream = generationEventStream(bus, id, async () => {
    bus.publish(step(2)); // held by the subscription, and folded into the live state read next
    return [{ type: 'STARTED', generationId: id }];
  });
  assert.deepEqual(await take(stream, 2), ['STARTED', 'STEP 2 preview-2']);
  finishRun(bus, 3);
  assert.deepEqual(await rest(stream), ['STEP 3 preview-3', 'STEP 4 preview-4', 'STEP 5 preview-5', 'IMAGE', 'COMPLETED']);
});

test('after the end the bus has forgotten the job and the stored state ends the stream', async () => {
  const bus = new InProcessEventBus();
  bus.publish({ type: 'QUEUED', generationId: id, position: 1 });
  bus.publish({ type: 'STARTED', generationId: id });
  finishRun(bus, 1);
  assert.equal(bus.liveCount, 0);
  const stored: GenerationEvent[] = [{ type: 'STARTED', generationId: id }, { type: 'IMAGE', generationId: id, image }, { type: 'COMPLETED', generationId: id, warnings: [] }];
  assert.deepEqual(await rest(generationEventStream(bus, id, async () => stored)), ['STARTED', 'IMAGE', 'COMPLETED']);
});

test('a viewer the stored read refuses gets the error and nothing of the live state', async () => {
  const bus = new InProcessEventBus();
  bus.publish({ type: 'STARTED', generationId: id });
  bus.publish(step(1));
  const stream = generationEventStream(bus, id, async () => {
    throw new Error('NOT_FOUND');
  });
  await assert.rejects(stream.next(), /NOT_FOUND/);
});

test('the bus numbers each generation\'s events in order and keeps live states only while jobs run', async () => {
  const bus = new InProcessEventBus();
  const seen: number[] = [];
  const unsubscribe = bus.subscribe(id, ({ seq }) => seen.push(seq));
  bus.publish({ type: 'QUEUED', generationId: id, position: 2 });
  bus.publish({ type: 'QUEUED', generationId: 'other', position: 1 });
  bus.publish({ type: 'QUEUED', generationId: id, position: 1 });
  assert.deepEqual((await bus.liveState(id))?.events.map(brief), ['QUEUED 1']);
  bus.publish({ type: 'STARTED', generationId: id });
  bus.publish(step(1));
  bus.publish({ type: 'IMAGE', generationId: id, image });
  bus.publish(step(2));
  const live = await bus.liveState(id);
  assert.deepEqual(live?.events.map(brief), ['STARTED', 'IMAGE', 'STEP 2 preview-2']);
  assert.equal(live?.seq, seen.at(-1));
  bus.publish({ type: 'FAILED', generationId: id, message: 'x' });
  bus.publish({ type: 'CANCELLED', generationId: 'other' });
  unsubscribe();
  assert.equal(seen.length, 7);
  assert.ok(seen.every((seq, i) => i === 0 || seq > seen[i - 1]!));
  assert.equal(await bus.liveState(id), undefined);
  assert.equal(bus.liveCount, 0);
});
