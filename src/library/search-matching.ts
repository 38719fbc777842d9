/**
 * Which prompts match a query, with a relevance score: by words (Postgres full text: stemming, quoted phrases,
 * -exclusions, "or", through websearch_to_tsquery over the generated `searchVector` column and its GIN index),
 * typo-tolerantly (pg_trgm's word similarity over the trigram index, the last word also as a prefix), by
 * meaning (cosine similarity of CLIP text embeddings, see SemanticIndex), or all of them merged by reciprocal
 * rank fusion. Prompt and image search both rank images by their prompt's match.
 */
import { Prisma, type PrismaClient } from './db/generated/client.js';
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
    const indexedWords = mode === 'FUZZY' || mode === 'HYBRID' ? await this.indexedWords(fuzzyWords(query.wanted)) : new Set<string>();
    return {
      ranked: matchingPrompts(query, mode, { indexedWords, semantic }),
      conditions: exclusions(query),
      settings: useSemantic ? this.semanticSettings() : [],
    };
  }

  /** The prompts nearest in meaning to a stored prompt (itself first); null when there is no such prompt. */
  async similarTo(promptId: string): Promise<PromptMatch | null> {
    if (!this.semantic) throw new SemanticSearchUnavailableError();
    await this.semantic.settled();
    if (!(await this.semantic.hasEmbedding(promptId))) {
      // Stored by another server sharing the database, or just now: embed what is missing, then look again.
      await this.semantic.catchUp();
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
  /** Query words some prompt contains as such (see PromptSearch.indexedWords). */
  indexedWords: ReadonlySet<string>;
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
  const fuzzy = fuzzyMatches(query.wanted, sources.indexedWords);
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
 * Each query word of 3+ letters is matched on its own: a word some prompt contains is looked up in the
 * full-text index; any other (a typo) against the closest stretch of each prompt through the trigram index
 * (word_similarity >= 0.5: one wrong or missing letter keeps ~0.67, "cyberpnk" ~ cyberpunk). A prompt scores
 * the mean over the query's words, so more words matched rank higher. The last word may be unfinished: a
 * prefix query (:*) catches "cyberp".
 */
function fuzzyMatches(text: string, indexedWords: ReadonlySet<string>): Prisma.Sql {
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
  const score = terms.length === 0 ? Prisma.sql`0` : Prisma.sql`(${Prisma.join(terms.map(wordScore), ' + ')}) / ${terms.length}`;
  return Prisma.sql`
    SELECT p.id, (${score})::float8 AS score
    FROM "Prompt" p
    WHERE p.id IN (${Prisma.join(candidates, ' UNION ')})`;
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
