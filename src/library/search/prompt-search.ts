/**
 * Searching the prompt library the way people search Lexica: by words, typo-tolerantly, by meaning, or all
 * at once (see matching.ts), narrowed by the shared filters and sorted by relevance, age or use.
 * The same SQL runs on PGlite and PostgreSQL.
 */
import { Prisma } from '../db/generated/client.js';
import { allOf, LISTABLE_PROMPT, promptFilters, type LibraryFilters } from './filters.js';
import type { PromptMatch, SearchMode } from './matching.js';
import { searchPage, type SearchPage } from './page.js';
import { promptSuggestions } from './suggestions.js';
import { RankedSearch, type LibraryQuery, type LibrarySort } from './ranked-search.js';
import type { CandidateScope } from './candidates.js';
import { promptStatsJoin, scopedPromptSql, type Access } from '../access.js';

export type { SearchMode };
export type { LibraryQuery, LibrarySort };

/** useCount, createdAt and lastUsedAt are the viewer's numbers (see promptStatsJoin in access.ts). */
export interface PromptHit {
  id: string;
  text: string;
  useCount: number;
  createdAt: Date;
  lastUsedAt: Date;
  /** The relevance score (fused ranks, text rank, similarity); null when not ranked by relevance. */
  score: number | null;
}

export type PromptSearchPage = SearchPage<PromptHit>;

export class PromptSearch extends RankedSearch<PromptHit> {
  /** Prompts nearest in meaning to a stored one (itself left out), most similar first. */
  async similar(promptId: string, filters: LibraryFilters, first: number, after?: string): Promise<PromptSearchPage | null> {
    // The prompt must be one the viewer could find (own work or the gallery); any other id does not exist for them.
    if (filters.access && !(await this.visible(promptId, { ...filters.access, scope: 'ALL' }))) return null;
    return this.similarToPrompt(promptId, Prisma.sql`p.id <> ${promptId}`, filters, first, after);
  }

  protected async page(match: PromptMatch | null, query: LibraryQuery, first: number, after?: string): Promise<PromptSearchPage> {
    const { key, byRelevance, byDate } = this.sortKey(query, match, Prisma.sql`s."createdAt"`);
    const stats = promptStatsJoin(query.access?.viewer);
    const where = [...promptFilters(query), ...(match?.conditions ?? []), ...(match?.hitConditions ?? [])];
    const scope: CandidateScope = { from: Prisma.sql`"Prompt" p ${stats}`, where, byMeaningAlso: [LISTABLE_PROMPT], sort: query.sort ?? 'RELEVANCE' };
    const columns = Prisma.sql`p.text, s."useCount", s."createdAt", s."lastUsedAt"`;
    const details = { columns, from: Prisma.sql`JOIN "Prompt" p ON p.id = h.id ${stats}` };
    // A text search ranks its candidates (all in the scope already) and reads the prompts of its page only;
    // a listing reads every prompt, in its order's index.
    const hits = match
      ? Prisma.sql`
          SELECT c.id, c.score, c.truncated, ${key} AS sort_key
          FROM (${match.ranked(scope)}) c ${byRelevance ? Prisma.empty : Prisma.sql`JOIN "Prompt" p ON p.id = c.id ${stats}`}`
      : Prisma.sql`
          SELECT p.id, ${columns}, NULL::float8 AS score, FALSE AS truncated, ${key} AS sort_key
          FROM "Prompt" p ${stats} WHERE ${allOf([LISTABLE_PROMPT, ...where])}`;
    const page = searchPage<PromptHit & { sort_key: number | Date | null }>(this.prisma, hits, first, after, {
      settings: match?.settings,
      byDate,
      listing: !match,
      ...(match ? { details } : {}),
    }).then((found) => {
      for (const item of found.items) item.hit.score = byRelevance ? Number(item.hit.score) : null;
      return found;
    });
    return this.withEstimate(page, match, scope);
  }

  /** Whether the prompt is in the access's scope. */
  async visible(promptId: string, access: Access): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`SELECT 1 FROM "Prompt" p WHERE p.id = ${promptId} AND ${scopedPromptSql(access)}`;
    return rows.length > 0;
  }

  /** For the prompt box: see suggestions.ts. */
  suggestions(prefix: string, first: number, access?: Access): Promise<PromptHit[]> {
    return promptSuggestions(this.prisma, prefix, first, access);
  }
}
