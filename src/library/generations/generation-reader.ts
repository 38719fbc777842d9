/** Reading generations and their images for the API, as plain records. */
import { canRead, type Viewer } from '../../accounts/viewer.js';
import { ownedGenerations, readableGenerations } from '../access.js';
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

  /**
   * Null when there is none the viewer may `read` (their own or a public one) or, for `change`, may change
   * (their own; an admin: any).
   */
  async getGeneration(id: string, viewer: Viewer, need: 'read' | 'change' = 'read'): Promise<GenerationRecord | null> {
    const allowed = need === 'read' ? readableGenerations(viewer) : ownedGenerations(viewer);
    const row = await this.prisma.generation.findFirst({ where: { id, ...allowed }, include: GENERATION_INCLUDE });
    return row ? toGenerationRecord(row) : null;
  }

  /**
   * Newest first. The cursor names the last row seen (its creation time and id), so pages stay stable
   * while new generations arrive at the front.
   */
  async listGenerations({ first, after, viewer }: { first: number; after?: string; viewer: Viewer }): Promise<GenerationPage> {
    const position = after === undefined ? undefined : decodeCursor(after, { key: datePart });
    const owned = ownedGenerations(viewer);
    const where = position
      ? { ...owned, OR: [{ createdAt: { lt: position.key } }, { createdAt: position.key, id: { lt: position.id } }] }
      : owned;
    const [rows, totalCount] = await Promise.all([
      this.prisma.generation.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: first + 1,
        include: GENERATION_INCLUDE,
      }),
      this.prisma.generation.count({ where: owned }),
    ]);
    const page = rows.slice(0, first);
    const items = page.map((row) => ({ record: toGenerationRecord(row), cursor: encodeCursor(row.createdAt.toISOString(), row.id) }));
    return { items, hasNextPage: rows.length > first, endCursor: items.at(-1)?.cursor ?? null, totalCount };
  }

  /** A generated image or an upload (see pictures.ts). */
  async getPicture(id: string, viewer: Viewer): Promise<StoredPicture | null> {
    const picture = await findStoredPicture(this.prisma, id);
    return picture && canRead(viewer, picture) ? picture : null;
  }

  /** A generated image with the generation that made it (null for an unknown id, an upload's, or one the viewer may not read). */
  async getImageWithGeneration(id: string, viewer: Viewer): Promise<{ image: ImageRecord; generation: GenerationRecord } | null> {
    const row = await this.prisma.image.findFirst({ where: { id, generation: readableGenerations(viewer) }, include: { generation: { include: GENERATION_INCLUDE } } });
    return row ? { image: toImageRecord(row), generation: toGenerationRecord(row.generation) } : null;
  }

  async getImage(id: string): Promise<ImageRecord | null> {
    const row = await this.prisma.image.findUnique({ where: { id } });
    return row ? toImageRecord(row) : null;
  }
}
