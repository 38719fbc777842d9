/**
 * Which prompts match a query, with a relevance score: by words (Postgres full text: stemming, quoted phrases,
 * -exclusions, "or", through websearch_to_tsquery over the generated `searchVector` column and its GIN index),
 * typo-tolerantly (each word, or the library words close to it by pg_trgm word similarity, looked up in the
 * same index; the last word also as a prefix), by
 * meaning (cosine similarity of CLIP text embeddings, see SemanticIndex), or all of them merged by reciprocal
 * rank fusion. Prompt and image search both rank images by their prompt's match.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import type { SemanticIndex } from './semantic-index.js';
import { closeWords, matchableWords, rarestWords, type CloseWord, type IndexedWords } from './vocabulary.js';
import { rankedLists, whole, type CandidateScope } from './candidates.js';

export type SearchMode = 'WORDS' | 'FUZZY' | 'SEMANTIC' | 'HYBRID';

/**
 * What the semantic list contributes to a hybrid search: at most the 50 nearest prompts, and of those only
 * the ones within 0.05 cosine similarity of the nearest. Enough to surface what words miss ("big" finding
 * "large"), without a tail of loosely related prompts after every word match (CLIP embeddings of unrelated
 * prompts are still ~0.8 similar, so a fixed cut-off would depend on the encoder).
 */
const HYBRID_SEMANTIC_CANDIDATES = 50;
const HYBRID_SEMANTIC_MARGIN = 0.05;
/** A search for all of more words than this asks the full-text index for this many of them, the rarest (see fullTextList). */
const INDEXED_WORDS = 2;

/** SEMANTIC was asked for on a server without a text encoder for embeddings. */
export class SemanticSearchUnavailableError extends Error {
  constructor() {
    super('semantic search is off on this server (no text encoder for embeddings; see ATELIER_EMBEDDING_MODEL)');
    this.name = 'SemanticSearchUnavailableError';
  }
}

/** The prompts a search starts from, ranked, and conditions every prompt in the result must meet. */
export interface PromptMatch {
  /** (id, score, truncated) rows: the candidates in a search's scope (see candidates.ts). */
  ranked(scope: CandidateScope): Prisma.Sql;
  /** What the match holds beyond its candidates (a condition on `p`), for estimating totalCount; null: nothing. */
  extent: Prisma.Sql | null;
  /** WHERE conditions on the prompt `p`. */
  conditions: Prisma.Sql[];
  /** WHERE conditions on the search's hits themselves (a prompt `p`, an image `i`): "more like this" leaves its original out. */
  hitConditions?: Prisma.Sql[];
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
    // The lookups a match needs, at once: the query's embedding, the fuzzy words, the rarest words.
    const [semantic, wordMatches, indexed] = await Promise.all([
      useSemantic ? this.semanticList(query.wanted, mode) : null,
      mode === 'FUZZY' || mode === 'HYBRID' ? closeWords(this.prisma, matchableWords(query.wanted)) : new Map<string, CloseWord[]>(),
      mode === 'WORDS' || mode === 'HYBRID' ? this.indexedWords(query, mode) : null,
    ]);
    return {
      ...rankedLists(mode, query.text, query.wanted, { wordMatches, semantic, indexed }),
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
    const nearest = this.semantic.nearestToPrompt(promptId);
    return {
      ranked: (scope) => whole(nearest, scope),
      extent: null,
      conditions: [],
      settings: this.semanticSettings(),
    };
  }

  /** The nearest prompts by meaning: all SEMANTIC ranks, or the few close to the best that a hybrid search fuses. */
  private async semanticList(wanted: string, mode: SearchMode): Promise<Prisma.Sql> {
    await this.semantic!.settled();
    const vector = await this.semantic!.embedQuery(wanted);
    return mode === 'HYBRID' ? closeToBest(this.semantic!.nearestTo(vector, HYBRID_SEMANTIC_CANDIDATES)) : this.semantic!.nearestTo(vector);
  }

  /**
   * What the full-text list asks its index for (see fullTextList in candidates.ts); null: the whole query. More
   * than INDEXED_WORDS words: the rarest of them. Exactly that many: both, as separate index conditions, when a
   * hybrid search looks words up anyway (the lookup runs beside its close-word one; a search by words alone
   * would wait for it longer than the separate conditions save).
   */
  private async indexedWords(query: ParsedQuery, mode: SearchMode): Promise<IndexedWords | null> {
    const words = matchableWords(query.wanted);
    // With "or", websearch_to_tsquery's query is a disjunction: no word of it need be in every match.
    if (words.length < INDEXED_WORDS || (words.length === INDEXED_WORDS && mode !== 'HYBRID') || /(^|\s)or(\s|$)/i.test(query.wanted)) return null;
    return rarestWords(this.prisma, query.text, words, INDEXED_WORDS);
  }

  private semanticSettings(): Prisma.Sql[] {
    const setting = this.semantic?.querySettings();
    return setting ? [setting] : [];
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

/**
 * Prompt conditions every mode applies: fuzzy and semantic matching know nothing of -exclusions, so the
 * excluded words and phrases are filtered out of their results too (WORDS applies them itself already).
 */
function exclusions(query: ParsedQuery): Prisma.Sql[] {
  return query.excluded.map((term) => Prisma.sql`NOT (p."searchVector" @@ websearch_to_tsquery('english', ${term}))`);
}
