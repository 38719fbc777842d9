// A prompt row is shared text, but its use count and dates are each viewer's own: alice's and bob's uses of the
// same words, as each of them and an admin see them in every place a LibraryPrompt appears (search, suggestions,
// similarPrompts, Image.prompt), in each scope, in MOST_USED order, and after bob deletes his generation.
// The toy-shapes model, so that semantic search (similarPrompts) is on; no workers, so bob's job stays queued.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import {
  CancelGenerationDocument,
  DeleteGenerationDocument,
  GenerateDocument,
  GenerationDocument,
  ImportImageDocument,
  PromptStatsOfImagesDocument,
  PromptStatsSearchDocument,
  PromptStatsSimilarDocument,
  PromptStatsSuggestionsDocument,
  SetGenerationVisibilityDocument,
  type PromptStatsFragment,
} from '../generated/operations.js';
import { createKey, keyedData } from '../support/accounts.js';
import { pngWithText } from '../support/png-text.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';

/** Alice uses it 3 times (one of them public), bob once. */
const SHARED = 'a little green triangle lower right';
/** Bob's alone, used twice: for him it is the most used prompt, for the admin it is not. */
const BOBS = 'a small green triangle at the bottom right';
/** Alice's, once public and then once more privately: bob meets it only in the gallery. */
const GALLERY = 'a large red circle upper left';

type Scope = 'MINE' | 'PUBLIC' | 'ALL';

