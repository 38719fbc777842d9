/**
 * Searching the prompt library the way people search Lexica: by words (Postgres full text: stemming, quoted
 * phrases, -exclusions, "or", through websearch_to_tsquery over the generated `searchVector` column and its
 * GIN index), by typo-tolerant and prefix matching (pg_trgm's word similarity over the trigram index), and by
 * both at once, merged by reciprocal rank fusion. The same SQL runs on PGlite and PostgreSQL.
 */
import { Prisma, type PrismaClient } from './db/generated/client.js';

export type PromptSearchMode = 'WORDS' | 'FUZZY' | 'HYBRID';
export type PromptSort = 'RELEVANCE' | 'NEWEST' | 'MOST_USED';

export interface PromptSearchQuery {
  /** Free text; empty or absent lists every prompt (then RELEVANCE sorts as NEWEST). */
  text?: string;
  mode?: PromptSearchMode;
  sort?: PromptSort;
  /** Only prompts used with this model / sampler, or created in this range. */
  model?: string;
  sampler?: string;
  createdAfter?: Date;
  createdBefore?: Date;
}

export interface PromptHit {
  id: string;
  text: string;
  useCount: number;
  createdAt: Date;
  lastUsedAt: Date;
  /** The relevance score (fused ranks, text rank or similarity); null when not ranked by relevance. */
  score: number | null;
}

export interface PromptSearchPage {
  items: Array<{ hit: PromptHit; cursor: string }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/** RRF's constant: ranks below ~60 count about equally, so neither list dominates on its top hit alone. */
const RRF_K = 60;
/** Fuzzy matching looks at query words of at least this many letters; shorter ones are all noise in trigrams. */
const MIN_FUZZY_WORD = 3;
/**
 * pg_trgm word similarity a prompt needs for a query word (`<%`). Its default, 0.6, misses two swapped letters
 * ("lighthuose" ~ lighthouse: 0.55); 0.5 keeps them, and one wrong or missing letter scores ~0.67.
 */
const WORD_SIMILARITY_THRESHOLD = 0.5;
/** Words too common to match fuzzily (full text drops them too): "the" would otherwise match every prompt. */
const STOPWORDS = new Set('the and for with from into onto over under are was were this that these those its his her their of in on at by to an a or'.split(' '));

export class PromptSearch {
  constructor(private readonly prisma: PrismaClient) {}

  async search(query: PromptSearchQuery, first: number, after?: string): Promise<PromptSearchPage> {
    const text = (query.text ?? '').trim();
    const sort = query.sort ?? 'RELEVANCE';
    const byRelevance = sort === 'RELEVANCE' && text !== '';
    const mode = query.mode ?? 'HYBRID';
    const known = text === '' || mode === 'WORDS' ? new Set<string>() : await this.indexedWords(fuzzyWords(text));
    const candidates = text === '' ? Prisma.sql`SELECT p.id, NULL::float8 AS score FROM "Prompt" p` : matches(text, mode, known);
    const key = byRelevance ? Prisma.sql`c.score` : sort === 'MOST_USED' ? Prisma.sql`p."useCount"::float8` : Prisma.sql`extract(epoch from p."createdAt")::float8`;
    const filtered = Prisma.sql`
      SELECT p.id, p.text, p."useCount", p."createdAt", p."lastUsedAt", c.score, ${key} AS sort_key
      FROM (${candidates}) c JOIN "Prompt" p ON p.id = c.id
      WHERE ${filters(query)}`;
    const position = after === undefined ? undefined : decodeCursor(after);
    const keyset = position ? Prisma.sql`(sort_key < ${position.key} OR (sort_key = ${position.key} AND id > ${position.id}))` : Prisma.sql`TRUE`;
    // One statement: the hits are computed once (a CTE used twice is materialised) for the page and the count;
    // the LEFT JOIN keeps the count when the page is empty.
    const rows = await this.withSearchSettings((tx) =>
      tx.$queryRaw<Array<PromptHit & { sort_key: number | null; total: number }>>`
        WITH hits AS (${filtered}), total AS (SELECT count(*)::int AS total FROM hits)
        SELECT page.*, total.total FROM total LEFT JOIN LATERAL (
          SELECT * FROM hits WHERE ${keyset} ORDER BY sort_key DESC, id ASC LIMIT ${first + 1}
        ) page ON TRUE`,
    );
    const count = rows[0]?.total ?? 0;
    const found = rows.filter((row) => row.id !== null);
    const page = found.slice(0, first);
    const items = page.map(({ sort_key, ...hit }) => ({
      hit: { ...hit, score: byRelevance ? Number(hit.score) : null },
      cursor: encodeCursor(Number(sort_key), hit.id),
    }));
    return { items, hasNextPage: found.length > first, endCursor: items.at(-1)?.cursor ?? null, totalCount: count };
  }

