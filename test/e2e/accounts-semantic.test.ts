// Isolation in semantic search and similar*, which the isolation matrix cannot reach with the tiny model (its
// encoder is off there): two accounts on the toy-shapes text encoder, their pictures imported, not generated.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { ImportImageDocument, SearchPromptsDocument, SetGenerationVisibilityDocument, SimilarImagesDocument, SimilarPromptsDocument } from '../generated/operations.js';
import { createKey, keyedData, keyedRequest } from '../support/accounts.js';
import { pngWithText } from '../support/png-text.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';

const ALICE_PROMPT = 'a little green triangle lower right';
const BOB_PROMPT = 'a small green triangle at the bottom right';

describe('semantic search between accounts (toy-shapes text encoder)', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  let alice: string;
  let bob: string;
  const imported = new Map<string, { generationId: string; imageId: string; promptId: string }>();

  async function importAs(key: string, prompt: string, colour: string): Promise<void> {
    const png = await pngWithText([{ keyword: 'parameters', text: `${prompt}\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 16x16` }], colour);
    const result = (await keyedData(server.url, key, ImportImageDocument, { dataUrl: `data:image/png;base64,${png.toString('base64')}` })).importImage;
    const found = (await keyedData(server.url, key, SearchPromptsDocument, { input: { query: prompt, mode: 'WORDS' }, first: 5 })).searchPrompts.edges;
    imported.set(prompt, { generationId: result.generationId, imageId: result.image.id, promptId: found.find((e) => e.node.text === prompt)!.node.id });
  }

  before(async () => {
    const modelsDir = path.dirname(TOY_MODEL_DIR);
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: 'toy-shapes', embeddingModel: 'toy-shapes', workers: 0, auth: 'keys' });
    [alice, bob] = await Promise.all([createKey(server, 'alice'), createKey(server, 'bob')]);
    await importAs(alice, ALICE_PROMPT, '#00aa00');
    await importAs(bob, BOB_PROMPT, '#00bb00');
  });
  after(async () => server?.close());

  test('SEMANTIC and HYBRID search, similarPrompts and similarImages show bob only his own prompt, until alice shares hers', async () => {
    const bobsTexts = async (scope: 'MINE' | 'PUBLIC' | 'ALL') => {
      const semantic = (await keyedData(server.url, bob, SearchPromptsDocument, { input: { query: 'tiny green triangle', mode: 'SEMANTIC', scope }, first: 10 })).searchPrompts;
      const similar = (await keyedData(server.url, bob, SimilarPromptsDocument, { promptId: imported.get(BOB_PROMPT)!.promptId, filter: { scope } })).similarPrompts;
      const images = (await keyedData(server.url, bob, SimilarImagesDocument, { imageId: imported.get(BOB_PROMPT)!.imageId, filter: { scope } })).similarImages;
      return { semantic: semantic.edges.map((e) => e.node.text).sort(), similar: similar.edges.map((e) => e.node.text), images: images.edges.map((e) => e.node.prompt.text) };
    };
    assert.deepEqual(await bobsTexts('ALL'), { semantic: [BOB_PROMPT], similar: [], images: [] });
    // Nor does alice see bob's (once hers is public, bob's similar* find it: the encoder does see the two as close).
    const aliceSimilar = (await keyedData(server.url, alice, SimilarPromptsDocument, { promptId: imported.get(ALICE_PROMPT)!.promptId })).similarPrompts;
    assert.deepEqual(aliceSimilar.edges.map((e) => e.node.text), []);
    for (const [label, run] of [
      ['similarPrompts', () => keyedRequest(server.url, bob, SimilarPromptsDocument, { promptId: imported.get(ALICE_PROMPT)!.promptId })],
      ['similarImages', () => keyedRequest(server.url, bob, SimilarImagesDocument, { imageId: imported.get(ALICE_PROMPT)!.imageId })],
    ] as const) {
      assert.equal((await run()).errors?.[0]?.extensions?.code, 'NOT_FOUND', label);
    }

    await keyedData(server.url, alice, SetGenerationVisibilityDocument, { id: imported.get(ALICE_PROMPT)!.generationId, visibility: 'PUBLIC' });
    assert.deepEqual(await bobsTexts('ALL'), { semantic: [BOB_PROMPT, ALICE_PROMPT].sort(), similar: [ALICE_PROMPT], images: [ALICE_PROMPT] });
    assert.deepEqual(await bobsTexts('PUBLIC'), { semantic: [ALICE_PROMPT], similar: [ALICE_PROMPT], images: [ALICE_PROMPT] });
    assert.deepEqual((await bobsTexts('MINE')).similar, []);
    const similar = (await keyedData(server.url, bob, SimilarPromptsDocument, { promptId: imported.get(ALICE_PROMPT)!.promptId, filter: { scope: 'ALL' } })).similarPrompts;
    assert.deepEqual(similar.edges.map((e) => e.node.text), [BOB_PROMPT], 'a public prompt is a starting point for bob too');
  });
});
