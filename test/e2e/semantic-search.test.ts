import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { SearchImagesDocument, SearchPromptsDocument, SimilarImagesDocument, SimilarPromptsDocument } from '../generated/operations.js';
import { request, requestData } from '../support/graphql-client.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';

/**
 * Semantic search over GraphQL on the bundled toy-shapes model, whose text encoder knows that "big" is
 * "large" and "center" is "middle": prompts generated through the API are found by what they mean.
 */
const PROMPTS = [
  'a large red circle in the middle',
  'a small blue square in the upper left corner',
  'a little green triangle lower right',
  'a small green triangle at the bottom right',
];

describe('semantic search over GraphQL (toy-shapes text encoder)', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  const promptIds = new Map<string, string>();
  const imageIds = new Map<string, string>();

  before(async () => {
    const modelsDir = path.dirname(TOY_MODEL_DIR);
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: 'toy-shapes', embeddingModel: 'toy-shapes', workers: 1, previewEvery: 0 });
    for (const prompt of PROMPTS) {
      const generation = await completedGeneration(server.url, { prompt, steps: 1, seed: '3', width: 64, height: 64 });
      imageIds.set(prompt, generation.images[0]!.id);
    }
    const all = (await requestData(server.url, SearchPromptsDocument, { first: 10 })).searchPrompts;
    for (const edge of all.edges) promptIds.set(edge.node.text, edge.node.id);
  });
  after(async () => server?.close());

  test('SEMANTIC finds a prompt by meaning; the default hybrid puts it first; WORDS does not find it', async () => {
    const semantic = (await requestData(server.url, SearchPromptsDocument, { input: { query: 'big red circle in the center', mode: 'SEMANTIC' } })).searchPrompts;
    assert.equal(semantic.edges[0]!.node.text, PROMPTS[0]);
    assert.equal(semantic.totalCount, PROMPTS.length, 'semantic ranks every prompt');
    const hybrid = (await requestData(server.url, SearchPromptsDocument, { input: { query: 'big red circle in the center' } })).searchPrompts;
    assert.equal(hybrid.edges[0]!.node.text, PROMPTS[0]);
    const words = (await requestData(server.url, SearchPromptsDocument, { input: { query: 'big circle center', mode: 'WORDS' } })).searchPrompts;
    assert.equal(words.totalCount, 0);
    const images = (await requestData(server.url, SearchImagesDocument, { input: { query: 'big red circle in the center', mode: 'SEMANTIC' }, first: 1 })).searchImages;
    assert.equal(images.edges[0]!.node.id, imageIds.get(PROMPTS[0]));
  });

  test('similarPrompts and similarImages: the synonym first, the original left out', async () => {
    const prompts = (await requestData(server.url, SimilarPromptsDocument, { promptId: promptIds.get(PROMPTS[2])! })).similarPrompts;
    assert.equal(prompts.edges[0]!.node.text, PROMPTS[3]);
    assert.equal(prompts.totalCount, PROMPTS.length - 1);
    assert.ok(prompts.edges[0]!.score! > 0.95);
    const images = (await requestData(server.url, SimilarImagesDocument, { imageId: imageIds.get(PROMPTS[3])! })).similarImages;
    assert.equal(images.edges[0]!.node.prompt.text, PROMPTS[2]);
    const missing = await request(server.url, SimilarImagesDocument, { imageId: 'nope' });
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });
});

test('SEMANTIC on a server without an embedding model is a client error naming the modes it has', { timeout: 60_000 }, async () => {
  const server = await startTestServer({ dataDir: await tempDataDir(), workers: 0 });
  try {
    const response = await request(server.url, SearchPromptsDocument, { input: { query: 'fox', mode: 'SEMANTIC' } });
    const extensions = response.errors?.[0]?.extensions;
    assert.deepEqual([extensions?.code, extensions?.field, extensions?.reason], ['BAD_USER_INPUT', 'input.mode', 'SEMANTIC_SEARCH_OFF']);
    assert.deepEqual(extensions?.allowedValues, ['WORDS', 'FUZZY', 'HYBRID']);
    assert.equal((await requestData(server.url, SearchPromptsDocument, { input: { query: 'fox' } })).searchPrompts.totalCount, 0, 'hybrid works without it');
  } finally {
    await server.close();
  }
});
