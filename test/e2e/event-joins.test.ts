// Subscribers that join a generation at any moment: each gets the current state, then every event once, in order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'graphql-ws';
import type { RunningServer } from '../../src/server.js';
import { GenerateDocument, GenerationEventsDocument, type GenerationEventsSubscription } from '../generated/operations.js';
import { collectSubscription, requestData, wsClient } from '../support/graphql-client.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

type Event = GenerationEventsSubscription['generationEvents'];
const STEPS = 120;

function follow(client: Client, id: string, onEvent?: (event: Event) => void): Promise<Event[]> {
  return collectSubscription(client, GenerationEventsDocument, { id }, (data) => onEvent?.(data.generationEvents)).then((all) =>
    all.map((data) => data.generationEvents),
  );
}

function stepOf(event: Event | undefined): number | undefined {
  return event?.__typename === 'GenerationStep' ? event.step : undefined;
}

/**
 * One subscriber's whole list is a lifecycle without repeats: QUEUED places (only while queued), STARTED once,
 * consecutive steps each once, each image once, and COMPLETED last.
 */
function assertOneLifecycle(events: Event[], label: string): void {
  const types = events.map((e) => e.type);
  const started = types.indexOf('STARTED');
  assert.ok(started >= 0, `${label}: no STARTED in ${types.join(',')}`);
  assert.equal(types.filter((t) => t === 'STARTED').length, 1, `${label}: STARTED more than once in ${types.join(',')}`);
  assert.ok(types.slice(0, started).every((t) => t === 'QUEUED'), `${label}: only QUEUED before STARTED: ${types.join(',')}`);
  assert.ok(!types.slice(started).includes('QUEUED'), `${label}: QUEUED after STARTED`);
  assert.equal(types.at(-1), 'COMPLETED', label);
  assert.equal(types.filter((t) => t === 'COMPLETED').length, 1, label);
  const steps = events.map(stepOf).filter((s) => s !== undefined);
  steps.forEach((s, i) => i > 0 && assert.equal(s, steps[i - 1]! + 1, `${label}: steps ${steps.join(',')} skip or repeat`));
  if (steps.length > 0) assert.equal(steps.at(-1), STEPS, label);
  const imageIds = events.flatMap((e) => (e.__typename === 'GenerationImage' ? [e.image.id] : []));
  assert.equal(new Set(imageIds).size, imageIds.length, `${label}: an image twice`);
  assert.equal(imageIds.length, 1, label);
}

describe('joining a generation at any moment', () => {
  let server: RunningServer;
  const clients: Client[] = [];
  const client = (): Client => {
    const c = wsClient(server.url);
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir(), workers: 1 });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server.close();
  });

  test('late joiners get the latest preview at once; joiners around the start get QUEUED or STARTED once; a joiner after the end gets the end', async () => {
    const input = { prompt: 'a red circle', steps: STEPS, width: 64, height: 64, seed: '3' };
    const first = (await requestData(server.url, GenerateDocument, { input })).generate;
    const second = (await requestData(server.url, GenerateDocument, { input: { ...input, seed: '4' } })).generate;

    // Joiners of the second job, which waits behind the first: from the start, and at the moments the first
    // job ends (the second is claimed and started just then).
    const joiners: Promise<Event[]>[] = [follow(client(), second.id)];
    const secondFollower = follow(client(), second.id, (event) => {
      if (event.type === 'STARTED' || stepOf(event) === 1 || stepOf(event) === 2) joiners.push(follow(client(), second.id));
    });
    const lateJoiners: { joinedAtStep: number; events: Promise<Event[]> }[] = [];
    const firstEvents = await follow(client(), first.id, (event) => {
      const step = stepOf(event);
      if (step !== undefined && step % 30 === 0 && step < STEPS) lateJoiners.push({ joinedAtStep: step, events: follow(client(), first.id) });
      if (step === STEPS || event.type === 'IMAGE' || event.type === 'COMPLETED') joiners.push(follow(client(), second.id));
    });

    assertOneLifecycle(firstEvents, 'first job, from the start');
    assert.equal(lateJoiners.length, 3);
    for (const late of lateJoiners) {
      const events = await late.events;
      const label = `joined the first job at step ${late.joinedAtStep}`;
      assertOneLifecycle(events, label);
      // The current state comes first: STARTED and the step the job was at, with its preview, not a wait for the next.
      assert.equal(events[0]?.type, 'STARTED', label);
      const joinStep = events[1];
      assert.equal(joinStep?.__typename, 'GenerationStep', label);
      assert.ok(joinStep.__typename === 'GenerationStep' && joinStep.preview?.startsWith('data:image/'), label);
      assert.ok(stepOf(joinStep)! >= late.joinedAtStep, label);
      // And from there exactly what the subscriber from the start saw.
      const from = firstEvents.findIndex((e) => stepOf(e) === stepOf(joinStep));
      assert.deepEqual(events.slice(1), firstEvents.slice(from), label);
    }

    const secondEvents = await secondFollower;
    assertOneLifecycle(secondEvents, 'second job, joined while queued');
    const all = await Promise.all(joiners);
    assert.equal(all.length, 1 + 3 + 3);
    all.forEach((events, i) => {
      assertOneLifecycle(events, `second job, joiner ${i}`);
      const initial = events[0]!;
      assert.ok(initial.type === 'QUEUED' || initial.type === 'STARTED', `joiner ${i} starts with ${initial.type}`);
      const at = secondEvents.findIndex((e) => e.type !== 'QUEUED' && JSON.stringify(e) === JSON.stringify(events.find((x) => x.type !== 'QUEUED')));
      assert.ok(at >= 0, `joiner ${i}: its first event after the queue is one the first subscriber saw`);
    });

    // After the end: the stored state, ending with the terminal event.
    const afterEnd = await follow(client(), first.id);
    assert.deepEqual(
      afterEnd.map((e) => e.type),
      ['STARTED', 'IMAGE', 'COMPLETED'],
    );
    assert.deepEqual(afterEnd.at(-1), firstEvents.at(-1));
  });
});
