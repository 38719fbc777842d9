/**
 * Queue affinity through the real server: one worker, two models (copies of the tiny one). Four jobs queued in
 * one request while the worker is busy with the first, alternating the models: with affinity the worker takes
 * the other job for the model it has loaded first (two loads instead of four switches); with
 * ATELIER_AFFINITY_WAIT_MS=0 it keeps the fair first-come order. Which job ran when is read from each
 * generation's startedAt over GraphQL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenerateFourDocument, type GenerateInput } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { finishedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir, tinyModelCopies } from '../support/test-server.js';

async function runOrder(modelsDir: string, affinityWaitMs: number): Promise<string[]> {
  const server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: 'alpha', workers: 1, affinityWaitMs });
  try {
    // The first job's many steps keep the worker busy while the other three are queued behind it.
    const job = (model: string, steps: number): GenerateInput => ({ prompt: `a ${model} lighthouse`, model, seed: '1', steps });
    const queued = await requestData(server.url, GenerateFourDocument, { a: job('alpha', 60), b: job('beta', 2), c: job('alpha', 2), d: job('beta', 2) });
    const labels = new Map([[queued.a.id, 'alpha 1'], [queued.b.id, 'beta 1'], [queued.c.id, 'alpha 2'], [queued.d.id, 'beta 2']]);
    const finished = await Promise.all([...labels.keys()].map((id) => finishedGeneration(server.url, id)));
    for (const generation of finished) assert.equal(generation.status, 'COMPLETED', generation.error ?? '');
    return finished.sort((x, y) => Date.parse(x.startedAt!) - Date.parse(y.startedAt!)).map((g) => labels.get(g.id)!);
  } finally {
    await server.close();
  }
}

test('one worker takes the queued job for the model it has loaded first; with affinity off, the fair order', { timeout: 3 * 60_000 }, async (t) => {
  const modelsDir = await tinyModelCopies(t, 'affinity', ['alpha', 'beta']);
  assert.deepEqual(await runOrder(modelsDir, 20_000), ['alpha 1', 'alpha 2', 'beta 1', 'beta 2']);
  assert.deepEqual(await runOrder(modelsDir, 0), ['alpha 1', 'beta 1', 'alpha 2', 'beta 2']);
});
