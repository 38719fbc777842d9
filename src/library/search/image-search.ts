/**
 * Searching images, the gallery view of the library: an image matches through its prompt (words, typos,
 * meaning; see search-matching.ts) and through its own properties (size, seed, favorite, tags, collection,
 * the generation's model and sampler). Sorted by relevance, newest first, or most used prompt.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import type { LibraryQuery } from './prompt-search.js';
import { allOf, imageFilters, type LibraryFilters } from './filters.js';
import { PromptMatcher, type PromptMatch } from './matching.js';
import { searchPage, type SearchPage } from './page.js';
import { seedFromDecimal } from '../stored-parameters.js';

export interface ImageHit {
  id: string;
  generationId: string;
  promptId: string;
  index: number;
  seed: bigint;
  width: number;
  height: number;
  sha256: string;
  createdAt: Date;
  favoritedAt: Date | null;
  /** Relevance of the image's prompt; null when not ranked by relevance. */
  score: number | null;
}

export type ImageSearchPage = SearchPage<ImageHit>;

type ImageRow = Omit<ImageHit, 'seed'> & { seed: string; sort_key: number | null };

export class ImageSearch {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly matcher: PromptMatcher = new PromptMatcher(prisma),
  ) {}

  async search(query: LibraryQuery, first: number, after?: string): Promise<ImageSearchPage> {
    const match = await this.matcher.match(query.text ?? '', query.mode ?? 'HYBRID');
    return this.page(match, query, first, after);
  }

  /** Images whose prompts are nearest in meaning to this image's prompt (itself left out); null when no such image. */
  async similar(imageId: string, filters: LibraryFilters, first: number, after?: string): Promise<ImageSearchPage | null> {
    const image = await this.prisma.image.findUnique({ where: { id: imageId }, select: { generation: { select: { promptId: true } } } });
    if (!image) return null;
    const match = await this.matcher.similarTo(image.generation.promptId);
    if (!match) return null;
    return this.page({ ...match, conditions: [Prisma.sql`i.id <> ${imageId}`] }, { ...filters, sort: 'RELEVANCE' }, first, after);
  }

  private async page(match: PromptMatch | null, query: LibraryQuery, first: number, after?: string): Promise<ImageSearchPage> {
    const sort = query.sort ?? 'RELEVANCE';
    const byRelevance = sort === 'RELEVANCE' && match !== null;
    const key = byRelevance ? Prisma.sql`c.score` : sort === 'MOST_USED' ? Prisma.sql`p."useCount"::float8` : Prisma.sql`extract(epoch from i."createdAt")::float8`;
    // Without a text every image is a hit: start from the images rather than from every prompt.
    const source = match
      ? Prisma.sql`(${match.ranked}) c JOIN "Generation" g ON g."promptId" = c.id`
      : Prisma.sql`(SELECT NULL::float8 AS score) c CROSS JOIN "Generation" g`;
    const hits = Prisma.sql`
      SELECT i.id, i."generationId", g."promptId", i.index, i.seed::text AS seed, i.width, i.height, i.sha256,
             i."createdAt", i."favoritedAt", c.score, ${key} AS sort_key
      FROM ${source} JOIN "Image" i ON i."generationId" = g.id JOIN "Prompt" p ON p.id = g."promptId"
      WHERE ${allOf([...imageFilters(query), ...(match?.conditions ?? [])])}`;
    const page = await searchPage<ImageRow>(this.prisma, hits, first, after, match?.settings);
    return {
      ...page,
      items: page.items.map(({ hit, cursor }) => ({
        hit: { ...hit, seed: seedFromDecimal({ toFixed: () => hit.seed }), score: byRelevance ? Number(hit.score) : null },
        cursor,
      })),
    };
  }
}
