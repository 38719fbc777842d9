/**
 * Which prompts match a query, with a relevance score: by words (Postgres full text: stemming, quoted phrases,
 * -exclusions, "or", through websearch_to_tsquery over the generated `searchVector` column and its GIN index),
 * typo-tolerantly (each word, or the library words close to it by pg_trgm word similarity, looked up in the
 * same index; the last word also as a prefix), by
 * meaning (cosine similarity of CLIP text embeddings, see SemanticIndex), or all of them merged by reciprocal
 * rank fusion. Prompt and image search both rank images by their prompt's match.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import { withSearchSettings } from './page.js';
import { SEMANTIC_CANDIDATES, type SemanticIndex } from './semantic-index.js';

export type SearchMode = 'WORDS' | 'FUZZY' | 'SEMANTIC' | 'HYBRID';

/** RRF's constant: ranks below ~60 count about equally, so no list dominates on its top hit alone. */
const RRF_K = 60;
/**
 * What the semantic list contributes to a hybrid search: at most the 50 nearest prompts, and of those only
 * the ones within 0.05 cosine similarity of the nearest. Enough to surface what words miss ("big" finding
 * "large"), without a tail of loosely related prompts after every word match (CLIP embeddings of unrelated
 * prompts are still ~0.8 similar, so a fixed cut-off would depend on the encoder).
 */
const HYBRID_SEMANTIC_CANDIDATES = 50;
const HYBRID_SEMANTIC_MARGIN = 0.05;
/** Vocabulary words a misspelt query word may stand for (the closest ones). */
const CLOSE_WORDS = 5;

/** A library word a query word stands for, with how close it is (1: the word itself). */
export interface CloseWord {
  word: string;
  score: number;
}

/** Fuzzy matching looks at query words of at least this many letters; shorter ones are all noise in trigrams. */
const MIN_FUZZY_WORD = 3;
/** Words too common to match fuzzily (full text drops them too): "the" would otherwise match every prompt. */
const STOPWORDS = new Set('the and for with from into onto over under are was were this that these those its his her their of in on at by to an a or'.split(' '));

/** SEMANTIC was asked for on a server without a text encoder for embeddings. */
export class SemanticSearchUnavailableError extends Error {
  constructor() {
    super('semantic search is off on this server (no text encoder for embeddings; see ATELIER_EMBEDDING_MODEL)');
    this.name = 'SemanticSearchUnavailableError';
  }
}

/** The prompts a search starts from, ranked, and conditions every prompt in the result must meet. */
export interface PromptMatch {
  /** (id, score) rows. */
  ranked: Prisma.Sql;
  /** WHERE conditions on the prompt `p`. */
  conditions: Prisma.Sql[];
  /** Settings the query needs (run first in its transaction). */
  settings: Prisma.Sql[];
}

/** Builds PromptMatch queries; shared by prompt and image search. */
export class PromptMatcher {
  constructor(
    private readonly prisma: PrismaClient,
    /** Null when semantic search is off. */
    readonly semantic: SemanticIndex | null = null,
  ) {}

  /** The prompts matching `text` in `mode`; null for an empty text (everything matches, unranked). */
  async match(text: string, mode: SearchMode): Promise<PromptMatch | null> {
    const query = parseQuery(text);
    if (query.text === '') return null;
    if (mode === 'SEMANTIC' && !this.semantic) throw new SemanticSearchUnavailableError();
    // Hybrid, the default, takes meaning matches only through pgvector's index: without it every search would
    // compare the query with every stored embedding (1 s on 100,000 prompts; see BENCHMARKS.md).
    const semanticWanted = mode === 'SEMANTIC' || (mode === 'HYBRID' && this.semantic?.usesPgvector === true);
    const useSemantic = this.semantic !== null && semanticWanted && query.wanted !== '';
    let semantic: Prisma.Sql | null = null;
    if (useSemantic) {
      await this.semantic!.settled();
      const vector = await this.semantic!.embedQuery(query.wanted);
      semantic = mode === 'HYBRID' ? closeToBest(this.semantic!.nearestTo(vector, HYBRID_SEMANTIC_CANDIDATES)) : this.semantic!.nearestTo(vector);
    }
    const wordMatches = mode === 'FUZZY' || mode === 'HYBRID' ? await this.wordMatches(fuzzyWords(query.wanted)) : new Map<string, CloseWord[]>();
    return {
      ranked: matchingPrompts(query, mode, { wordMatches, semantic }),
      conditions: exclusions(query),
      settings: useSemantic ? this.semanticSettings() : [],
    };
  }

