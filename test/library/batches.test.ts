/** Group commit (library/support/batches.ts): who waits for whom, and what a failed batch does to its calls. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batches } from '../../src/library/support/batches.js';

/** A run that records each batch and answers when released. */
function recordingRun(fail?: (inputs: number[]) => Error | undefined) {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate = new Promise<void>((resolve) => (release = resolve));
  const run = async (inputs: number[]) => {
    batches.push(inputs);
    await gate;
    const error = fail?.(inputs);
    if (error) throw error;
    return inputs.map((input) => input * 10);
  };
  return {
    batches,
    run,
    open() {
      release();
      gate = Promise.resolve();
    },
  };
}

test('an idle call runs at once; calls made while it runs go together as the next batch, split by maxSize', async () => {
  const recorder = recordingRun();
  const batches = new Batches(recorder.run, { maxSize: 3, maxRunning: 1 });
  const outputs = [1, 2, 3, 4, 5, 6].map((input) => batches.add(input));
  assert.deepEqual(recorder.batches, [[1]], 'the first starts without waiting; the rest wait for it');
  recorder.open();
  assert.deepEqual(await Promise.all(outputs), [10, 20, 30, 40, 50, 60]);
  assert.deepEqual(recorder.batches, [[1], [2, 3, 4], [5, 6]]);
});

test('maxRunning batches run at once', async () => {
  const recorder = recordingRun();
  const batches = new Batches(recorder.run, { maxSize: 10, maxRunning: 2 });
  const outputs = [1, 2, 3].map((input) => batches.add(input));
  assert.deepEqual(recorder.batches, [[1], [2]]);
  recorder.open();
  await Promise.all(outputs);
  assert.deepEqual(recorder.batches, [[1], [2], [3]]);
});

test('a failed batch fails all its calls, unless the error allows running each alone', async () => {
  const refused = new Error('refused');
  const recorder = recordingRun((inputs) => (inputs.includes(3) ? refused : undefined));
  const strict = new Batches(recorder.run, { maxSize: 10, maxRunning: 1 });
  const first = strict.add(0);
  const together = [2, 3, 4].map((input) => strict.add(input));
  recorder.open();
  await first;
  assert.deepEqual(
    (await Promise.allSettled(together)).map((result) => result.status),
    ['rejected', 'rejected', 'rejected'],
  );

  const lenient = new Batches(recorder.run, { maxSize: 10, maxRunning: 1, retryAlone: (error) => error === refused });
  const second = lenient.add(0);
  const alone = [2, 3, 4].map((input) => lenient.add(input));
  await second;
  const results = await Promise.allSettled(alone);
  assert.deepEqual(results.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected')), [20, 'rejected', 40]);
});
