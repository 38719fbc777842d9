/**
 * Runs a ranked search query and cuts one page out of it: keyset pagination on (sort_key DESC, id ASC) and
 * the total count, in one statement, inside a transaction with the settings search needs.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import { decodeCursor, encodeCursor, numberPart } from '../support/cursor.js';

export interface SearchPage<T> {
  items: Array<{ hit: T; cursor: string }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/**
 * pg_trgm word similarity a prompt needs for a query word (`<%`). Its default, 0.6, misses two swapped letters
 * ("lighthuose" ~ lighthouse: 0.55); 0.5 keeps them, and one wrong or missing letter scores ~0.67.
 */
const WORD_SIMILARITY_THRESHOLD = 0.5;
/** Longest a search transaction may run. */
const SEARCH_TIMEOUT_MS = 60_000;

/**
 * `hits` yields rows with an `id` and a numeric `sort_key` (higher first); `after` is a cursor from an earlier
 * page of the same query (RangeError otherwise).
 */
export async function searchPage<Row extends { id: string; sort_key: number | null }>(
  prisma: PrismaClient,
  hits: Prisma.Sql,
  first: number,
  after: string | undefined,
  settings: Prisma.Sql[] = [],
): Promise<SearchPage<Omit<Row, 'sort_key'>>> {
  const position = after === undefined ? undefined : decodeCursor(after, { key: numberPart, message: 'malformed search cursor' });
  const keyset = position ? Prisma.sql`(sort_key < ${position.key} OR (sort_key = ${position.key} AND id > ${position.id}))` : Prisma.sql`TRUE`;
  // One statement: the hits are computed once (a CTE used twice is materialised) for the page and the count;
  // the LEFT JOIN keeps the count when the page is empty.
  const rows = await withSearchSettings(prisma, settings, (tx) =>
    tx.$queryRaw<Array<Row & { total: number }>>`
      WITH hits AS (${hits}), total AS (SELECT count(*)::int AS total FROM hits)
      SELECT page.*, total.total FROM total LEFT JOIN LATERAL (
        SELECT * FROM hits WHERE ${keyset} ORDER BY sort_key DESC, id ASC LIMIT ${first + 1}
      ) page ON TRUE`,
  );
  const totalCount = rows[0]?.total ?? 0;
  const found = rows.filter((row) => row.id !== null);
  const items = found.slice(0, first).map(({ sort_key, total: _total, ...hit }) => ({
    hit: hit as unknown as Omit<Row, 'sort_key'>,
    cursor: encodeCursor(Number(sort_key), hit.id),
  }));
  return { items, hasNextPage: found.length > first, endCursor: items.at(-1)?.cursor ?? null, totalCount };
}

/**
 * Runs `work` in a transaction with our word-similarity threshold, and without sequential scans: the planner
 * does not know that word_similarity is expensive (~15 us a row on PGlite), so at a few percent selectivity it
 * would compute it for every row instead of rechecking the trigram index's candidates (5x slower measured on
 * 20,000 prompts). set_config(..., true) lasts until the end of the transaction.
 */
export function withSearchSettings<T>(prisma: PrismaClient, settings: Prisma.Sql[], work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(WORD_SIMILARITY_THRESHOLD)}, true), set_config('enable_seqscan', 'off', true)`;
      for (const setting of settings) await tx.$queryRaw(setting);
      return work(tx);
    },
    // Prisma's default of 5 s would turn a slow search into an error: semantic search without pgvector
    // compares every embedding (9 s on a million prompts, see BENCHMARKS.md).
    { timeout: SEARCH_TIMEOUT_MS },
  );
}
