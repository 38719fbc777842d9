// The EventBus contract as tests, run against every bus: the joins that used to race (at the start, late, at the end) and the numbering.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { EventBus, GenerationEvent } from '../../src/generation/events.js';
import type { StoredImage } from '../../src/generation/pictures.js';
import { generationEventStream } from '../../src/graphql/generation-event-stream.js';

/** A bus to test, and how to wait until what was published has landed (nothing to wait for in one process). */
export interface BusUnderTest {
  bus: EventBus;
  settle(): Promise<void>;
}

export const brief = (e: GenerationEvent): string =>
  e.type === 'STEP' ? `STEP ${e.step} ${e.preview}` : e.type === 'QUEUED' ? `QUEUED ${e.position}` : e.type === 'IMAGE' ? `IMAGE ${e.image.id} ${e.image.seed}` : e.type;

export function imageOf(generationId: string, id = 'i1'): StoredImage {
  // A seed past 2^53: a bus that carries events as text must keep it exact.
  return { id, generationId, index: 0, seed: 2n ** 60n + 1n, width: 8, height: 8, sha256: '0'.repeat(64), nsfw: false, url: `/images/${id}` };
}

export const step = (generationId: string, n: number, totalSteps = 5): Extract<GenerationEvent, { type: 'STEP' }> => ({ type: 'STEP', generationId, step: n, totalSteps, preview: `preview-${n}` });

export async function take(stream: AsyncIterator<GenerationEvent>, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(brief((await stream.next()).value as GenerationEvent));
  return out;
}

export async function rest(stream: AsyncIterator<GenerationEvent>): Promise<string[]> {
  const out: string[] = [];
  for (let r = await stream.next(); !r.done; r = await stream.next()) out.push(brief(r.value));
  return out;
}

/** Polls `condition` until it holds, failing after `timeoutMs` with `what` (a deadline, not a timed assertion). */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function finishRun(bus: EventBus, id: string, fromStep: number): void {
  for (let n = fromStep; n <= 5; n++) bus.publish(step(id, n));
  bus.publish({ type: 'IMAGE', generationId: id, image: imageOf(id) });
  bus.publish({ type: 'COMPLETED', generationId: id, warnings: [] });
}

const IMAGE = `IMAGE i1 ${2n ** 60n + 1n}`;

