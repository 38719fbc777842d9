/**
 * Reads for nested GraphQL fields, one query per batch of keys (the GraphQL layer's DataLoaders call these),
 * so a page of 50 images with their generations, prompts and tags costs a handful of statements, not 150.
 * Every method returns one entry per key, in the keys' order.
 */
import { canChange, type Viewer } from '../../accounts/viewer.js';
import { promptStatsJoin } from '../access.js';
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import type { PromptHit } from '../search/prompt-search.js';
import { GENERATION_INCLUDE, toGenerationRecord, toImageRecord, type GenerationRecord, type ImageRecord } from '../records.js';

export type PromptRecord = Omit<PromptHit, 'score'>;

export interface ImageLabels {
  favoritedAt: Date | null;
  /** Tag names, alphabetically. */
  tags: string[];
}

export class LibraryBatchReader {
  constructor(private readonly prisma: PrismaClient) {}

  async generations(ids: readonly string[]): Promise<Array<GenerationRecord | null>> {
    const rows = await this.prisma.generation.findMany({ where: { id: { in: [...ids] } }, include: GENERATION_INCLUDE });
    return inKeyOrder(ids, rows.map(toGenerationRecord), (record) => record.id);
  }

  async images(ids: readonly string[]): Promise<Array<ImageRecord | null>> {
    const rows = await this.prisma.image.findMany({ where: { id: { in: [...ids] } } });
    return inKeyOrder(ids, rows.map(toImageRecord), (record) => record.id);
  }

  /** With the viewer's use count and dates (see promptStatsJoin in access.ts). */
  async prompts(ids: readonly string[], viewer: Viewer): Promise<Array<PromptRecord | null>> {
    const rows = await this.prisma.$queryRaw<PromptRecord[]>`
      SELECT p.id, p.text, s."useCount", s."createdAt", s."lastUsedAt"
      FROM "Prompt" p ${promptStatsJoin(viewer)}
      WHERE p.id = ANY(${[...ids]}::text[])`;
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  /** Tags and favorites are the image owner's: on another account's (public) image the viewer sees none. */
  async imageLabels(imageIds: readonly string[], viewer: Viewer): Promise<ImageLabels[]> {
    const rows = await this.prisma.image.findMany({
      where: { id: { in: [...imageIds] } },
      select: { id: true, favoritedAt: true, generation: { select: { ownerId: true } }, tags: { select: { tag: { select: { name: true } } } } },
    });
    const found = inKeyOrder(imageIds, rows, (row) => row.id);
    return found.map((row) => {
      const own = row !== null && canChange(viewer, row.generation.ownerId);
      return { favoritedAt: own ? row.favoritedAt : null, tags: own ? row.tags.map((t) => t.tag.name).sort() : [] };
    });
  }

  /** Each prompt's newest `first` images. */
  /** Only images the viewer may read (their own and public ones). */
  async newestImagesOfPrompts(promptIds: readonly string[], first: number, viewer: Viewer): Promise<ImageRecord[][]> {
    const readable = viewer.role === 'ADMIN' ? Prisma.sql`TRUE` : Prisma.sql`(g."ownerId" = ${viewer.accountId} OR g.visibility = 'PUBLIC')`;
    const rows = await this.prisma.$queryRaw<Array<Parameters<typeof toImageRecord>[0] & { promptId: string }>>`
      SELECT * FROM (
        SELECT i.*, g."promptId", row_number() OVER (PARTITION BY g."promptId" ORDER BY i."createdAt" DESC, i.id) AS n
        FROM "Image" i JOIN "Generation" g ON g.id = i."generationId"
        WHERE g."promptId" = ANY(${[...promptIds]}::text[]) AND ${readable}
      ) ranked WHERE n <= ${first} ORDER BY n`;
    const byPrompt = new Map<string, ImageRecord[]>(promptIds.map((id) => [id, []]));
    for (const row of rows) byPrompt.get(row.promptId)?.push(toImageRecord(row));
    return promptIds.map((id) => byPrompt.get(id)!);
  }
}

function inKeyOrder<T>(keys: readonly string[], items: T[], keyOf: (item: T) => string): Array<T | null> {
  const byKey = new Map(items.map((item) => [keyOf(item), item]));
  return keys.map((key) => byKey.get(key) ?? null);
}
