// Queue-place events carry the job's attempts: a job requeued at the place it had is told again, and its state goes back to QUEUED.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SequencedEvent } from '../../src/generation/events.js';
import { InProcessEventBus } from '../../src/generation/in-process-event-bus.js';
import type { QueuedJobRef } from '../../src/generation/job.js';
import { QueuePositionPublisher } from '../../src/generation/queue-positions.js';
import { createLogger } from '../../src/logger.js';
import { brief, eventually } from '../support/event-bus-contract.js';

test('a job claimed and requeued between two looks at the queue is told its place again, with its new attempts', async () => {
  const bus = new InProcessEventBus();
  let queued: QueuedJobRef[] = [{ id: 'a', attempts: 0 }];
  const positions = new QueuePositionPublisher({ queuedJobs: async () => queued }, bus, createLogger('silent'), { intervalMs: 1 });
  const seen: SequencedEvent[] = [];
  bus.subscribe('a', (delivered) => seen.push(delivered));
  try {
    positions.changed();
    await eventually(() => seen.length === 1, 'the first place told');
    assert.deepEqual(seen[0]!.event, { type: 'QUEUED', generationId: 'a', position: 1, attempts: 0 });
    // A worker (here or on another node) claims it, and a storage fault queues it again, at the same place.
    bus.publish({ type: 'STARTED', generationId: 'a', attempts: 1 });
    queued = [{ id: 'a', attempts: 1 }];
    positions.changed();
    await eventually(() => seen.length === 3, 'the place told again after the requeue');
    assert.deepEqual(seen.map((d) => brief(d.event)), ['QUEUED 1', 'STARTED', 'QUEUED 1']);
    assert.deepEqual(seen[2]!.event, { type: 'QUEUED', generationId: 'a', position: 1, attempts: 1 });
    assert.deepEqual((await bus.liveState('a'))?.events.map(brief), ['QUEUED 1']);
  } finally {
    positions.stop();
  }
});
