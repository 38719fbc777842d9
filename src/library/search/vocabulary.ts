/**
 * The library's vocabulary (SearchWord: every distinct word of every prompt, with how many prompts hold it)
 * and what searches ask of it: the words a misspelt query word may stand for, and the completions of a
 * word being typed. Both compare the typed word with the library's distinct words (tens of thousands) rather
 * than with every prompt (a million), then look the words found up in the full-text index.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import { withSearchSettings } from './page.js';

/** A library word a query word stands for, with how close it is (1: the word itself). */
export interface CloseWord {
  word: string;
  score: number;
}

/** Vocabulary words a misspelt query word may stand for (the closest ones). */
const CLOSE_WORDS = 5;
/** Fuzzy matching looks at query words of at least this many letters; shorter ones are all noise in trigrams. */
const MIN_FUZZY_WORD = 3;
/** Words too common to match fuzzily (full text drops them too): "the" would otherwise match every prompt. */
const STOPWORDS = new Set('the and for with from into onto over under are was were this that these those its his her their of in on at by to an a or'.split(' '));

/** The words of a text, lower-case, as full text splits them. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Distinct words matched one by one at the most: a long real prompt has about 30; a query of hundreds of
 * made-up words (1,000 characters) would otherwise cost a trigram lookup each, seconds in all.
 */
const MAX_MATCHED_WORDS = 40;

/** The distinct words of a query worth matching one by one: 3+ letters, no stopwords, the first MAX_MATCHED_WORDS. */
export function matchableWords(text: string): string[] {
  return [...new Set(wordsOf(text).filter((w) => w.length >= MIN_FUZZY_WORD && !STOPWORDS.has(w)))].slice(0, MAX_MATCHED_WORDS);
}

/**
 * For each query word, the library's words it stands for: itself when some prompt contains it (after
 * stemming; no typo tolerance needed), otherwise the vocabulary words closest to it by pg_trgm word
 * similarity, at least WORD_SIMILARITY_THRESHOLD (0.5: one wrong or missing letter keeps ~0.67, two swapped
 * ones ~0.55; an unfinished word is close to its completions). Best first.
 */
export async function closeWords(prisma: PrismaClient, words: string[]): Promise<Map<string, CloseWord[]>> {
  const matches = new Map<string, CloseWord[]>(words.map((word) => [word, []]));
  if (words.length === 0) return matches;
  // One part per word, the word a constant in it: the planner then knows how common it is (a lookup of
  // "detailed" in a million prompts stops at the first, one of a misspelt word asks the index).
  const parts = words.map(
    (q) => Prisma.sql`
      SELECT ${q}::text AS query, ${q}::text AS word, 1::float8 AS score WHERE ${known(q)}
      UNION ALL
      (SELECT ${q}::text, word, word_similarity(${q}, word)::float8 AS score FROM "SearchWord"
       WHERE ${q} <% word AND ${notStopword(Prisma.sql`word`)} AND NOT ${known(q)}
       ORDER BY score DESC, word LIMIT ${CLOSE_WORDS})`,
  );
  const [rows] = await withSearchSettings<[Array<{ query: string; word: string; score: number }>]>(prisma, [], [Prisma.join(parts, ' UNION ALL ')]);
  for (const row of rows) matches.get(row.query)?.push({ word: row.word, score: Number(row.score) });
  for (const close of matches.values()) close.sort((x, y) => y.score - x.score);
  return matches;
}

/**
 * SQL: some prompt holds the word, after stemming: the vocabulary has it as written (one key lookup), or has
 * another form of it ("fox" for "foxes"), found among its words with the same first two letters (stemming
 * keeps them) by comparing stems. Asked of the vocabulary, not of the prompts: a lookup of a word no prompt
 * holds in the prompts' full-text index is planned from a guessed frequency, and on a small vocabulary the
 * planner guesses high and scans every prompt (150 ms at 100,000 short prompts).
 */
function known(word: string): Prisma.Sql {
  return Prisma.sql`(CASE WHEN EXISTS (SELECT 1 FROM "SearchWord" WHERE word = ${word}) THEN TRUE
    ELSE EXISTS (SELECT 1 FROM "SearchWord" WHERE word LIKE ${startingWith(word.slice(0, 2))}
      AND to_tsvector('english', word) @@ plainto_tsquery('english', ${word})) END)`;
}

