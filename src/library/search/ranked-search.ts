/**
 * What prompt and image search share: a query or a "more like this" becomes a PromptMatch (see matching.ts),
 * and each kind of search turns a match into its own page of hits.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import type { LibraryFilters } from './filters.js';
import { PromptMatcher, type PromptMatch, type SearchMode } from './matching.js';
import { estimatedRows, type SearchPage } from './page.js';

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
    return this.page({ ...match, hitConditions: [exclude] }, { ...filters, sort: 'RELEVANCE' }, first, after);
  }

  /**
   * The page's sort_key: relevance where there is a match to rank by, else the viewer's use count of the prompt
   * (`s`, see promptStatsJoin in access.ts) or `createdAt` (newest first). Plain columns, not expressions of
   * them, so that a listing's ORDER BY walks their index.
   */
  protected sortKey(query: LibraryQuery, match: PromptMatch | null, createdAt: Prisma.Sql): { key: Prisma.Sql; byRelevance: boolean; byDate: boolean } {
    const sort = query.sort ?? 'RELEVANCE';
    const byRelevance = sort === 'RELEVANCE' && match !== null;
    const byDate = !byRelevance && sort !== 'MOST_USED';
    const key = byRelevance ? Prisma.sql`c.score` : byDate ? createdAt : Prisma.sql`s."useCount"`;
    return { key, byRelevance, byDate };
  }

  /**
   * The page's count where a list was cut to its candidates (totalCountIsExact false): what the match's word
   * lists hold, uncapped, in `counted` (a FROM with the filters), as the planner estimates it from the column
   * statistics. Counting a hundred thousand matches exactly would cost what ranking them does. The estimate
   * is never below the hits the search did rank. It is asked for while the page is read (`page`): whether a
   * list was cut is known only once it has been, and an EXPLAIN costs about a millisecond.
   */
  protected async withEstimate<T>(page: Promise<SearchPage<T>>, match: PromptMatch | null, counted: { from: Prisma.Sql; where: Prisma.Sql[] }): Promise<SearchPage<T>> {
    if (!match?.extent) return page;
    const conditions = Prisma.join([match.extent, ...counted.where], ' AND ');
    // Not in a transaction: a plan's row estimate does not depend on the search's settings.
    const estimate = estimatedRows(this.prisma, Prisma.sql`SELECT 1 FROM ${counted.from} WHERE ${conditions}`);
    const [found, estimated] = await Promise.all([page, estimate]);
    return found.totalCountIsExact ? found : { ...found, totalCount: Math.max(found.totalCount, estimated) };
  }

  /** One page of the hits of `match` (everything when null), narrowed by the query's filters. */
  protected abstract page(match: PromptMatch | null, query: LibraryQuery, first: number, after?: string): Promise<SearchPage<Hit>>;
}
