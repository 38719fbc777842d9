/**
 * Tags and favorites: what a user marks images with to find them again. Tag names are stored trimmed and
 * lower-cased, so "Portrait " and "portrait" are one tag; a tag disappears when its last image loses it.
 */
import { isAdmin, type Viewer } from '../../accounts/viewer.js';
import { ownedGenerations } from '../access.js';
import { Prisma, type PrismaClient } from '../db/generated/client.js';

export interface TagCount {
  name: string;
  imageCount: number;
}

export function normalizeTag(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export class ImageLabeller {
  constructor(private readonly prisma: PrismaClient) {}

  /** The ids among `imageIds` that name no image the viewer may change (their own; an admin: any). */
  async missingImages(imageIds: readonly string[], viewer: Viewer): Promise<string[]> {
    const found = await this.prisma.image.findMany({ where: { id: { in: [...imageIds] }, generation: ownedGenerations(viewer) }, select: { id: true } });
    const known = new Set(found.map((row) => row.id));
    return [...new Set(imageIds)].filter((id) => !known.has(id));
  }

  async addTags(imageIds: readonly string[], names: readonly string[]): Promise<void> {
    const tags = unique(names.map(normalizeTag));
    await this.prisma.$transaction(async (tx) => {
      for (const name of tags) {
        const tag = await tx.tag.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } });
        await tx.imageTag.createMany({ data: unique(imageIds).map((imageId) => ({ imageId, tagId: tag.id })), skipDuplicates: true });
      }
    });
  }

  async removeTags(imageIds: readonly string[], names: readonly string[]): Promise<void> {
    const tags = unique(names.map(normalizeTag));
    await this.prisma.$transaction(async (tx) => {
      await tx.imageTag.deleteMany({ where: { imageId: { in: [...imageIds] }, tag: { name: { in: tags } } } });
      await tx.tag.deleteMany({ where: { name: { in: tags }, images: { none: {} } } });
    });
  }

  /** Marks or unmarks; marking a favorite again keeps its original time. */
  async setFavorite(imageId: string, favorite: boolean): Promise<void> {
    if (favorite) {
      await this.prisma.image.updateMany({ where: { id: imageId, favoritedAt: null }, data: { favoritedAt: new Date() } });
    } else {
      await this.prisma.image.update({ where: { id: imageId }, data: { favoritedAt: null } });
    }
  }

  /**
   * Tags in use on the viewer's images (an admin: on every image), most used first; `prefix` narrows them
   * (for a tag picker). Tag rows are shared names; which images carry them is each owner's.
   */
  async listTags(prefix: string, first: number, viewer: Viewer): Promise<TagCount[]> {
    const start = normalizeTag(prefix);
    const owner = isAdmin(viewer) ? Prisma.sql`TRUE` : Prisma.sql`g."ownerId" = ${viewer.accountId}`;
    const rows = await this.prisma.$queryRaw<TagCount[]>`
      SELECT t.name, count(*)::int AS "imageCount"
      FROM "Tag" t JOIN "ImageTag" it ON it."tagId" = t.id JOIN "Image" i ON i.id = it."imageId" JOIN "Generation" g ON g.id = i."generationId"
      WHERE t.name LIKE ${`${start.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} AND ${owner}
      GROUP BY t.name ORDER BY count(*) DESC, t.name ASC LIMIT ${first}`;
    return rows;
  }
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