/**
 * The library words an unfinished word may become, the most used first (by how many prompts hold them); when
 * none starts with it (a typo in the word being typed), the closest words by trigrams instead.
 */
export async function completions(prisma: PrismaClient, partial: string, limit: number): Promise<string[]> {
  const pattern = startingWith(partial);
  const [rows] = await withSearchSettings<[Array<{ word: string }>]>(prisma, [], [
    Prisma.sql`
    SELECT word FROM (
    SELECT word, kind, rank FROM (
      SELECT word, 1 AS kind, prompts::float8 AS rank FROM "SearchWord" WHERE word LIKE ${pattern} AND ${notStopword(Prisma.sql`word`)}
      ORDER BY prompts DESC, word LIMIT ${limit}
    ) started
    UNION ALL
    SELECT word, kind, rank FROM (
      SELECT word, 2 AS kind, word_similarity(${partial}, word)::float8 AS rank FROM "SearchWord"
      WHERE ${partial} <% word AND ${notStopword(Prisma.sql`word`)}
        AND NOT EXISTS (SELECT 1 FROM "SearchWord" WHERE word LIKE ${pattern})
      ORDER BY rank DESC, prompts DESC, word LIMIT ${limit}
    ) close
    ) found ORDER BY kind, rank DESC, word`,
  ]);
  return rows.map((row) => row.word);
}

/** The words a full-text search asks its index for (see fullTextList in candidates.ts). */
export interface IndexedWords {
  words: string[];
  /** Whether matching all of them is matching the whole query (a plain AND of those words): nothing left to check. */
  exact: boolean;
}

/**
 * The `count` words of `words` that the fewest prompts hold (as written; a word the vocabulary lacks counts
 * as none), of those whose full-text form is one of the lexemes of the websearch query `text`. The words
 * must be ones the query asks for, not its -exclusions: the lexeme test (`@>`) does not see operators.
 * Exact when the query is only an AND (no phrase, or, not) of as many lexemes as the words give between them.
 */
export async function rarestWords(prisma: PrismaClient, text: string, words: string[], count: number): Promise<IndexedWords> {
  const rows = await prisma.$queryRaw<Array<{ word: string; nodes: number; queryNodes: number; operators: boolean }>>`
    SELECT w AS word, numnode(plainto_tsquery('english', w)) AS nodes, numnode(q.query) AS "queryNodes", q.query::text ~ '[|!<]' AS operators
    FROM unnest(${words}::text[]) AS w LEFT JOIN "SearchWord" s ON s.word = w, (SELECT websearch_to_tsquery('english', ${text}) AS query) q
    WHERE ${notStopword(Prisma.sql`w`)} AND q.query @> plainto_tsquery('english', w)
    ORDER BY coalesce(s.prompts, 0), w LIMIT ${count}`;
  // An AND of n operands has n - 1 operators: the words' nodes and the ANDs joining them make up the whole query.
  const nodes = rows.reduce((sum, row) => sum + Number(row.nodes), rows.length - 1);
  const exact = rows.length > 0 && !rows[0]!.operators && nodes === Number(rows[0]!.queryNodes);
  return { words: rows.map((row) => row.word), exact };
}

/** A LIKE pattern for text starting with `text` (its %, _ and backslashes taken literally). */
export function startingWith(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A tsquery matching any of the words (English stemming, as the prompts' search vectors). */
export function anyOfWords(words: readonly string[]): Prisma.Sql {
  return Prisma.join(words.map((word) => Prisma.sql`plainto_tsquery('english', ${word})`), ' || ');
}

/**
 * SQL: the prompt `p` matches every one of these tsqueries, each its own condition on the full-text index rather
 * than one query of them all (`a && b && c`). The GIN index then intersects them as separate scan keys, each
 * key skipping ahead to where the others are; one query of them all is checked at every entry of every list.
 * Measured at 1,000,000 prompts: three words' lists of 57,000-111,000 entries, 9.2-9.8 ms as one query, 5.8-6.2
 * as three keys; two words' 6.9-8.5 ms, 4.8-5.3.
 */
export function allIndexed(queries: readonly Prisma.Sql[]): Prisma.Sql {
  return Prisma.join(queries.map((query) => Prisma.sql`p."searchVector" @@ (${query})`), ' AND ');
}

/** SQL: the word is not an English stopword (full text would drop it: a query of it matches nothing). */
function notStopword(word: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`numnode(plainto_tsquery('english', ${word})) > 0`;
}