  /**
   * The query words some prompt contains as such (after stemming): those need no typo tolerance, and looking
   * them up in the full-text index is far cheaper than trigram candidates (a common word's trigrams also match
   * many other words, each rechecked with word_similarity).
   */
  private async indexedWords(words: string[]): Promise<Set<string>> {
    if (words.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<Array<{ word: string }>>`
      SELECT w AS word FROM unnest(${words}::text[]) AS w
      WHERE EXISTS (SELECT 1 FROM "Prompt" WHERE "searchVector" @@ plainto_tsquery('english', w))`;
    return new Set(rows.map((row) => row.word));
  }

  /**
   * Runs `work` in a transaction with our word-similarity threshold, and without sequential scans: the planner
   * does not know that word_similarity is expensive (~15 us a row on PGlite), so at a few percent selectivity it
   * would compute it for every row instead of rechecking the trigram index's candidates (5x slower measured on
   * 20,000 prompts). set_config(..., true) lasts until the end of the transaction.
   */
  private withSearchSettings<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(WORD_SIMILARITY_THRESHOLD)}, true), set_config('enable_seqscan', 'off', true)`;
      return work(tx);
    });
  }

  /**
   * For the prompt box: prompts starting with what was typed first (most used first), then prompts containing
   * a word close to it (so a typo still suggests something).
   */
  async suggestions(prefix: string, first: number): Promise<PromptHit[]> {
    const typed = prefix.trim().replace(/\s+/g, ' ').toLowerCase();
    if (typed === '') return [];
    const pattern = `${escapeLike(typed)}%`;
    return this.withSearchSettings((tx) => tx.$queryRaw<PromptHit[]>`
      SELECT p.id, p.text, p."useCount", p."createdAt", p."lastUsedAt", word_similarity(${typed}, p.normalized)::float8 AS score
      FROM "Prompt" p
      WHERE p.normalized LIKE ${pattern} OR ${typed} <% p.normalized
      ORDER BY (p.normalized LIKE ${pattern}) DESC, word_similarity(${typed}, p.normalized) DESC, p."useCount" DESC, p.id
      LIMIT ${first}`);
  }
}

/** The ids matching `text` with a relevance score, higher is better. */
function matches(text: string, mode: PromptSearchMode, indexedWords: ReadonlySet<string>): Prisma.Sql {
  const words = Prisma.sql`
    SELECT p.id, ts_rank_cd(p."searchVector", q)::float8 AS score
    FROM "Prompt" p, websearch_to_tsquery('english', ${text}) q
    WHERE p."searchVector" @@ q`;
  // Each query word of 3+ letters is matched on its own: a word some prompt contains is looked up in the
  // full-text index; any other (a typo) against the closest stretch of each prompt through the trigram index
  // (word_similarity >= 0.5: one wrong or missing letter keeps ~0.67, "cyberpnk" ~ cyberpunk). A prompt scores
  // the mean over the query's words, so more words matched rank higher. The last word may be unfinished: a
  // prefix query (:*) catches "cyberp".
  const terms = fuzzyWords(text);
  // Each way of matching is its own index scan (a UNION): OR-ing a trigram and a full-text condition makes
  // the planner scan the whole table instead.
  const candidates = [
    ...terms.map((w) =>
      indexedWords.has(w)
        ? Prisma.sql`SELECT id FROM "Prompt" WHERE "searchVector" @@ plainto_tsquery('english', ${w})`
        : Prisma.sql`SELECT id FROM "Prompt" WHERE ${w} <% normalized`,
    ),
    Prisma.sql`SELECT id FROM "Prompt" WHERE "searchVector" @@ ${prefixQuery(text)}`,
  ];
  const score =
    terms.length === 0
      ? Prisma.sql`0`
      : Prisma.sql`(${Prisma.join(terms.map(wordScore), ' + ')}) / ${terms.length}`;
  const fuzzy = Prisma.sql`
    SELECT p.id, (${score})::float8 AS score
    FROM "Prompt" p
    WHERE p.id IN (${Prisma.join(candidates, ' UNION ')})`;
  if (mode === 'WORDS') return words;
  if (mode === 'FUZZY') return fuzzy;
  return Prisma.sql`
    SELECT id, sum(1.0 / (${RRF_K} + rank))::float8 AS score FROM (
      SELECT id, row_number() OVER (ORDER BY score DESC, id) AS rank FROM (${words}) w
      UNION ALL
      SELECT id, row_number() OVER (ORDER BY score DESC, id) AS rank FROM (${fuzzy}) f
    ) ranked GROUP BY id`;
}

/**
 * How well one query word matches a prompt: 1 when the prompt has the word itself (a lexeme lookup in its
 * tsvector, far cheaper than trigrams), else its trigram word similarity. Most candidates of a common word
 * match exactly, so few need word_similarity.
 */
function wordScore(word: string): Prisma.Sql {
  return Prisma.sql`CASE WHEN p."searchVector" @@ plainto_tsquery('english', ${word}) THEN 1 ELSE word_similarity(${word}, p.normalized) END`;
}

function fuzzyWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length >= MIN_FUZZY_WORD && !STOPWORDS.has(w)))];
}

/** A tsquery matching every word of `text`, the last one as a prefix; `''` matches nothing. */
function prefixQuery(text: string): Prisma.Sql {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return Prisma.sql`''::tsquery`;
  const terms = words.map((word, i) => (i === words.length - 1 ? `${word}:*` : word)).join(' & ');
  return Prisma.sql`to_tsquery('english', ${terms})`;
}

function filters(query: PromptSearchQuery): Prisma.Sql {
  const generation: Prisma.Sql[] = [];
  if (query.model !== undefined) generation.push(Prisma.sql`g.model = ${query.model}`);
  if (query.sampler !== undefined) generation.push(Prisma.sql`g.sampler = ${query.sampler}`);
  const conditions: Prisma.Sql[] = [];
  if (generation.length > 0) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Generation" g WHERE g."promptId" = p.id AND ${Prisma.join(generation, ' AND ')})`);
  }
  if (query.createdAfter) conditions.push(Prisma.sql`p."createdAt" >= ${query.createdAfter}`);
  if (query.createdBefore) conditions.push(Prisma.sql`p."createdAt" < ${query.createdBefore}`);
  return conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The last row's sort key and id: the next page starts after it, whatever was added since. */
function encodeCursor(key: number, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

function decodeCursor(cursor: string): { key: number; id: string } {
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof key === 'number' && Number.isFinite(key) && typeof id === 'string') return { key, id };
  } catch {
    // fall through
  }
  throw new RangeError('malformed search cursor');
}
