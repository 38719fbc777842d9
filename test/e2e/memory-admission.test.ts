/** The server refuses a job that would not fit in memory, with the maximum for that model and batch; nothing is queued. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GenerateDocument, GenerationsDocument } from '../generated/operations.js';
import { request } from '../support/graphql-client.js';
import { suiteServer } from '../support/test-server.js';

describe('memory admission', () => {
  const server = suiteServer({ workers: 0 });

  test('2048x2048 x 8 x 150 steps is BAD_USER_INPUT with maxPixels for the model at batchSize 8', async () => {
    const input = { prompt: 'a cat', width: 2048, height: 2048, batchSize: 8, steps: 150 };
    const result = await request(server().url, GenerateDocument, { input });
    assert.equal(result.data ?? null, null);
    const error = result.errors?.[0];
    assert.equal(result.errors?.length, 1);
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(error));
    assert.equal(error?.extensions?.field, 'width');
    assert.deepEqual(error?.extensions?.fields, ['width', 'height', 'batchSize']);
    assert.equal(error?.extensions?.maxPixels, 185_363);
    assert.equal(error?.extensions?.batchSize, 8);
    assert.equal(error?.extensions?.reason, 'OVER_MEMORY_BUDGET');
    assert.match(error?.message ?? '', /model "tiny"/);
    assert.ok(!JSON.stringify(error).includes('    at '), 'no stack trace');
  });

  test('a job that fits is accepted, and the refused one was never queued', async () => {
    const fits = await request(server().url, GenerateDocument, { input: { prompt: 'a cat', width: 512, height: 512, batchSize: 4, steps: 1 } });
    assert.equal(fits.errors, undefined, JSON.stringify(fits.errors));
    const listed = await request(server().url, GenerationsDocument, { first: 10 });
    assert.equal(listed.data?.generations.totalCount, 1); // the refused job was never queued
  });
});