  /** The prompts nearest in meaning to a stored prompt (itself first); null when there is no such prompt. */
  async similarTo(promptId: string): Promise<PromptMatch | null> {
    if (!this.semantic) throw new SemanticSearchUnavailableError();
    await this.semantic.settled();
    if (!(await this.semantic.hasEmbedding(promptId))) {
      // Stored by another server sharing the database, or just now: embed it, then look again.
      await this.semantic.embedNow([promptId]);
      if (!(await this.semantic.hasEmbedding(promptId))) return null;
    }
    return {
      ranked: this.semantic.nearestToPrompt(promptId),
      conditions: [],
      settings: this.semanticSettings(),
    };
  }

  private semanticSettings(): Prisma.Sql[] {
    const setting = this.semantic?.querySettings();
    return setting ? [setting] : [];
  }

  /**
   * For each query word, the library's words it stands for: itself when some prompt contains it (after
   * stemming; no typo tolerance needed, and a full-text lookup is cheap), otherwise the vocabulary words
   * (SearchWord) closest to it by pg_trgm word similarity, at least WORD_SIMILARITY_THRESHOLD (0.5: one wrong
   * or missing letter keeps ~0.67, two swapped ones ~0.55; an unfinished word is close to its completions).
   * Matching a typo against a few thousand distinct words instead of every prompt is what keeps typo search
   * fast on a million prompts (see BENCHMARKS.md).
   */
  private async wordMatches(words: string[]): Promise<Map<string, CloseWord[]>> {
    const matches = new Map<string, CloseWord[]>(words.map((word) => [word, []]));
    if (words.length === 0) return matches;
    const rows = await withSearchSettings(this.prisma, [], (tx) => tx.$queryRaw<Array<{ query: string; word: string; score: number }>>`
      SELECT q AS query, q AS word, 1::float8 AS score FROM unnest(${words}::text[]) AS q
      WHERE EXISTS (SELECT 1 FROM "Prompt" WHERE "searchVector" @@ plainto_tsquery('english', q))
      UNION ALL
      SELECT q, v.word, v.score FROM unnest(${words}::text[]) AS q, LATERAL (
        SELECT word, word_similarity(q, word)::float8 AS score FROM "SearchWord"
        WHERE q <% word AND numnode(plainto_tsquery('english', word)) > 0 -- not a stopword
        ORDER BY score DESC, word LIMIT ${CLOSE_WORDS}
      ) v
      WHERE NOT EXISTS (SELECT 1 FROM "Prompt" WHERE "searchVector" @@ plainto_tsquery('english', q))`);
    for (const row of rows) matches.get(row.query)?.push({ word: row.word, score: Number(row.score) });
    for (const close of matches.values()) close.sort((x, y) => y.score - x.score);
    return matches;
  }
}

function closeToBest(nearest: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT id, score FROM (SELECT id, score, max(score) OVER () AS best FROM (${nearest}) n) s
    WHERE score >= best - ${HYBRID_SEMANTIC_MARGIN}`;
}

/** A query split the way websearch_to_tsquery reads it: what to look for, and the -excluded words or "phrases". */
export interface ParsedQuery {
  /** The whole text, for websearch_to_tsquery. */
  text: string;
  /** The text without its exclusions or quotes: what fuzzy and semantic matching look for. */
  wanted: string;
  /** Each exclusion as websearch text (`word` or `"a phrase"`). */
  excluded: string[];
}

export function parseQuery(text: string): ParsedQuery {
  const excluded: string[] = [];
  const wanted = text
    .replace(/(^|\s)-("[^"]*"?|[^\s"]+)/g, (_, space: string, term: string) => {
      excluded.push(term.endsWith('"') || !term.startsWith('"') ? term : `${term}"`);
      return space;
    })
    .replace(/"/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { text: text.trim(), wanted, excluded };
}

