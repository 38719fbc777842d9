// The subscription stream on the real in-process bus: the EventBus contract (test/support/event-bus-contract.ts), and its memory bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessEventBus } from '../../src/generation/in-process-event-bus.js';
import { eventBusContract, step } from '../support/event-bus-contract.js';

eventBusContract('in process', async () => ({ bus: new InProcessEventBus(), settle: async () => {} }));

test('the in-process bus holds a live state only while a job runs', () => {
  const bus = new InProcessEventBus();
  bus.publish({ type: 'QUEUED', generationId: 'a', position: 1 });
  bus.publish({ type: 'STARTED', generationId: 'b' });
  bus.publish(step('b', 1));
  assert.equal(bus.liveCount, 2);
  bus.publish({ type: 'CANCELLED', generationId: 'a' });
  bus.publish({ type: 'COMPLETED', generationId: 'b', warnings: [] });
  assert.equal(bus.liveCount, 0);
});
