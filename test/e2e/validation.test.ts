import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelGenerationDocument, GenerateDocument, GenerationsDocument, type GenerateInput } from '../generated/operations.js';
import { request } from '../support/graphql-client.js';
import { suiteServer } from '../support/test-server.js';

/** Each bad input, the field the error must name, and the bounds it must state. */
const CASES: Array<{ name: string; input: Partial<GenerateInput>; field: string; extensions?: Record<string, unknown> }> = [
  { name: 'empty prompt', input: { prompt: '   ' }, field: 'prompt' },
  { name: 'width not a multiple of 8', input: { width: 100 }, field: 'width', extensions: { min: 64, max: 2048 } },
  { name: 'width too small', input: { width: 56 }, field: 'width', extensions: { min: 64, max: 2048 } },
  { name: 'height too large', input: { height: 2056 }, field: 'height', extensions: { min: 64, max: 2048 } },
  { name: 'zero steps', input: { steps: 0 }, field: 'steps', extensions: { min: 1, max: 150 } },
  { name: 'too many steps', input: { steps: 151 }, field: 'steps', extensions: { min: 1, max: 150 } },
  { name: 'negative guidance', input: { guidanceScale: -0.5 }, field: 'guidanceScale', extensions: { min: 0, max: 30 } },
  { name: 'guidance above 30', input: { guidanceScale: 30.5 }, field: 'guidanceScale', extensions: { min: 0, max: 30 } },
  { name: 'batch of 0', input: { batchSize: 0 }, field: 'batchSize', extensions: { min: 1, max: 8 } },
  { name: 'batch of 9', input: { batchSize: 9 }, field: 'batchSize', extensions: { min: 1, max: 8 } },
  { name: 'unknown sampler', input: { sampler: 'k_lms_v9' }, field: 'sampler' },
  { name: 'unknown model', input: { model: 'sd-xl-nope' }, field: 'model' },
  { name: 'negative seed', input: { seed: '-1' }, field: 'seed', extensions: { min: '0', max: '18446744073709551615' } },
  { name: 'seed above 2^64-1', input: { seed: '18446744073709551616' }, field: 'seed', extensions: { min: '0', max: '18446744073709551615' } },
];

describe('bad input gets a BAD_USER_INPUT error naming the field and the allowed range', () => {
  const server = suiteServer({ workers: 0 });

  for (const { name, input, field, extensions } of CASES) {
    test(name, async () => {
      const result = await request(server().url, GenerateDocument, { input: { prompt: 'a cat', width: 64, height: 64, ...input } });
      assert.equal(result.data ?? null, null);
      assert.equal(result.errors?.length, 1);
      const error = result.errors![0]!;
      assert.equal(error.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(error));
      assert.equal(error.extensions?.field, field);
      for (const [key, value] of Object.entries(extensions ?? {})) assert.equal(error.extensions?.[key], value, `${key} in ${JSON.stringify(error)}`);
      assert.ok(!JSON.stringify(error).includes('    at '), 'no stack trace');
    });
  }

  test('TAESD previews on a server without TAESD are a BAD_USER_INPUT naming previewMethod', async () => {
    const result = await request(server().url, GenerateDocument, { input: { prompt: 'a cat', previewMethod: 'TAESD' } });
    assert.deepEqual([result.errors?.[0]?.extensions?.code, result.errors?.[0]?.extensions?.field], ['BAD_USER_INPUT', 'previewMethod']);
  });

  test('the unknown-model error lists the installed models', async () => {
    const result = await request(server().url, GenerateDocument, { input: { prompt: 'a cat', model: 'nope' } });
    assert.deepEqual(result.errors?.[0]?.extensions?.allowedValues, ['tiny']);
  });

  test('the largest seed is accepted and returned exactly', async () => {
    const result = await request(server().url, GenerateDocument, { input: { prompt: 'a cat', seed: '18446744073709551615' } });
    assert.equal(result.errors, undefined);
    assert.equal(result.data?.generate.seed, '18446744073709551615');
  });

  test('nothing invalid was stored', async () => {
    const result = await request(server().url, GenerationsDocument, { first: 100 });
    assert.equal(result.data?.generations.totalCount, 1); // only the valid one above
  });

  test('cancelling an unknown generation is NOT_FOUND', async () => {
    const result = await request(server().url, CancelGenerationDocument, { id: 'nope' });
    assert.equal(result.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  test('a bad page size is BAD_USER_INPUT', async () => {
    const result = await request(server().url, GenerationsDocument, { first: 0 });
    assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(result.errors?.[0]?.extensions?.field, 'first');
  });
});
