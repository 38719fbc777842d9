/**
 * Runs a search query and cuts one page out of it: keyset pagination on (sort_key DESC, id ASC) and the
 * total count, inside a transaction with the settings search needs.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import { datePart, decodeCursor, encodeCursor, numberPart } from '../support/cursor.js';

export interface SearchPage<T> {
  items: Array<{ hit: T; cursor: string }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
  /** False when totalCount is an estimate: a text search with more matches than it ranks (see candidates.ts). */
  totalCountIsExact: boolean;
}

/**
 * pg_trgm word similarity a prompt needs for a query word (`<%`). Its default, 0.6, misses two swapped letters
 * ("lighthuose" ~ lighthouse: 0.55); 0.5 keeps them, and one wrong or missing letter scores ~0.67.
 */
const WORD_SIMILARITY_THRESHOLD = 0.5;
/** Longest a search statement may run (semantic search without pgvector compares every embedding: 9 s at 1,000,000 prompts). */
const SEARCH_TIMEOUT_MS = 60_000;

/** How much longer than its statements a search's transaction may last (its other statements, the round trips). */
const TRANSACTION_MARGIN_MS = 5_000;
/** How long a search waits for a pooled connection when every one is busy (Prisma's default: 2 s). */
const POOL_WAIT_MS = 10_000;

/** Hits a listing counts exactly; beyond, its totalCount is the planner's estimate (totalCountIsExact false). */
export const COUNT_BOUND = 10_000;

export interface PageOptions {
  /** Settings the query needs (run first in its transaction). */
  settings?: Prisma.Sql[];
  /** The sort key is a timestamp (NEWEST), not a number. */
  byDate?: boolean;
  /**
   * The hits are a listing of everything (no text): the page is read through the sort key's index instead of
   * from the whole set, and the count stops at COUNT_BOUND.
   */
  listing?: boolean;
  /**
   * Columns read for the page's hits only (`h`, a hit; `from` joins what they come from): a ranked search's
   * hits are its few hundred candidates, and reading each one's row to show twenty costs a lookup each.
   */
  details?: { columns: Prisma.Sql; from: Prisma.Sql };
}

type KeyedRow = { id: string; sort_key: number | Date | null };

/**
 * `hits` yields rows with an `id`, a `sort_key` (higher first; a plain column, so a listing's ORDER BY can use
 * its index) and `truncated` (true on hits of a list cut to its candidates: the count is then not the whole
 * match's); `after` is a cursor from an earlier page of the same query (RangeError otherwise).
 */
export async function searchPage<Row extends KeyedRow>(
  prisma: PrismaClient,
  hits: Prisma.Sql,
  first: number,
  after: string | undefined,
  options: PageOptions = {},
): Promise<SearchPage<Omit<Row, 'sort_key'>>> {
  const key = options.byDate ? datePart : numberPart;
  const position = after === undefined ? undefined : decodeCursor<number | Date>(after, { key, message: 'malformed search cursor' });
  const at = position && (position.key instanceof Date ? Prisma.sql`(${position.key.toISOString()}::timestamptz AT TIME ZONE 'UTC')` : Prisma.sql`${position.key}`);
  const keyset = position ? Prisma.sql`(sort_key < ${at} OR (sort_key = ${at} AND id > ${position.id}))` : Prisma.sql`TRUE`;
  const { rows, total, cut } = options.listing
    ? await listingRows<Row>(prisma, options.settings ?? [], hits, keyset, first)
    : await rankedRows<Row>(prisma, options.settings ?? [], hits, keyset, first, options.details);
  const items = rows.slice(0, first).map(({ sort_key, truncated: _truncated, ...hit }) => ({
    hit: hit as unknown as Omit<Row, 'sort_key'>,
    cursor: sort_key instanceof Date ? encodeCursor(sort_key.toISOString(), hit.id) : encodeCursor(Number(sort_key), hit.id),
  }));
  let totalCount = total;
  if (options.listing && total > COUNT_BOUND) totalCount = Math.max(total, await estimatedRows(prisma, hits));
  return { items, hasNextPage: rows.length > first, endCursor: items.at(-1)?.cursor ?? null, totalCount, totalCountIsExact: !cut };
}

type Found<Row> = { rows: Array<Row & { truncated?: boolean }>; total: number; cut: boolean };

