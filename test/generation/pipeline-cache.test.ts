/**
 * The worker's pipeline cache on its own: one pipeline per model and LoRA set, kept within the memory budget,
 * least recently used out first, the one in use never dropped. The loader here counts loads and releases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PipelineCache } from '../../src/generation/pipeline-cache.js';
import type { WorkerLora } from '../../src/generation/worker-protocol.js';

function counting(bytesPerLoad: number) {
  const loads: string[] = [];
  const releases: string[] = [];
  const cache = new PipelineCache(250, async (dir, loras) => {
    const label = [dir, ...loras.map((l) => `${l.name}@${l.weight}`)].join('+');
    loads.push(label);
    return { pipeline: { label, release: async () => void releases.push(label) }, bytes: bytesPerLoad };
  });
  return { cache, loads, releases };
}

const lora = (name: string, weight: number, hash = 'h'): WorkerLora => ({ name, file: `/loras/${name}.safetensors`, hash, weight });
const A = { dir: '/models/a', name: 'a' };
const B = { dir: '/models/b', name: 'b' };

test('a model with a LoRA set is loaded once and shared; order of the set and weight-0 LoRAs do not matter', async () => {
  const { cache, loads } = counting(100);
  const first = await cache.get(A, [lora('x', 0.5), lora('y', 1)]);
  assert.equal(await cache.get(A, [lora('y', 1), lora('x', 0.5), lora('z', 0)]), first);
  assert.equal(await cache.get(A, [lora('z', 0)]), await cache.get(A, []));
  await cache.get(A, [lora('x', 0.6)]); // another weight is another merge
  await cache.get(A, [lora('x', 0.6, 'replaced')]); // the file changed under its name
  // The loader is not given LoRAs at weight 0: the engine then loads the plain files.
  assert.deepEqual(loads, ['/models/a+x@0.5+y@1', '/models/a', '/models/a+x@0.6', '/models/a+x@0.6']);
});

test('beyond the budget the least recently used go first; going back to a kept one loads nothing', async () => {
  const { cache, loads, releases } = counting(100); // two fit in 250 bytes
  await cache.get(A, []);
  await cache.get(B, []);
  await cache.get(A, []); // A is now the most recent
  await cache.get(A, [lora('x', 1)]); // a third: B goes
  assert.deepEqual(releases, ['/models/b']);
  assert.deepEqual(cache.loaded().map((p) => [p.model, p.loras, p.bytes]), [
    ['a', [{ name: 'x', weight: 1 }], 100],
    ['a', [], 100],
  ]);
  await cache.get(A, []);
  assert.equal(loads.length, 3);
});

test('one pipeline over the budget by itself stays while in use; a failed load is not kept', async () => {
  const { cache, releases } = counting(1000);
  await cache.get(A, []);
  assert.deepEqual(releases, []);
  await cache.get(B, []);
  assert.deepEqual(releases, ['/models/a']);
  assert.deepEqual(cache.loaded().map((p) => p.model), ['b']);

  let attempts = 0;
  const failing = new PipelineCache(1000, async () => {
    attempts++;
    if (attempts === 1) throw new Error('corrupt file');
    return { pipeline: { release: async () => undefined }, bytes: 1 };
  });
  await assert.rejects(failing.get(A, []), /corrupt file/);
  assert.deepEqual(failing.loaded(), []);
  await failing.get(A, []);
  assert.equal(attempts, 2);
  await cache.clear();
  assert.deepEqual(cache.loaded(), []);
});
