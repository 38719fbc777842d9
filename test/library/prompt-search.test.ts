import assert from 'node:assert/strict';
import { LOCAL_VIEWER } from '../../src/accounts/viewer.js';
import { after, before, describe, test } from 'node:test';
import { CollectionStore, ImageLabeller, ImageSearch, type Database } from '../../src/library/index.js';
import { PromptSearch, type LibraryQuery } from '../../src/library/search/prompt-search.js';
import { normalizePrompt } from '../../src/library/generations/prompts.js';
import { openBackend } from './pg-test-database.js';

/**
 * Prompt search on a small library whose right answers are known, on the embedded database and on a real
 * PostgreSQL (the same migrations and SQL): words with stemming, a quoted phrase, an exclusion, "or", a typo,
 * an unfinished word, filters and sorts, and pages that neither repeat nor skip a prompt.
 */
const LIBRARY = [
  { text: 'a cyberpunk city at night, neon lights, rain', uses: 5, model: 'sd15', sampler: 'euler' },
  { text: 'cyberpunk samurai portrait, neon glow', uses: 2, model: 'sdxl', sampler: 'dpmpp_2m' },
  { text: 'a quiet village at night under the stars', uses: 1, model: 'sd15', sampler: 'euler' },
  { text: 'portrait of an old fisherman, oil painting', uses: 7, model: 'sd15', sampler: 'dpmpp_2m' },
  { text: 'red fox running through the snow', uses: 3, model: 'sdxl', sampler: 'euler' },
  { text: 'foxes playing in a snowy forest', uses: 1, model: 'sd15', sampler: 'euler_a' },
  { text: 'a watercolor painting of a lighthouse', uses: 4, model: 'sdxl', sampler: 'euler' },
  { text: 'lighthouse on a cliff at dusk, dramatic sky', uses: 2, model: 'sd15', sampler: 'unipc' },
];

async function seed(db: Database): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const start = Date.UTC(2026, 0, 1);
  for (const [i, entry] of LIBRARY.entries()) {
    const createdAt = new Date(start + i * 86_400_000);
    const prompt = await db.prisma.prompt.create({
      data: { text: entry.text, normalized: normalizePrompt(entry.text), useCount: entry.uses, createdAt, lastUsedAt: createdAt },
    });
    // Prompt i has one image, i x 10 + 1 for its seed; the odd ones are 768 wide.
    const width = i % 2 ? 768 : 512;
    await db.prisma.generation.create({
      data: {
        promptId: prompt.id,
        ...{ model: entry.model, sampler: entry.sampler, steps: 20, guidanceScale: 7, width, height: 512, seed: i * 10 + 1, batchSize: 1 },
        status: 'COMPLETED',
        images: { create: { index: 0, seed: i * 10 + 1, width, height: 512, sha256: `sha-${i}`, path: `p${i}.png`, createdAt } },
      },
    });
    ids.set(entry.text, prompt.id);
  }
  return ids;
}

