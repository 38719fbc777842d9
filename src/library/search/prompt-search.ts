/**
 * Searching the prompt library the way people search Lexica: by words, typo-tolerantly, by meaning, or all
 * at once (see matching.ts), narrowed by the shared filters and sorted by relevance, age or use.
 * The same SQL runs on PGlite and PostgreSQL.
 */
import { Prisma } from '../db/generated/client.js';
import { allOf, promptFilters, type LibraryFilters } from './filters.js';
import type { PromptMatch, SearchMode } from './matching.js';
import { searchPage, withSearchSettings, type SearchPage } from './page.js';
import { RankedSearch, type LibraryQuery, type LibrarySort } from './ranked-search.js';
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
    const { key, byRelevance } = this.sortKey(query, match, Prisma.sql`s."createdAt"`);
    const ranked = match?.ranked ?? Prisma.sql`SELECT p.id, NULL::float8 AS score FROM "Prompt" p`;
    const hits = Prisma.sql`
      SELECT p.id, p.text, s."useCount", s."createdAt", s."lastUsedAt", c.score, ${key} AS sort_key
      FROM (${ranked}) c JOIN "Prompt" p ON p.id = c.id ${promptStatsJoin(query.access?.viewer)}
      WHERE ${allOf([...promptFilters(query), ...(match?.conditions ?? [])])}`;
    const page = await searchPage<PromptHit & { sort_key: number | null }>(this.prisma, hits, first, after, match?.settings);
    for (const item of page.items) item.hit.score = byRelevance ? Number(item.hit.score) : null;
    return page;
  }

  /** Whether the prompt is in the access's scope. */
  async visible(promptId: string, access: Access): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`SELECT 1 FROM "Prompt" p WHERE p.id = ${promptId} AND ${scopedPromptSql(access)}`;
    return rows.length > 0;
  }

  /**
   * For the prompt box: prompts starting with what was typed first (most used first), then prompts containing
   * a word close to it (so a typo still suggests something).
   */
  async suggestions(prefix: string, first: number, access?: Access): Promise<PromptHit[]> {
    const typed = prefix.trim().replace(/\s+/g, ' ').toLowerCase();
    if (typed === '') return [];
    const pattern = `${escapeLike(typed)}%`;
    return withSearchSettings(this.prisma, [], (tx) => tx.$queryRaw<PromptHit[]>`
      SELECT p.id, p.text, s."useCount", s."createdAt", s."lastUsedAt", word_similarity(${typed}, p.normalized)::float8 AS score
      FROM "Prompt" p ${promptStatsJoin(access?.viewer)}
      WHERE (p.normalized LIKE ${pattern} OR ${typed} <% p.normalized) AND ${access ? scopedPromptSql(access) : Prisma.sql`TRUE`}
      ORDER BY (p.normalized LIKE ${pattern}) DESC, word_similarity(${typed}, p.normalized) DESC, s."useCount" DESC, p.id
      LIMIT ${first}`);
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