describe("a prompt's use count and dates are the viewer's own", { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  let alice: string;
  let bob: string;
  let admin: string;
  let colour = 0;
  let bobStarted: string;
  let bobsGeneration: string;
  let galleryPublicAt: string;
  let sharedId: string;
  let bobsId: string;

  /** An imported picture is a use of its prompt; each gets new pixels so the owner's copy is not deduplicated. */
  async function importAs(key: string, prompt: string): Promise<{ generationId: string }> {
    const hex = (++colour).toString(16).padStart(2, '0');
    const png = await pngWithText([{ keyword: 'parameters', text: `${prompt}\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 16x16` }], `#00${hex}00`);
    return (await keyedData(server.url, key, ImportImageDocument, { dataUrl: `data:image/png;base64,${png.toString('base64')}` })).importImage;
  }

  async function searched(key: string, scope: Scope, sort?: 'MOST_USED'): Promise<PromptStatsFragment[]> {
    const input = { scope, ...(sort ? { sort } : {}) };
    return (await keyedData(server.url, key, PromptStatsSearchDocument, { input })).searchPrompts.edges.map((e) => e.node);
  }

  async function shared(key: string, scope: Scope = 'MINE'): Promise<Record<string, PromptStatsFragment | undefined>> {
    const search = (await searched(key, scope)).find((p) => p.text === SHARED);
    const suggested = (await keyedData(server.url, key, PromptStatsSuggestionsDocument, { prefix: 'a little green', scope })).promptSuggestions.find((p) => p.text === SHARED);
    const images = (await keyedData(server.url, key, PromptStatsOfImagesDocument, { input: { query: SHARED, mode: 'WORDS', scope } })).searchImages.edges;
    const ofImage = images.map((e) => e.node.prompt).find((p) => p.text === SHARED);
    return { search, suggested, ofImage };
  }

  function counts(found: Record<string, PromptStatsFragment | undefined>): Record<string, number | undefined> {
    return Object.fromEntries(Object.entries(found).map(([where, prompt]) => [where, prompt?.useCount]));
  }

  before(async () => {
    server = await startTestServer({
      dataDir: await tempDataDir(),
      modelsDir: path.dirname(TOY_MODEL_DIR),
      defaultModel: 'toy-shapes',
      embeddingModel: 'toy-shapes',
      workers: 0,
      auth: 'keys',
    });
    [alice, bob, admin] = await Promise.all([createKey(server, 'alice'), createKey(server, 'bob'), createKey(server, 'root', 'ADMIN')]);
    const first = await importAs(alice, SHARED);
    await importAs(alice, SHARED);
    await importAs(alice, SHARED);
    await keyedData(server.url, alice, SetGenerationVisibilityDocument, { id: first.generationId, visibility: 'PUBLIC' });
    const gallery = await importAs(alice, GALLERY);
    await keyedData(server.url, alice, SetGenerationVisibilityDocument, { id: gallery.generationId, visibility: 'PUBLIC' });
    galleryPublicAt = (await keyedData(server.url, alice, GenerationDocument, { id: gallery.generationId })).generation!.createdAt;
    await importAs(alice, GALLERY);

    bobStarted = new Date().toISOString();
    // Bob's use of the shared text is a queued job: uses count when a job is queued, not when it finishes.
    bobsGeneration = (await keyedData(server.url, bob, GenerateDocument, { input: { prompt: SHARED, steps: 1, width: 64, height: 64 } })).generate.id;
    await importAs(bob, BOBS);
    await importAs(bob, BOBS);
    const mine = await searched(bob, 'MINE');
    sharedId = mine.find((p) => p.text === SHARED)!.id;
    bobsId = mine.find((p) => p.text === BOBS)!.id;
  });
  after(async () => server?.close());

  test('each user sees their own count in search, suggestions and Image.prompt; the admin sees everyone\'s', async () => {
    assert.deepEqual(counts(await shared(bob)), { search: 1, suggested: 1, ofImage: undefined }, 'bob: his queued job has no image yet');
    assert.deepEqual(counts(await shared(alice)), { search: 3, suggested: 3, ofImage: 3 });
    assert.deepEqual(counts(await shared(admin)), { search: 4, suggested: 4, ofImage: 4 });
    // Every scope shows a user the same own numbers: the gallery's images of the shared prompt are alice's.
    for (const scope of ['PUBLIC', 'ALL'] as const) {
      assert.deepEqual(counts(await shared(bob, scope)), { search: 1, suggested: 1, ofImage: 1 }, `bob, ${scope}`);
      assert.deepEqual(counts(await shared(admin, scope)), { search: 4, suggested: 4, ofImage: 4 }, `admin, ${scope}`);
    }
  });

  test("the dates are the viewer's own uses too", async () => {
    const bobs = (await shared(bob, 'ALL')).search!;
    const alices = (await shared(alice)).search!;
    const admins = (await shared(admin)).search!;
    assert.ok(bobs.createdAt >= bobStarted && bobs.lastUsedAt >= bobStarted, `bob's first and last use are his job: ${JSON.stringify(bobs)}`);
    assert.ok(alices.createdAt < bobStarted && alices.lastUsedAt < bobStarted, `alice's uses were all before bob's: ${JSON.stringify(alices)}`);
    assert.equal(admins.createdAt, alices.createdAt, "the admin: alice's first use");
    assert.ok(admins.lastUsedAt >= bobStarted, "the admin: bob's last use");
  });

  test('a gallery prompt bob never used counts 0 for him, dated by its public generation only', async () => {
    for (const scope of ['PUBLIC', 'ALL'] as const) {
      const gallery = (await searched(bob, scope)).find((p) => p.text === GALLERY);
      assert.ok(gallery, `bob finds alice's public prompt in ${scope}`);
      assert.deepEqual({ useCount: gallery.useCount, createdAt: gallery.createdAt, lastUsedAt: gallery.lastUsedAt }, { useCount: 0, createdAt: galleryPublicAt, lastUsedAt: galleryPublicAt }, scope);
    }
    assert.equal((await searched(bob, 'MINE')).find((p) => p.text === GALLERY), undefined);
    assert.equal((await searched(alice, 'PUBLIC')).find((p) => p.text === GALLERY)?.useCount, 2, 'alice counts her private use too');
  });

  test('similarPrompts shows the same numbers', async () => {
    const similar = async (key: string, promptId: string, scope: Scope) =>
      (await keyedData(server.url, key, PromptStatsSimilarDocument, { promptId, filter: { scope } })).similarPrompts.edges.map((e) => e.node);
    assert.equal((await similar(bob, bobsId, 'MINE')).find((p) => p.text === SHARED)?.useCount, 1);
    assert.equal((await similar(bob, bobsId, 'ALL')).find((p) => p.text === SHARED)?.useCount, 1);
    assert.equal((await similar(alice, sharedId, 'PUBLIC')).find((p) => p.text === GALLERY)?.useCount, 2);
    assert.equal((await similar(admin, bobsId, 'MINE')).find((p) => p.text === SHARED)?.useCount, 4);
  });

  test('MOST_USED ranks by the counts the viewer is shown', async () => {
    const ranked = async (key: string, scope: Scope) => (await searched(key, scope, 'MOST_USED')).map((p) => [p.text, p.useCount]);
    assert.deepEqual(await ranked(bob, 'MINE'), [[BOBS, 2], [SHARED, 1]]);
    assert.deepEqual(await ranked(bob, 'ALL'), [[BOBS, 2], [SHARED, 1], [GALLERY, 0]]);
    const admins = await ranked(admin, 'MINE');
    assert.deepEqual(admins[0], [SHARED, 4], 'the admin: everyone\'s uses, so the shared text comes first');
    assert.deepEqual(admins.slice(1).sort(), [[BOBS, 2], [GALLERY, 2]].sort());
    const suggested = (await keyedData(server.url, bob, PromptStatsSuggestionsDocument, { prefix: 'a', scope: 'MINE' })).promptSuggestions;
    assert.deepEqual(suggested.map((p) => [p.text, p.useCount]), [[BOBS, 2], [SHARED, 1]], 'suggestions: most used first, by his counts');
  });

  test("deleting bob's generation takes his use back: 0 for him, the prompt out of his library, 3 for the admin", async () => {
    await keyedData(server.url, bob, CancelGenerationDocument, { id: bobsGeneration });
    await keyedData(server.url, bob, DeleteGenerationDocument, { id: bobsGeneration });
    assert.equal((await searched(bob, 'MINE')).find((p) => p.text === SHARED), undefined);
    const suggested = (await keyedData(server.url, bob, PromptStatsSuggestionsDocument, { prefix: 'a little green', scope: 'MINE' })).promptSuggestions;
    assert.equal(suggested.find((p) => p.text === SHARED), undefined);
    // Still in the gallery (alice's public use), where bob's count is now 0.
    assert.equal((await searched(bob, 'PUBLIC')).find((p) => p.text === SHARED)?.useCount, 0);
    assert.equal((await shared(alice)).search?.useCount, 3);
    assert.equal((await shared(admin)).search?.useCount, 3);
  });
});
