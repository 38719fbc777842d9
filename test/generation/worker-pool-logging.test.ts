/** The execution provider (with a CPU fallback's note) is logged once per worker, not for every job. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { WorkerPool } from '../../src/generation/worker-pool.js';
import type { WorkerJob } from '../../src/generation/worker-protocol.js';

function job(id: string): WorkerJob {
  return {
    ...{ id, modelDir: '', modelName: '', loras: [], imageParameters: [''], previewEvery: 0, previewMaxSize: 64, previewMethod: 'LATENT2RGB', safety: 'off' },
    request: { prompt: 'a red circle', sampler: 'euler', steps: 1, guidanceScale: 1, width: 64, height: 64, seeds: [0n] },
  };
}

test('a CPU fallback is logged once for each worker however many jobs it runs', async () => {
  const lines: Array<{ msg: string; worker: number; note?: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const pool = new WorkerPool(2, () => ({ session: { device: 'cpu' } }), pino({ level: 'info' }, sink), new URL('../fixtures/provider-worker.js', import.meta.url));
  try {
    for (let round = 0; round < 5; round++) {
      const outcomes = await Promise.all([pool.run(job(`a${round}`)), pool.run(job(`b${round}`))]);
      assert.deepEqual(outcomes, [{ status: 'completed', warnings: [] }, { status: 'completed', warnings: [] }]);
    }
  } finally {
    await pool.close();
  }
  const logged = lines.filter((line) => line.msg === 'execution provider');
  assert.deepEqual(logged.map((line) => [line.worker, line.note]).sort(), [
    [0, 'CUDA is not available'],
    [1, 'CUDA is not available'],
  ]);
});
