import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkTokens } from '../../src/diffusion/text/prompt-chunks.js';

const COMMA = 267;
const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

test('tokens fill chunks of the given length; weights follow their tokens', () => {
  const chunks = chunkTokens([{ ids: ids(1000, 100), weight: 1.2 }], 75, COMMA);
  assert.deepEqual(chunks.map((c) => c.ids.length), [75, 25]);
  assert.ok(chunks.every((c) => c.weights.every((w) => w === 1.2)));
});

test('a chunk that fills up soon after a comma is cut after the comma (AUTOMATIC1111 backtracking)', () => {
  const tokens = [...ids(1000, 60), COMMA, ...ids(2000, 30)];
  const chunks = chunkTokens([{ ids: tokens, weight: 1 }], 75, COMMA);
  assert.deepEqual(chunks[0]!.ids, [...ids(1000, 60), COMMA]);
  assert.deepEqual(chunks[1]!.ids, ids(2000, 30));
  // A comma further back than 20 tokens is not used.
  const far = chunkTokens([{ ids: [...ids(1000, 40), COMMA, ...ids(2000, 50)], weight: 1 }], 75, COMMA);
  assert.equal(far[0]!.ids.length, 75);
});

test('BREAK closes the current chunk; an empty prompt is one empty chunk', () => {
  const chunks = chunkTokens([{ ids: [1, 2], weight: 1 }, { ids: [], weight: -1, isBreak: true }, { ids: [3], weight: 1 }], 75, COMMA);
  assert.deepEqual(chunks.map((c) => c.ids), [[1, 2], [3]]);
  assert.deepEqual(chunkTokens([], 75, COMMA), [{ ids: [], weights: [] }]);
});
