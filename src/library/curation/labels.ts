/**
 * Tags and favorites: what a user marks images with to find them again. Tag names are stored trimmed and
 * lower-cased, so "Portrait " and "portrait" are one tag; a tag disappears when its last image loses it.
 */
import type { PrismaClient } from '../db/generated/client.js';

export interface TagCount {
  name: string;
  imageCount: number;
}

export function normalizeTag(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export class ImageLabeller {
  constructor(private readonly prisma: PrismaClient) {}

  /** The ids among `imageIds` that name no image. */
  async missingImages(imageIds: readonly string[]): Promise<string[]> {
    const found = await this.prisma.image.findMany({ where: { id: { in: [...imageIds] } }, select: { id: true } });
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

  /** Tags in use, most used first; `prefix` narrows them (for a tag picker). */
  async listTags(prefix: string, first: number): Promise<TagCount[]> {
    const start = normalizeTag(prefix);
    const rows = await this.prisma.tag.findMany({
      where: start === '' ? {} : { name: { startsWith: start } },
      select: { name: true, _count: { select: { images: true } } },
      orderBy: [{ images: { _count: 'desc' } }, { name: 'asc' }],
      take: first,
    });
    return rows.map((row) => ({ name: row.name, imageCount: row._count.images }));
  }
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