for (const backend of ['PGlite', 'PostgreSQL'] as const) {
  describe(`prompt search on ${backend}`, () => {
    let db: Database | undefined;
    let backendClose: (() => Promise<void>) | undefined;
    let search: PromptSearch;

    before(async () => {
      const opened = await openBackend(backend);
      if (!opened) return;
      ({ db, close: backendClose } = opened);
      await seed(db);
      search = new PromptSearch(db.prisma);
    });
    after(async () => {
      await backendClose?.();
    });

    const texts = async (query: LibraryQuery, first = 20) => (await search.search(query, first)).items.map((i) => i.hit.text);
    const skipUnlessReady = (t: { skip(message: string): void }) => {
      if (!db) t.skip('PostgreSQL is not reachable at ATELIER_TEST_PG_URL or 127.0.0.1:5432');
      return !db;
    };

    test('words match with stemming; a quoted phrase keeps word order; -word excludes; or widens', async (t) => {
      if (skipUnlessReady(t)) return;
      // "fox" finds "foxes" too (English stemming), and nothing else.
      assert.deepEqual(new Set(await texts({ text: 'fox', mode: 'WORDS' })), new Set(['red fox running through the snow', 'foxes playing in a snowy forest']));
      assert.deepEqual(await texts({ text: '"neon lights"', mode: 'WORDS' }), ['a cyberpunk city at night, neon lights, rain']);
      assert.deepEqual(await texts({ text: '"lights neon"', mode: 'WORDS' }), [], 'a phrase keeps its word order');
      assert.equal((await texts({ text: 'neon lights', mode: 'WORDS' })).length, 1);
      assert.deepEqual(await texts({ text: 'cyberpunk -samurai', mode: 'WORDS' }), ['a cyberpunk city at night, neon lights, rain']);
      assert.deepEqual(new Set(await texts({ text: 'samurai or fisherman', mode: 'WORDS' })), new Set(['cyberpunk samurai portrait, neon glow', 'portrait of an old fisherman, oil painting']));
    });

    test('a typo and an unfinished word still find the prompt (pg_trgm, prefix)', async (t) => {
      if (skipUnlessReady(t)) return;
      assert.deepEqual(await texts({ text: 'cyberpnk', mode: 'WORDS' }), [], 'full text alone does not forgive the typo');
      assert.deepEqual(new Set(await texts({ text: 'cyberpnk', mode: 'FUZZY' })), new Set(['a cyberpunk city at night, neon lights, rain', 'cyberpunk samurai portrait, neon glow']));
      // An unfinished word finds what it starts (ranked first) and, more weakly, words that share its start.
      assert.deepEqual(new Set((await texts({ text: 'lightho', mode: 'FUZZY' })).slice(0, 2)), new Set(['a watercolor painting of a lighthouse', 'lighthouse on a cliff at dusk, dramatic sky']));
      assert.deepEqual(await texts({ text: 'qzxv', mode: 'FUZZY' }), [], 'nothing close, nothing found');
      // Two swapped letters, and a common word that must not match everything.
      assert.deepEqual(new Set(await texts({ text: 'the lighthuose', mode: 'FUZZY' })), new Set(['a watercolor painting of a lighthouse', 'lighthouse on a cliff at dusk, dramatic sky']));
      assert.deepEqual(await texts({ text: 'watercolr lighthouse' }), ['a watercolor painting of a lighthouse', 'lighthouse on a cliff at dusk, dramatic sky']);
    });

    test('hybrid (the default) ranks prompts found both ways above those found one way', async (t) => {
      if (skipUnlessReady(t)) return;
      const hits = (await search.search({ text: 'neon cyberpunk city' }, 20)).items.map((i) => i.hit);
      assert.equal(hits[0]!.text, 'a cyberpunk city at night, neon lights, rain');
      assert.ok(hits.some((h) => h.text === 'cyberpunk samurai portrait, neon glow'));
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score! >= hits[i]!.score!, 'sorted by fused score');
    });

    test('filters by model, sampler and creation date; sorts by use and by age', async (t) => {
      if (skipUnlessReady(t)) return;
      assert.deepEqual(await texts({ text: 'lighthouse', model: 'sdxl' }), ['a watercolor painting of a lighthouse']);
      assert.deepEqual(await texts({ sampler: 'dpmpp_2m', sort: 'MOST_USED' }), ['portrait of an old fisherman, oil painting', 'cyberpunk samurai portrait, neon glow']);
      assert.deepEqual(await texts({ createdAfter: new Date(Date.UTC(2026, 0, 7)), sort: 'NEWEST' }), ['lighthouse on a cliff at dusk, dramatic sky', 'a watercolor painting of a lighthouse']);
      assert.deepEqual((await texts({ sort: 'MOST_USED' }, 3)), ['portrait of an old fisherman, oil painting', 'a cyberpunk city at night, neon lights, rain', 'a watercolor painting of a lighthouse']);
    });

    test('image filters (size, seed, tags, favorites, collection) narrow prompts and images alike', async (t) => {
      if (skipUnlessReady(t)) return;
      const images = new ImageSearch(db!.prisma);
      const imageOf = async (text: string) => (await db!.prisma.image.findFirstOrThrow({ where: { generation: { prompt: { text } } } })).id;
      const imagePrompts = async (query: LibraryQuery) =>
        Promise.all((await images.search(query, 20)).items.map(async (i) => (await db!.prisma.prompt.findUniqueOrThrow({ where: { id: i.hit.promptId } })).text));
      assert.deepEqual(new Set(await texts({ width: 768 })), new Set(LIBRARY.filter((_, i) => i % 2).map((e) => e.text)));
      assert.deepEqual(await texts({ seed: 31n }), [LIBRARY[3]!.text]);
      assert.deepEqual(await imagePrompts({ seed: 31n, width: 768 }), [LIBRARY[3]!.text]);
      assert.deepEqual(await imagePrompts({ seed: 31n, width: 512 }), []);

      const labels = new ImageLabeller(db!.prisma);
      const fox = await imageOf(LIBRARY[4]!.text);
      const foxes = await imageOf(LIBRARY[5]!.text);
      await labels.addTags([fox, foxes], ['Animals']);
      await labels.addTags([fox], ['snow']);
      assert.deepEqual(new Set(await texts({ tags: ['animals'] })), new Set([LIBRARY[4]!.text, LIBRARY[5]!.text]));
      assert.deepEqual(await imagePrompts({ tags: ['animals', 'snow'] }), [LIBRARY[4]!.text]);
      assert.deepEqual(await texts({ text: 'fox', mode: 'WORDS', tags: ['snow'] }), [LIBRARY[4]!.text]);
      await labels.setFavorite(foxes, true);
      assert.deepEqual(await imagePrompts({ favoritesOnly: true }), [LIBRARY[5]!.text]);
      assert.deepEqual(await texts({ favoritesOnly: true, text: 'lighthouse' }), []);

      const collections = new CollectionStore(db!.prisma);
      const board = await collections.create('board', '');
      await collections.add(board.id, [await imageOf(LIBRARY[0]!.text), fox], LOCAL_VIEWER);
      assert.deepEqual(new Set(await texts({ collectionId: board.id })), new Set([LIBRARY[0]!.text, LIBRARY[4]!.text]));
      assert.deepEqual(await imagePrompts({ collectionId: board.id, text: 'cyberpunk', mode: 'WORDS' }), [LIBRARY[0]!.text]);
      const sorted = await images.search({ sort: 'NEWEST' }, 2);
      assert.deepEqual(sorted.items.map((i) => i.hit.width), [768, 512], 'newest images first');
      // Image i was made on day i: a date range picks days 6 and 7.
      assert.deepEqual(new Set(await imagePrompts({ createdAfter: new Date(Date.UTC(2026, 0, 7)) })), new Set([LIBRARY[6]!.text, LIBRARY[7]!.text]));
      assert.deepEqual(await imagePrompts({ createdAfter: new Date(Date.UTC(2026, 0, 7)), createdBefore: new Date(Date.UTC(2026, 0, 8)) }), [LIBRARY[6]!.text]);
      for (const query of [{ sort: 'NEWEST' }, { sort: 'MOST_USED' }, { text: 'a night portrait lighthouse fox' }] as LibraryQuery[]) {
        const everything = (await images.search(query, 100)).items.map((i) => i.hit.id);
        const paged: string[] = [];
        let after: string | undefined;
        do {
          const page = await images.search(query, 3, after);
          assert.equal(page.totalCount, everything.length);
          paged.push(...page.items.map((i) => i.hit.id));
          after = page.hasNextPage ? page.endCursor! : undefined;
        } while (after);
        assert.deepEqual(paged, everything, `image pages of ${JSON.stringify(query)}`);
      }
    });

    test('pages follow each other without repeats or gaps, for every sort, and count the whole result', async (t) => {
      if (skipUnlessReady(t)) return;
      for (const query of [{ sort: 'NEWEST' }, { sort: 'MOST_USED' }, { text: 'a night portrait lighthouse fox' }] as LibraryQuery[]) {
        const everything = await texts(query, 100);
        const paged: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await search.search(query, 3, after);
          assert.equal(page.totalCount, everything.length);
          paged.push(...page.items.map((i) => i.hit.text));
          if (!page.hasNextPage) break;
          after = page.endCursor!;
        }
        assert.deepEqual(paged, everything, JSON.stringify(query));
      }
      await assert.rejects(search.search({}, 3, 'not-a-cursor'), RangeError);
    });

    test('suggestions complete what was typed, most used first, and forgive a typo', async (t) => {
      if (skipUnlessReady(t)) return;
      assert.deepEqual((await search.suggestions('cyberpunk s', 5)).map((s) => s.text)[0], 'cyberpunk samurai portrait, neon glow');
      assert.deepEqual((await search.suggestions('  Lighthouse', 5)).map((s) => s.text)[0], 'lighthouse on a cliff at dusk, dramatic sky');
      assert.ok((await search.suggestions('fishermn', 5)).some((s) => s.text === 'portrait of an old fisherman, oil painting'));
      assert.deepEqual(await search.suggestions('   ', 5), []);
      assert.deepEqual(await search.suggestions('100%_', 5), []);
    });
  });
}