/** Registers the contract's tests for the buses `open` makes (a fresh generation id per test). */
export function eventBusContract(label: string, open: () => Promise<BusUnderTest>): void {
  const fresh = (): string => `g-${randomBytes(6).toString('hex')}`;
  /** A new bus and generation, with `before` published and landed. */
  const busWith = async (...before: ((id: string) => GenerationEvent)[]): Promise<BusUnderTest & { id: string }> => {
    const opened = await open();
    const id = fresh();
    for (const event of before) opened.bus.publish(event(id));
    await opened.settle();
    return { ...opened, id };
  };
  const queued = (id: string): GenerationEvent => ({ type: 'QUEUED', generationId: id, position: 1 });
  const started = (id: string): GenerationEvent => ({ type: 'STARTED', generationId: id });
  const steps = (n: number) => (id: string) => step(id, n);

  test(`${label}: joining as the job is claimed: the database already says RUNNING, the bus still QUEUED; QUEUED then STARTED once`, async () => {
    const { bus, id } = await busWith(queued);
    const stream = generationEventStream(bus, id, async () => [{ type: 'STARTED', generationId: id }]);
    assert.deepEqual(await take(stream, 1), ['QUEUED 1']);
    bus.publish({ type: 'STARTED', generationId: id });
    finishRun(bus, id, 1);
    assert.deepEqual(await rest(stream), ['STARTED', 'STEP 1 preview-1', 'STEP 2 preview-2', 'STEP 3 preview-3', 'STEP 4 preview-4', 'STEP 5 preview-5', IMAGE, 'COMPLETED']);
  });

  test(`${label}: STARTED published between subscribing and reading the state arrives once`, async () => {
    const { bus, settle, id } = await busWith(queued);
    const stream = generationEventStream(bus, id, async () => {
      bus.publish({ type: 'STARTED', generationId: id }); // in the live state read next, and maybe delivered too
      await settle();
      return [{ type: 'STARTED', generationId: id }];
    });
    finishRun(bus, id, 1);
    assert.deepEqual(await rest(stream), ['STARTED', 'STEP 1 preview-1', 'STEP 2 preview-2', 'STEP 3 preview-3', 'STEP 4 preview-4', 'STEP 5 preview-5', IMAGE, 'COMPLETED']);
  });

  test(`${label}: a late joiner gets the latest step with its preview at once, before the next step exists`, async () => {
    const { bus, id } = await busWith(queued, started, steps(1), steps(2), steps(3));
    const stream = generationEventStream(bus, id, async () => [{ type: 'STARTED', generationId: id }]);
    assert.deepEqual(await take(stream, 1), ['STARTED']);
    const second = stream.next();
    finishRun(bus, id, 4); // only now does the job move on
    assert.equal(brief((await second).value as GenerationEvent), 'STEP 3 preview-3');
    assert.deepEqual(await rest(stream), ['STEP 4 preview-4', 'STEP 5 preview-5', IMAGE, 'COMPLETED']);
  });

  test(`${label}: a step published while the database is read arrives once`, async () => {
    const { bus, settle, id } = await busWith(started, steps(1));
    const stream = generationEventStream(bus, id, async () => {
      bus.publish(step(id, 2)); // held by the subscription, and folded into the live state read next
      await settle();
      return [{ type: 'STARTED', generationId: id }];
    });
    assert.deepEqual(await take(stream, 2), ['STARTED', 'STEP 2 preview-2']);
    finishRun(bus, id, 3);
    assert.deepEqual(await rest(stream), ['STEP 3 preview-3', 'STEP 4 preview-4', 'STEP 5 preview-5', IMAGE, 'COMPLETED']);
  });

  test(`${label}: after the end the bus has forgotten the job and the stored state ends the stream`, async () => {
    const { bus, settle } = await open();
    const id = fresh();
    bus.publish({ type: 'QUEUED', generationId: id, position: 1 });
    bus.publish({ type: 'STARTED', generationId: id });
    finishRun(bus, id, 1);
    await settle();
    assert.equal(await bus.liveState(id), undefined);
    const stored: GenerationEvent[] = [{ type: 'STARTED', generationId: id }, { type: 'IMAGE', generationId: id, image: imageOf(id) }, { type: 'COMPLETED', generationId: id, warnings: [] }];
    assert.deepEqual(await rest(generationEventStream(bus, id, async () => stored)), ['STARTED', IMAGE, 'COMPLETED']);
  });

  test(`${label}: a viewer the stored read refuses gets the error and nothing of the live state`, async () => {
    const { bus, id } = await busWith(started, steps(1));
    const stream = generationEventStream(bus, id, async () => {
      throw new Error('NOT_FOUND');
    });
    await assert.rejects(stream.next(), /NOT_FOUND/);
  });

  test(`${label}: a QUEUED of an earlier attempt arriving after STARTED leaves the state started; a requeue goes back to QUEUED, and the old run's late step changes nothing`, async () => {
    const { bus, settle, id } = await busWith();
    const state = async (): Promise<string[] | undefined> => {
      await settle();
      return (await bus.liveState(id))?.events.map(brief);
    };
    bus.publish({ type: 'QUEUED', generationId: id, position: 2, attempts: 0 });
    bus.publish({ type: 'STARTED', generationId: id, attempts: 1 });
    // A place computed before the claim, told after it (another node's, or this one's position publisher).
    bus.publish({ type: 'QUEUED', generationId: id, position: 1, attempts: 0 });
    assert.deepEqual(await state(), ['STARTED']);
    bus.publish({ ...step(id, 1), attempts: 1 });
    assert.deepEqual(await state(), ['STARTED', 'STEP 1 preview-1']);
    // Run 1 was requeued (a storage fault's retry): waiting for run 2.
    bus.publish({ type: 'QUEUED', generationId: id, position: 3, attempts: 1 });
    assert.deepEqual(await state(), ['QUEUED 3']);
    bus.publish({ ...step(id, 2), attempts: 1 }); // run 1's node had not heard yet that its lease was gone
    bus.publish({ type: 'QUEUED', generationId: id, position: 1, attempts: 0 }); // the first wait's place, very late
    bus.publish({ type: 'QUEUED', generationId: id, position: 2, attempts: 1 }); // its place moves while it waits
    assert.deepEqual(await state(), ['QUEUED 2']);
    bus.publish({ type: 'STARTED', generationId: id, attempts: 2 });
    bus.publish({ type: 'QUEUED', generationId: id, position: 1, attempts: 1 });
    bus.publish({ ...step(id, 1), attempts: 2 });
    assert.deepEqual(await state(), ['STARTED', 'STEP 1 preview-1']);
    bus.publish({ type: 'CANCELLED', generationId: id });
    assert.equal(await state(), undefined);
  });

  test(`${label}: the bus numbers each generation's events in order and keeps live states only while jobs run`, async () => {
    const { bus, settle } = await open();
    const id = fresh();
    const other = fresh();
    const seen: number[] = [];
    const unsubscribe = bus.subscribe(id, ({ seq }) => seen.push(seq));
    await bus.liveState(id); // the join: from here on every event reaches the listener
    bus.publish({ type: 'QUEUED', generationId: id, position: 2 });
    bus.publish({ type: 'QUEUED', generationId: other, position: 1 });
    bus.publish({ type: 'QUEUED', generationId: id, position: 1 });
    await settle();
    assert.deepEqual((await bus.liveState(id))?.events.map(brief), ['QUEUED 1']);
    bus.publish({ type: 'STARTED', generationId: id });
    bus.publish(step(id, 1));
    bus.publish({ type: 'IMAGE', generationId: id, image: imageOf(id) });
    bus.publish(step(id, 2));
    await settle();
    const live = await bus.liveState(id);
    assert.deepEqual(live?.events.map(brief), ['STARTED', IMAGE, 'STEP 2 preview-2']);
    await eventually(() => seen.length === 6, 'six events delivered');
    assert.equal(live?.seq, seen.at(-1));
    bus.publish({ type: 'FAILED', generationId: id, message: 'x' });
    bus.publish({ type: 'CANCELLED', generationId: other });
    await settle();
    await eventually(() => seen.length === 7, 'the terminal event delivered');
    unsubscribe();
    assert.ok(seen.every((seq, i) => i === 0 || seq > seen[i - 1]!), `seq ${seen.join(',')} not increasing`);
    assert.equal(await bus.liveState(id), undefined);
    assert.equal(await bus.liveState(other), undefined);
  });
}
