/**
 * The ranked lists a text search fuses, each cut to its best candidates: top-k, not rank-everything. A word in
 * a tenth of a million prompts would otherwise mean scoring, sorting and counting a hundred thousand rows to
 * show twenty. Each word list (full text, typo-tolerant words) takes at most CANDIDATES (in a hybrid search
 * HYBRID_CANDIDATES) prompts that meet the
 * search's filters, in the order the search sorts by (RELEVANCE and MOST_USED: the most used first; NEWEST:
 * the newest), which the indexes on Prompt serve without a sort; those are then scored and fused. When a list
 * has fewer matches than that, it is ranked whole: the result is exact. When it has more, the pages hold the
 * best-scored of its first CANDIDATES most used (or newest) matches, and totalCount is an estimate (see
 * ranked-search.ts). The semantic list is an index lookup already (its SEMANTIC_CANDIDATES nearest).
 * The order is the viewer's own (`s`, promptStatsJoin): another account's uses never decide which of a user's
 * prompts are ranked. For an admin `s` is the prompt's own columns and the planner walks their index; a user's
 * own counts have none, so their lists are computed whole (exact, and slower on a large shared gallery).
 * A new kind of list (another matcher, a reranker) is a WordList here, fused in rankedLists.
 */
import { Prisma } from '../db/generated/client.js';
import { allOf } from './filters.js';
import type { LibrarySort } from './ranked-search.js';
import { allIndexed, anyOfWords, matchableWords, wordsOf, type CloseWord, type IndexedWords } from './vocabulary.js';

/**
 * Matches a word list ranks at most: 25 pages of 20. Measured at 1,000,000 prompts (BENCHMARKS.md), scoring a
 * few hundred candidates costs a few milliseconds; the whole list of a common word, hundreds.
 */
export const CANDIDATES = 500;
/**
 * Matches each word list of a hybrid search ranks: it fuses three lists, so 200 of each still give a few hundred
 * hits (about as many pages as one list of CANDIDATES), and scoring, sorting and fusing 200 rather than 500 of
 * each took a quarter to a third off the statement at 1,000,000 prompts (BENCHMARKS.md).
 */
export const HYBRID_CANDIDATES = 200;
/** RRF's constant: ranks below ~60 count about equally, so no list dominates on its top hit alone. */
const RRF_K = 60;

/** Where a list takes its candidates from: the search's own prompts, filtered, in its order. */
export interface CandidateScope {
  /** The FROM items: "Prompt" p with the viewer's statistics `s` joined (promptStatsJoin). */
  from: Prisma.Sql;
  /** Conditions on `p` and `s` every candidate meets (the filters, the scope, the exclusions). */
  where: Prisma.Sql[];
  /**
   * Conditions only a list by meaning needs checked as well: the word lists cannot find what they exclude (the
   * empty prompt of an upscaled upload has no words) and leave them out so that their walks stay index-only.
   */
  byMeaningAlso?: Prisma.Sql[];
  sort: LibrarySort;
}

/** A list of matching prompts: which prompts (a condition the full-text index serves) and their score. */
interface WordList {
  condition: Prisma.Sql;
  score: Prisma.Sql;
  /** The same prompts as `condition`, written for the planner's estimate of how many (see ranked-search.ts). */
  extent: Prisma.Sql;
}

/** The parts of a match: the semantic one is absent when semantic search is off or was not asked for. */
export interface MatchSources {
  /** What each fuzzy query word stands for (see closeWords in vocabulary.ts). */
  wordMatches: ReadonlyMap<string, CloseWord[]>;
  /** (id, score) of the nearest prompts by meaning. */
  semantic: Prisma.Sql | null;
  /** The words the full-text list asks the index for (see fullTextList); null: the whole query. */
  indexed: IndexedWords | null;
}

export interface RankedLists {
  /**
   * SQL yielding (id, score, truncated) of the candidates in `scope` (each meets its conditions), higher scores
   * better; `truncated` is true on the rows of a list that had more matches than it kept.
   */
  ranked(scope: CandidateScope): Prisma.Sql;
  /** What the word lists match, uncapped (a condition on `p`): what an estimated totalCount counts. */
  extent: Prisma.Sql | null;
}

/** The lists of a mode: WORDS the full-text list, FUZZY the typo-tolerant one, HYBRID both and the semantic one, fused. */
export function rankedLists(mode: 'WORDS' | 'FUZZY' | 'SEMANTIC' | 'HYBRID', text: string, wanted: string, sources: MatchSources): RankedLists {
  if (mode === 'SEMANTIC') {
    const nearest = sources.semantic ?? Prisma.sql`SELECT NULL::text AS id, NULL::float8 AS score WHERE FALSE`;
    return { ranked: (scope) => whole(nearest, scope), extent: null };
  }
  const words = fullTextList(text, sources.indexed);
  const fuzzy = fuzzyList(wanted, sources.wordMatches);
  if (mode === 'WORDS') return { ranked: (scope) => capped(words, scope, CANDIDATES), extent: words.extent };
  if (mode === 'FUZZY') return { ranked: (scope) => capped(fuzzy, scope, CANDIDATES), extent: fuzzy.extent };
  return {
    ranked: (scope) =>
      fused([capped(words, scope, HYBRID_CANDIDATES), capped(fuzzy, scope, HYBRID_CANDIDATES), ...(sources.semantic ? [whole(sources.semantic, scope)] : [])]),
    // The typo-tolerant list holds every prompt with any of the words: the widest of the three.
    extent: fuzzy.extent,
  };
}