/**
 * A ranked search's page and count in one statement: its hits are a few hundred candidates at most, computed
 * once (a CTE used twice is materialised); the LEFT JOIN keeps the count when the page is empty.
 */
async function rankedRows<Row extends KeyedRow>(prisma: PrismaClient, settings: Prisma.Sql[], hits: Prisma.Sql, keyset: Prisma.Sql, first: number, details?: PageOptions['details']): Promise<Found<Row>> {
  const page = Prisma.sql`SELECT * FROM hits WHERE ${keyset} ORDER BY sort_key DESC, id ASC LIMIT ${first + 1}`;
  const [rows] = await withSearchSettings<[Array<Row & { total: number; cut: boolean; truncated: boolean }>]>(prisma, settings, [
    Prisma.sql`
    WITH hits AS (${hits}), total AS (SELECT count(*)::int AS total, coalesce(bool_or(truncated), FALSE) AS cut FROM hits)
    SELECT page.*, total.total, total.cut FROM total LEFT JOIN LATERAL (
      ${details ? Prisma.sql`SELECT h.*, ${details.columns} FROM (${page}) h ${details.from} ORDER BY h.sort_key DESC, h.id ASC` : page}
    ) page ON TRUE`,
  ]);
  const found = rows.filter((row) => row.id !== null).map(({ total: _total, cut: _cut, ...row }) => row as unknown as Row & { truncated: boolean });
  return { rows: found, total: rows[0]?.total ?? 0, cut: rows[0]?.cut ?? false };
}

/** A listing's page, read in index order, and its count up to COUNT_BOUND + 1 (cut: there are more). */
async function listingRows<Row extends KeyedRow>(prisma: PrismaClient, settings: Prisma.Sql[], hits: Prisma.Sql, keyset: Prisma.Sql, first: number): Promise<Found<Row>> {
  const [rows, [counted]] = await withSearchSettings<[Array<Row & { truncated?: boolean }>, Array<{ total: number }>]>(prisma, settings, [
    Prisma.sql`SELECT * FROM (${hits}) h WHERE ${keyset} ORDER BY sort_key DESC, id ASC LIMIT ${first + 1}`,
    Prisma.sql`SELECT count(*)::int AS total FROM (SELECT 1 FROM (${hits}) h LIMIT ${COUNT_BOUND + 1}) bounded`,
  ]);
  const total = counted?.total ?? 0;
  return { rows, total, cut: total > COUNT_BOUND };
}

/** How many rows the planner expects a query to give, from the column statistics. */
export async function estimatedRows(db: Prisma.TransactionClient | PrismaClient, query: Prisma.Sql): Promise<number> {
  const plan = await db.$queryRaw<Array<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>>`EXPLAIN (FORMAT JSON) ${query}`;
  return Math.round(plan[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
}

/**
 * Runs `queries` in one transaction, after our word-similarity threshold, the `settings` and a bound on how long
 * each may run, and without sequential scans: the planner does not know that word_similarity is expensive
 * (~15 us a row on PGlite), so at a few percent selectivity it would compute it for every row instead of
 * rechecking the trigram index's candidates (5x slower measured on 20,000 prompts). set_config(..., true) lasts
 * until the end of the transaction. A batch, not an interactive transaction: the statements go out one after
 * another with no round trip through our code between them (0.8 ms less a transaction measured at 1,000,000
 * prompts; a search runs two or three). Returns each query's rows.
 */
export async function withSearchSettings<Results extends unknown[][]>(prisma: PrismaClient, settings: Prisma.Sql[], queries: { [K in keyof Results]: Prisma.Sql }): Promise<Results> {
  const results = await prisma.$transaction(
    [
      prisma.$queryRaw`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(WORD_SIMILARITY_THRESHOLD)}, true), set_config('enable_seqscan', 'off', true), set_config('statement_timeout', ${String(SEARCH_TIMEOUT_MS)}, true)`,
      ...settings.map((setting) => prisma.$queryRaw(setting)),
      ...(queries as Prisma.Sql[]).map((query) => prisma.$queryRaw(query)),
    ],
    // Prisma's own limit on a transaction (5 s unless told) would end a search long before statement_timeout.
    { timeout: SEARCH_TIMEOUT_MS + TRANSACTION_MARGIN_MS, maxWait: POOL_WAIT_MS },
  );
  return results.slice(1 + settings.length) as Results;
}