/** The parts of a match: the semantic one is absent when semantic search is off or was not asked for. */
export interface MatchSources {
  /** What each fuzzy query word stands for (see PromptMatcher.wordMatches). */
  wordMatches: ReadonlyMap<string, CloseWord[]>;
  /** (id, score) of the nearest prompts by meaning. */
  semantic: Prisma.Sql | null;
}

/** SQL yielding (id, score) of the prompts matching `query`, higher scores better. */
function matchingPrompts(query: ParsedQuery, mode: SearchMode, sources: MatchSources): Prisma.Sql {
  const words = Prisma.sql`
    SELECT p.id, ts_rank_cd(p."searchVector", q)::float8 AS score
    FROM "Prompt" p, websearch_to_tsquery('english', ${query.text}) q
    WHERE p."searchVector" @@ q`;
  if (mode === 'WORDS') return words;
  const fuzzy = fuzzyMatches(query.wanted, sources.wordMatches);
  if (mode === 'FUZZY') return fuzzy;
  if (mode === 'SEMANTIC') return sources.semantic ?? Prisma.sql`SELECT NULL::text AS id, NULL::float8 AS score WHERE FALSE`;
  const lists = [words, fuzzy, ...(sources.semantic ? [sources.semantic] : [])];
  return Prisma.sql`
    SELECT id, sum(1.0 / (${RRF_K} + rank))::float8 AS score FROM (
      ${Prisma.join(
        lists.map((list) => Prisma.sql`SELECT id, row_number() OVER (ORDER BY score DESC, id) AS rank FROM (${list}) l`),
        ' UNION ALL ',
      )}
    ) ranked GROUP BY id`;
}

/**
 * Prompt conditions every mode applies: fuzzy and semantic matching know nothing of -exclusions, so the
 * excluded words and phrases are filtered out of their results too (WORDS applies them itself already).
 */
function exclusions(query: ParsedQuery): Prisma.Sql[] {
  return query.excluded.map((term) => Prisma.sql`NOT (p."searchVector" @@ websearch_to_tsquery('english', ${term}))`);
}

/**
 * Each query word of 3+ letters is matched on its own, through the full-text index: the word itself, or for
 * a word no prompt contains (a typo, an unfinished word) the close vocabulary words it stands for. A prompt
 * scores the mean over the query's words (1 for the word itself, the similarity of the closest word it has
 * for a typo, 0 for none), so more words matched rank higher. The last word may be unfinished: a prefix query
 * (:*) catches "cyberp" too.
 */
function fuzzyMatches(text: string, wordMatches: ReadonlyMap<string, CloseWord[]>): Prisma.Sql {
  const terms = fuzzyWords(text).map((word) => wordMatches.get(word) ?? []).filter((close) => close.length > 0);
  // Each term is one index scan, united: OR-ing conditions makes the planner scan the whole table instead.
  const candidates = [
    ...terms.map((close) => Prisma.sql`SELECT id FROM "Prompt" WHERE "searchVector" @@ (${anyOf(close)})`),
    Prisma.sql`SELECT id FROM "Prompt" WHERE "searchVector" @@ ${prefixQuery(text)}`,
  ];
  const termCount = fuzzyWords(text).length;
  const score = terms.length === 0 ? Prisma.sql`0` : Prisma.sql`(${Prisma.join(terms.map(termScore), ' + ')}) / ${termCount}`;
  return Prisma.sql`
    SELECT p.id, (${score})::float8 AS score
    FROM "Prompt" p
    WHERE p.id IN (${Prisma.join(candidates, ' UNION ')})`;
}

/** A query word's score in a prompt: that of the closest of its words the prompt has (sorted best first). */
function termScore(close: CloseWord[]): Prisma.Sql {
  const cases = close.map(({ word, score }) => Prisma.sql`WHEN p."searchVector" @@ plainto_tsquery('english', ${word}) THEN ${score}::float8`);
  return Prisma.sql`CASE ${Prisma.join(cases, ' ')} ELSE 0 END`;
}

/** A tsquery matching any of the words. */
function anyOf(close: CloseWord[]): Prisma.Sql {
  return Prisma.join(close.map(({ word }) => Prisma.sql`plainto_tsquery('english', ${word})`), ' || ');
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
