/** Reading generations and their images for the API, as plain records. */
import type { PrismaClient } from '../db/generated/client.js';
import { datePart, decodeCursor, encodeCursor } from '../support/cursor.js';
import { findStoredPicture, type StoredPicture } from '../files/pictures.js';
import { GENERATION_INCLUDE, toGenerationRecord, toImageRecord, type GenerationRecord, type ImageRecord } from '../records.js';

export type { GenerationRecord, ImageRecord };

export interface GenerationPage {
  items: Array<{ record: GenerationRecord; cursor: string }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/**
 * Reading generations for the API. Returns plain records (seeds as bigint) so the GraphQL layer never
 * depends on Prisma's types.
 */
export class GenerationReader {
  constructor(private readonly prisma: PrismaClient) {}

  async getGeneration(id: string): Promise<GenerationRecord | null> {
    const row = await this.prisma.generation.findUnique({ where: { id }, include: GENERATION_INCLUDE });
    return row ? toGenerationRecord(row) : null;
  }

  /**
   * Newest first. The cursor names the last row seen (its creation time and id), so pages stay stable
   * while new generations arrive at the front.
   */
  async listGenerations({ first, after }: { first: number; after?: string }): Promise<GenerationPage> {
    const position = after === undefined ? undefined : decodeCursor(after, { key: datePart });
    const where = position
      ? { OR: [{ createdAt: { lt: position.key } }, { createdAt: position.key, id: { lt: position.id } }] }
      : {};
    const [rows, totalCount] = await Promise.all([
      this.prisma.generation.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: first + 1,
        include: GENERATION_INCLUDE,
      }),
      this.prisma.generation.count(),
    ]);
    const page = rows.slice(0, first);
    const items = page.map((row) => ({ record: toGenerationRecord(row), cursor: encodeCursor(row.createdAt.toISOString(), row.id) }));
    return { items, hasNextPage: rows.length > first, endCursor: items.at(-1)?.cursor ?? null, totalCount };
  }

  /** A generated image or an upload (see pictures.ts). */
  getPicture(id: string): Promise<StoredPicture | null> {
    return findStoredPicture(this.prisma, id);
  }

  /** A generated image with the generation that made it (null for an unknown id or an upload's). */
  async getImageWithGeneration(id: string): Promise<{ image: ImageRecord; generation: GenerationRecord } | null> {
    const row = await this.prisma.image.findUnique({ where: { id }, include: { generation: { include: GENERATION_INCLUDE } } });
    return row ? { image: toImageRecord(row), generation: toGenerationRecord(row.generation) } : null;
  }

  async getImage(id: string): Promise<ImageRecord | null> {
    const row = await this.prisma.image.findUnique({ where: { id } });
    return row ? toImageRecord(row) : null;
  }
}
