import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { WorkerPool } from '../../src/generation/worker-pool.js';
import type { WorkerJob } from '../../src/generation/worker-protocol.js';
import { createLogger } from '../../src/logger.js';

const pool = new WorkerPool(1, () => ({ session: { device: 'cpu' } }), createLogger('silent'), new URL('../fixtures/crashing-worker.js', import.meta.url));
after(() => pool.close());

function job(id: string, prompt: string): WorkerJob {
  return {
    id,
    modelDir: '',
    modelName: '',
    loras: [],
    request: { prompt, sampler: 'euler', steps: 1, guidanceScale: 1, width: 64, height: 64, seeds: [0n] },
    imageParameters: [''],
    previewEvery: 0,
    previewMaxSize: 64,
    previewMethod: 'LATENT2RGB',
    safety: 'off',
  };
}

test('a worker that exits fails only its job and is replaced', async () => {
  const outcome = await pool.run(job('a', 'exit'));
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.status === 'failed' ? outcome.message : '', /exited unexpectedly \(code 3\)/);
  assert.deepEqual(await pool.run(job('b', 'fine')), { status: 'completed', warnings: [] });
});

test('a worker that throws fails only its job and is replaced', async () => {
  const outcome = await pool.run(job('c', 'throw'));
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.status === 'failed' ? outcome.message : '', /boom from the worker/);
  assert.deepEqual(await pool.run(job('d', 'fine')), { status: 'completed', warnings: [] });
});

test('close() lets a worker end itself, and terminates one that does not stop within the grace period', async () => {
  const url = new URL('../fixtures/crashing-worker.js', import.meta.url);
  const obliging = new WorkerPool(1, () => ({ session: { device: 'cpu' } }), createLogger('silent'), url, 30_000);
  let started = Date.now();
  await obliging.close();
  assert.ok(Date.now() - started < 5_000, 'an idle worker ends at once');

  const stubborn = new WorkerPool(1, () => ({ session: { device: 'cpu' } }), createLogger('silent'), url, 300);
  const running = stubborn.run(job('e', 'stubborn'));
  started = Date.now();
  await stubborn.close();
  assert.ok(Date.now() - started >= 250, 'waited for the grace period');
  assert.deepEqual(await running, { status: 'failed', message: 'the server is shutting down' });
});
