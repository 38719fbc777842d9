/**
 * Top-k search on a library where one word is in more prompts than a list ranks (CANDIDATES), on PGlite and
 * PostgreSQL: the pages are the best-scored of that word's most used (NEWEST: newest) prompts, page after
 * page without repeats or gaps, the count says it is an estimate and is near the real number; a rarer word
 * is ranked whole and counted exactly.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { HYBRID_SEARCH_CANDIDATES, PromptSearch, SEARCH_CANDIDATES, type Database, type LibraryQuery } from '../../src/library/index.js';
import { suiteBackend } from './pg-test-database.js';

/** "lantern" in 3 of every 4 prompts, "moth" in 1 of every 40. */
const PROMPTS = 1200;
const LANTERNS = PROMPTS * 0.75;

for (const backend of ['PGlite', 'PostgreSQL'] as const) {
  describe(`top-k search on ${backend}`, () => {
    let prisma: Database['prisma'];
    let search: PromptSearch;
    const it = suiteBackend(backend, {
      opened: async (db) => {
        prisma = db.prisma;
        search = new PromptSearch(prisma);
        await prisma.$executeRaw`
          INSERT INTO "Prompt" (id, text, normalized, "useCount", "createdAt", "lastUsedAt")
          SELECT 'p' || lpad(i::text, 4, '0'), t, t, (i * 7919) % 997, timestamp '2026-01-01' + i * interval '1 minute', timestamp '2026-01-01'
          FROM generate_series(0, ${PROMPTS - 1}) AS i,
               LATERAL (SELECT CASE WHEN i % 4 = 3 THEN 'a quiet harbour' ELSE 'a paper lantern' END
                 || CASE WHEN i % 40 = 0 THEN ', a moth' ELSE '' END || ' number ' || i AS t) text`;
        await prisma.$executeRawUnsafe('ANALYZE "Prompt"');
      },
      reset: async () => {},
    });
    const everyPage = async (query: LibraryQuery) => {
      const ids: string[] = [];
      let after: string | undefined;
      let first;
      do {
        const page = await search.search(query, 100, after);
        first ??= page;
        ids.push(...page.items.map((item) => item.hit.id));
        after = page.hasNextPage ? page.endCursor! : undefined;
      } while (after);
      return { ids, first: first! };
    };
    /** The ids of the `count` lantern prompts first in this order, as SQL sees them. */
    const lanterns = async (order: 'useCount' | 'createdAt', count: number) =>
      (
        await prisma.$queryRawUnsafe<Array<{ id: string }>>(
          `SELECT id FROM "Prompt" WHERE text LIKE '%lantern%' ORDER BY "${order}" DESC, id LIMIT ${count}`,
        )
      ).map((row) => row.id);

    it('a word in more prompts than a list ranks: its most used, page after page, and an estimated count', async () => {
      assert.ok(LANTERNS > SEARCH_CANDIDATES);
      for (const mode of ['WORDS', 'FUZZY', 'HYBRID'] as const) {
        const { ids, first } = await everyPage({ text: 'lantern', mode });
        assert.equal(new Set(ids).size, ids.length, `${mode}: no repeats`);
        // A hybrid search ranks fewer of each of its word lists (both hold the same prompts here).
        const ranked = mode === 'HYBRID' ? HYBRID_SEARCH_CANDIDATES : SEARCH_CANDIDATES;
        assert.deepEqual([...ids].sort(), (await lanterns('useCount', ranked)).sort(), `${mode}: the most used lantern prompts`);
        assert.equal(first.totalCountIsExact, false, mode);
        // The planner's estimate from the column statistics: near the real number, never below what was ranked.
        assert.ok(first.totalCount >= ranked && Math.abs(first.totalCount - LANTERNS) < LANTERNS * 0.5, `${mode}: ${first.totalCount}`);
      }
      // NEWEST takes the newest matches, in order.
      const newest = await everyPage({ text: 'lantern', mode: 'WORDS', sort: 'NEWEST' });
      assert.deepEqual(newest.ids, await lanterns('createdAt', SEARCH_CANDIDATES));
    });

    it('a rarer word is ranked whole and counted exactly', async () => {
      const { ids, first } = await everyPage({ text: 'moth', mode: 'WORDS' });
      assert.equal(ids.length, PROMPTS / 40);
      assert.equal(first.totalCount, PROMPTS / 40);
      assert.equal(first.totalCountIsExact, true);
      // Filters narrow the candidates before they are cut, not after: a rare filter still finds all its prompts.
      const late = await everyPage({ text: 'lantern', mode: 'WORDS', createdAfter: new Date(Date.UTC(2026, 0, 1, 19, 0)) });
      assert.deepEqual([...late.ids].sort(), (await prisma.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "Prompt" WHERE text LIKE '%lantern%' AND "createdAt" >= timestamp '2026-01-01 19:00'`).map((row) => row.id).sort());
      assert.equal(late.first.totalCountIsExact, true);
    });
  });
}
