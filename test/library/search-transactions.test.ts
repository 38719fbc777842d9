/**
 * A search's statements run in one transaction with the search settings (withSearchSettings): one that runs
 * longer than Prisma's own 5-second transaction limit (an exact semantic scan of a large library without
 * pgvector takes 9 s at a million prompts) still finishes, bounded by the search's statement_timeout instead.
 * Before, such a search failed with "a commit cannot be executed on an expired transaction".
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Database } from '../../src/library/index.js';
import { Prisma } from '../../src/library/db/generated/client.js';
import { withSearchSettings } from '../../src/library/search/page.js';
import { suiteBackend } from './pg-test-database.js';

for (const backend of ['PGlite', 'PostgreSQL'] as const) {
  describe(`search transactions on ${backend}`, () => {
    let prisma: Database['prisma'];
    const it = suiteBackend(backend, {
      opened: (db) => {
        prisma = db.prisma;
      },
      reset: async () => {},
    });

    it('a search statement longer than 5 seconds finishes, with the search settings in force', async () => {
      const [rows] = await withSearchSettings<[Array<{ slept: string; seqscan: string }>]>(prisma, [], [
        Prisma.sql`SELECT pg_sleep(5.5)::text AS slept, current_setting('enable_seqscan') AS seqscan`,
      ]);
      assert.deepEqual(rows, [{ slept: '', seqscan: 'off' }]);
    });
  });
}
