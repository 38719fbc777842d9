import assert from 'node:assert/strict';
import test from 'node:test';
import { retryWrite } from '../../src/generation/write-retry.js';

/** A write that throws the first `failures` times it is called, as a database that has dropped its connections. */
function flakyWrite(failures: number): { write: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    write: async () => {
      calls++;
      if (calls <= failures) throw new Error(`connection lost (${calls})`);
      return 'written';
    },
    calls: () => calls,
  };
}

test('a write the database does not answer is tried again after each pause, and its result returned', async () => {
  const { write, calls } = flakyWrite(2);
  const retries: [string, number, number][] = [];
  const result = await retryWrite(write, { delaysMs: [1, 2, 3], retryable: () => true, giveUp: () => false, onRetry: (error, retry, delayMs) => retries.push([(error as Error).message, retry, delayMs]) });
  assert.equal(result, 'written');
  assert.equal(calls(), 3);
  assert.deepEqual(retries, [['connection lost (1)', 1, 1], ['connection lost (2)', 2, 2]]);
});

test('when the pauses are used up, the last error is thrown', async () => {
  const { write, calls } = flakyWrite(5);
  await assert.rejects(retryWrite(write, { delaysMs: [1, 1], retryable: () => true, giveUp: () => false, onRetry: () => {} }), /connection lost \(3\)/);
  assert.equal(calls(), 3);
});

test('a run that lost its lease stops retrying at once', async () => {
  const { write, calls } = flakyWrite(5);
  await assert.rejects(retryWrite(write, { delaysMs: [1, 1, 1], retryable: () => true, giveUp: () => true, onRetry: () => assert.fail('no retry after giving up') }), /connection lost \(1\)/);
  assert.equal(calls(), 1);
});

test('an error the database did not cause (a refused write) is thrown at once, not tried again', async () => {
  const { write, calls } = flakyWrite(5);
  await assert.rejects(retryWrite(write, { delaysMs: [1, 1, 1], retryable: () => false, giveUp: () => false, onRetry: () => assert.fail('no retry of a refusal') }), /connection lost \(1\)/);
  assert.equal(calls(), 1);
});