/** The list's first `limit` matches in the scope's order, with their scores. */
function capped(list: WordList, scope: CandidateScope, limit: number): Prisma.Sql {
  // Plain columns (no expression) in the ORDER BY, so the planner can walk the index on them.
  const order = scope.sort === 'NEWEST' ? Prisma.sql`s."createdAt" DESC, p.id` : Prisma.sql`s."useCount" DESC, p.id`;
  // Scored after the cut: in the cut's own SELECT the score (ts_rank_cd: ~8 us a prompt measured) would be computed
  // for every match before the sort, 4,000 of them for "samurai in the rain" at 1,000,000 prompts.
  return Prisma.sql`
    SELECT p.id, (${list.score})::float8 AS score, count(*) OVER () >= ${limit} AS truncated FROM (
      SELECT p.id, p."searchVector" FROM ${scope.from}
      WHERE ${Prisma.join([list.condition, ...scope.where], ' AND ')}
      ORDER BY ${order} LIMIT ${limit}
    ) p`;
}

/**
 * The (id, score) rows of a list that is whole already (an index lookup's nearest neighbours) in the scope,
 * as ranked lists give them.
 */
export function whole(list: Prisma.Sql, scope: CandidateScope): Prisma.Sql {
  return Prisma.sql`
    SELECT l.id, l.score, FALSE AS truncated FROM ${scope.from} JOIN (${list}) l ON l.id = p.id
    WHERE ${allOf([...scope.where, ...(scope.byMeaningAlso ?? [])])}`;
}

/** Reciprocal rank fusion: each prompt scores the sum of 1 / (RRF_K + its rank) over the lists it is in. */
function fused(lists: Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`
    SELECT id, sum(1.0 / (${RRF_K} + rank))::float8 AS score, bool_or(truncated) AS truncated FROM (
      ${Prisma.join(
        lists.map((list) => Prisma.sql`SELECT id, truncated, row_number() OVER (ORDER BY score DESC, id) AS rank FROM (${list}) l`),
        ' UNION ALL ',
      )}
    ) ranked GROUP BY id`;
}

/**
 * Full text with websearch syntax (phrases, -exclusions, or), ranked by cover density. A search for all of
 * several words asks the index only for the prompts holding the rarest of them (`indexed`, chosen by
 * PromptMatcher from the vocabulary's counts), each word its own index condition (see allIndexed), and checks
 * the whole query on those unless matching them is matching it (`exact`): the index intersects posting lists
 * entry by entry, and those of words in half the library ("highly", "detailed") are hundreds of thousands
 * long (a whole pasted prompt of 8 words at 1,000,000 prompts: 33-49 ms in the index alone, against 7-9 ms for
 * its two rarest words). The check is wrapped in coalesce() so that the planner cannot hand it to the index
 * after all.
 */
function fullTextList(text: string, indexed: IndexedWords | null): WordList {
  const query = Prisma.sql`websearch_to_tsquery('english', ${text})`;
  const matches = Prisma.sql`p."searchVector" @@ ${query}`;
  const keys = indexed && indexed.words.length > 0 ? allIndexed(indexed.words.map((word) => Prisma.sql`plainto_tsquery('english', ${word})`)) : null;
  const condition = keys === null ? matches : indexed!.exact ? keys : Prisma.sql`${keys} AND coalesce(${matches}, FALSE)`;
  return { condition, extent: matches, score: Prisma.sql`ts_rank_cd(p."searchVector", ${query})` };
}

/**
 * Each query word of 3+ letters is matched on its own, through the full-text index: the word itself, or for
 * a word no prompt contains (a typo, an unfinished word) the close vocabulary words it stands for. A prompt
 * scores the mean over the query's words (1 for the word itself, the similarity of the closest word it has
 * for a typo, 0 for none), so more words matched rank higher. The last word may be unfinished: a prefix query
 * (:*) catches "cyberp" too. Any of them is one tsquery, so one index condition.
 */
function fuzzyList(text: string, wordMatches: ReadonlyMap<string, CloseWord[]>): WordList {
  const terms = matchableWords(text).map((word) => wordMatches.get(word) ?? []).filter((close) => close.length > 0);
  const anyTerm = Prisma.join([...terms.map((close) => Prisma.sql`(${anyOfWords(close.map(({ word }) => word))})`), prefixQuery(text)], ' || ');
  const termCount = matchableWords(text).length;
  const score = terms.length === 0 ? Prisma.sql`0` : Prisma.sql`(${Prisma.join(terms.map(termScore), ' + ')}) / ${termCount}`;
  const condition = Prisma.sql`p."searchVector" @@ (${anyTerm})`;
  return { condition, extent: condition, score };
}

/** A query word's score in a prompt: that of the closest of its words the prompt has (sorted best first). */
function termScore(close: CloseWord[]): Prisma.Sql {
  const cases = close.map(({ word, score }) => Prisma.sql`WHEN p."searchVector" @@ plainto_tsquery('english', ${word}) THEN ${score}::float8`);
  return Prisma.sql`CASE ${Prisma.join(cases, ' ')} ELSE 0 END`;
}

/** A tsquery matching every word of `text`, the last one as a prefix; `''` matches nothing. */
function prefixQuery(text: string): Prisma.Sql {
  const words = wordsOf(text);
  if (words.length === 0) return Prisma.sql`''::tsquery`;
  const terms = words.map((word, i) => (i === words.length - 1 ? `${word}:*` : word)).join(' & ');
  return Prisma.sql`to_tsquery('english', ${terms})`;
}
