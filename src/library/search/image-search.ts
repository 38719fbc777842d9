/**
 * Searching images, the gallery view of the library: an image matches through its prompt (words, typos,
 * meaning; see matching.ts) and through its own properties (size, seed, favorite, tags, collection,
 * the generation's model and sampler). Sorted by relevance, newest first, or most used prompt.
 */
import type { StoredImage } from '../../generation/pictures.js';
import { Prisma } from '../db/generated/client.js';
import { allOf, imageFilters, promptFilters, type LibraryFilters } from './filters.js';
import type { PromptMatch } from './matching.js';
import { searchPage, type SearchPage } from './page.js';
import { RankedSearch, type LibraryQuery } from './ranked-search.js';
import type { CandidateScope } from './candidates.js';
import { seedFromDecimal } from '../stored-parameters.js';
import { promptStatsJoin, readableGenerations } from '../access.js';

/** A stored image as the gallery lists it: the row (no URL; the API builds it) with its prompt and relevance. */
export interface ImageHit extends Omit<StoredImage, 'url'> {
  promptId: string;
  createdAt: Date;
  favoritedAt: Date | null;
  /** Relevance of the image's prompt; null when not ranked by relevance. */
  score: number | null;
}

export type ImageSearchPage = SearchPage<ImageHit>;

type ImageRow = Omit<ImageHit, 'seed'> & { seed: string; sort_key: number | Date | null };

export class ImageSearch extends RankedSearch<ImageHit> {
  /** Images whose prompts are nearest in meaning to this image's prompt (itself left out); null when no such image (that the viewer may read). */
  async similar(imageId: string, filters: LibraryFilters, first: number, after?: string): Promise<ImageSearchPage | null> {
    const readable = filters.access ? readableGenerations(filters.access.viewer) : {};
    const image = await this.prisma.image.findFirst({ where: { id: imageId, generation: readable }, select: { generation: { select: { promptId: true } } } });
    if (!image) return null;
    return this.similarToPrompt(image.generation.promptId, Prisma.sql`i.id <> ${imageId}`, filters, first, after);
  }

  protected async page(match: PromptMatch | null, query: LibraryQuery, first: number, after?: string): Promise<ImageSearchPage> {
    const { key, byRelevance, byDate } = this.sortKey(query, match, Prisma.sql`i."createdAt"`);
    const stats = promptStatsJoin(query.access?.viewer);
    // The candidates are prompts one of whose images passes the filters (promptFilters says so of images too).
    const scope: CandidateScope = { from: Prisma.sql`"Prompt" p ${stats}`, where: [...promptFilters(query), ...(match?.conditions ?? [])], sort: query.sort ?? 'RELEVANCE' };
    const where = [...imageFilters(query), ...(match?.conditions ?? []), ...(match?.hitConditions ?? [])];
    // Without a text every image is a hit: start from the images rather than from every prompt.
    const source = match
      ? Prisma.sql`(${match.ranked(scope)}) c JOIN "Generation" g ON g."promptId" = c.id`
      : Prisma.sql`(SELECT NULL::float8 AS score, FALSE AS truncated) c CROSS JOIN "Generation" g`;
    const hits = Prisma.sql`
      SELECT i.id, i."generationId", g."promptId", i.index, i.seed::text AS seed, i.width, i.height, i.sha256, i.nsfw,
             i."createdAt", i."favoritedAt", c.score, c.truncated, ${key} AS sort_key
      FROM ${source} JOIN "Image" i ON i."generationId" = g.id JOIN "Prompt" p ON p.id = g."promptId" ${stats}
      WHERE ${allOf(where)}`;
    const page = searchPage<ImageRow>(this.prisma, hits, first, after, { settings: match?.settings, byDate, listing: !match }).then((found) => ({
      ...found,
      items: found.items.map(({ hit, cursor }) => ({
        hit: { ...hit, seed: seedFromDecimal({ toFixed: () => hit.seed }), score: byRelevance ? Number(hit.score) : null },
        cursor,
      })),
    }));
    // An estimate counts images: the prompts the match holds, with their images that pass the filters.
    const images = Prisma.sql`"Prompt" p ${stats} JOIN "Generation" g ON g."promptId" = p.id JOIN "Image" i ON i."generationId" = g.id`;
    return this.withEstimate(page, match, { from: images, where });
  }
}
