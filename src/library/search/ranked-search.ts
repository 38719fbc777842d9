/**
 * What prompt and image search share: a query or a "more like this" becomes a PromptMatch (see matching.ts),
 * and each kind of search turns a match into its own page of hits.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import type { LibraryFilters } from './filters.js';
import { PromptMatcher, type PromptMatch, type SearchMode } from './matching.js';
import type { SearchPage } from './page.js';

export type LibrarySort = 'RELEVANCE' | 'NEWEST' | 'MOST_USED';

export interface LibraryQuery extends LibraryFilters {
  /** Free text; empty or absent lists everything (then RELEVANCE sorts as NEWEST). */
  text?: string;
  mode?: SearchMode;
  sort?: LibrarySort;
}

export abstract class RankedSearch<Hit> {
  constructor(
    protected readonly prisma: PrismaClient,
    protected readonly matcher: PromptMatcher = new PromptMatcher(prisma),
  ) {}

  async search(query: LibraryQuery, first: number, after?: string): Promise<SearchPage<Hit>> {
    const match = await this.matcher.match(query.text ?? '', query.mode ?? 'HYBRID');
    return this.page(match, query, first, after);
  }

  /** Hits whose prompts are nearest in meaning to this prompt, most similar first; `exclude` leaves the original out. */
  protected async similarToPrompt(promptId: string, exclude: Prisma.Sql, filters: LibraryFilters, first: number, after?: string): Promise<SearchPage<Hit> | null> {
    const match = await this.matcher.similarTo(promptId);
    if (!match) return null;
    return this.page({ ...match, conditions: [exclude] }, { ...filters, sort: 'RELEVANCE' }, first, after);
  }

  /**
   * The page's sort_key: relevance where there is a match to rank by, else the viewer's use count of the prompt
   * (`s`, see promptStatsJoin in access.ts) or `createdAt` (newest first).
   */
  protected sortKey(query: LibraryQuery, match: PromptMatch | null, createdAt: Prisma.Sql): { key: Prisma.Sql; byRelevance: boolean } {
    const sort = query.sort ?? 'RELEVANCE';
    const byRelevance = sort === 'RELEVANCE' && match !== null;
    const key = byRelevance ? Prisma.sql`c.score` : sort === 'MOST_USED' ? Prisma.sql`s."useCount"::float8` : Prisma.sql`extract(epoch from ${createdAt})::float8`;
    return { key, byRelevance };
  }

  /** One page of the hits of `match` (everything when null), narrowed by the query's filters. */
  protected abstract page(match: PromptMatch | null, query: LibraryQuery, first: number, after?: string): Promise<SearchPage<Hit>>;
}
