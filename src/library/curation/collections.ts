/**
 * Collections: named, ordered sets of images (a mood board, a series). An image may be in several; deleting
 * a collection leaves its images alone, deleting an image takes it out of its collections.
 */
import { LOCAL_ACCOUNT_ID, type Viewer } from '../../accounts/viewer.js';
import { ownedRows, readableGenerations } from '../access.js';
import { Prisma, type PrismaClient } from '../db/generated/client.js';

export interface CollectionRecord {
  id: string;
  name: string;
  description: string;
  imageCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Thrown for a name another collection of the same owner has. */
export class CollectionNameTakenError extends Error {
  constructor(readonly collectionName: string) {
    super(`a collection named "${collectionName}" already exists`);
    this.name = 'CollectionNameTakenError';
  }
}

/** Thrown by reorder when the ids given are not exactly the collection's images. */
export class CollectionOrderError extends Error {}

const WITH_COUNT = { _count: { select: { items: true } } } as const;

type CollectionRow = Prisma.CollectionGetPayload<{ include: typeof WITH_COUNT }>;

export class CollectionStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Names are unique per owner. */
  async create(name: string, description: string, ownerId: string = LOCAL_ACCOUNT_ID): Promise<CollectionRecord> {
    try {
      return toRecord(await this.prisma.collection.create({ data: { name, description, ownerId }, include: WITH_COUNT }));
    } catch (error) {
      throw nameTaken(error, name);
    }
  }

  /** Null when there is no such collection the viewer may change (every method: their own; an admin: any). */
  async update(id: string, changes: { name?: string; description?: string }, viewer: Viewer): Promise<CollectionRecord | null> {
    try {
      const rows = await this.prisma.collection.updateManyAndReturn({ where: { id, ...ownedRows(viewer) }, data: changes, select: { id: true } });
      return rows.length === 0 ? null : this.get(id, viewer);
    } catch (error) {
      throw nameTaken(error, changes.name ?? '');
    }
  }

  /** Whether there was such a collection. */
  async delete(id: string, viewer: Viewer): Promise<boolean> {
    return (await this.prisma.collection.deleteMany({ where: { id, ...ownedRows(viewer) } })).count > 0;
  }

  async get(id: string, viewer: Viewer): Promise<CollectionRecord | null> {
    const row = await this.prisma.collection.findFirst({ where: { id, ...ownedRows(viewer) }, include: WITH_COUNT });
    return row ? toRecord(row) : null;
  }

  /**
   * The viewer's own collections by name (admins too: names are unique per owner only), `first` after the one
   * named `afterName`; and how many they have in all.
   */
  async list(first: number, viewer: Viewer, afterName?: string): Promise<{ items: CollectionRecord[]; hasNextPage: boolean; totalCount: number }> {
    const ownerId = viewer.accountId;
    const [rows, totalCount] = await Promise.all([
      this.prisma.collection.findMany({
        where: afterName === undefined ? { ownerId } : { ownerId, name: { gt: afterName } },
        include: WITH_COUNT,
        orderBy: { name: 'asc' },
        take: first + 1,
      }),
      this.prisma.collection.count({ where: { ownerId } }),
    ]);
    return { items: rows.slice(0, first).map(toRecord), hasNextPage: rows.length > first, totalCount };
  }

  /** Appends the images not yet in it, in the order given. Null when there is no such collection. */
  async add(id: string, imageIds: readonly string[], viewer: Viewer): Promise<CollectionRecord | null> {
    const done = await this.prisma.$transaction(async (tx) => {
      // Locks the collection row, so two concurrent appends cannot take the same positions.
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Collection" WHERE id = ${id} AND ${ownerSql(viewer)} FOR UPDATE`;
      if (locked.length === 0) return false;
      const present = new Set((await tx.collectionItem.findMany({ where: { collectionId: id }, select: { imageId: true } })).map((i) => i.imageId));
      const last = await tx.collectionItem.aggregate({ where: { collectionId: id }, _max: { position: true } });
      const fresh = [...new Set(imageIds)].filter((imageId) => !present.has(imageId));
      const start = (last._max.position ?? -1) + 1;
      await tx.collectionItem.createMany({ data: fresh.map((imageId, i) => ({ collectionId: id, imageId, position: start + i })) });
      await tx.collection.update({ where: { id }, data: { updatedAt: new Date() } });
      return true;
    });
    return done ? this.get(id, viewer) : null;
  }

  async remove(id: string, imageIds: readonly string[], viewer: Viewer): Promise<CollectionRecord | null> {
    const exists = await this.prisma.$transaction(async (tx) => {
      if ((await tx.collection.count({ where: { id, ...ownedRows(viewer) } })) === 0) return false;
      const removed = await tx.collectionItem.deleteMany({ where: { collectionId: id, imageId: { in: [...imageIds] } } });
      const updated = await tx.collection.updateMany({ where: { id }, data: removed.count > 0 ? { updatedAt: new Date() } : {} });
      return updated.count > 0;
    });
    return exists ? this.get(id, viewer) : null;
  }

  /** Sets the order: `imageIds` must be exactly the collection's images (CollectionOrderError otherwise). */
  async reorder(id: string, imageIds: readonly string[], viewer: Viewer): Promise<CollectionRecord | null> {
    const exists = await this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Collection" WHERE id = ${id} AND ${ownerSql(viewer)} FOR UPDATE`;
      if (locked.length === 0) return false;
      const present = (await tx.collectionItem.findMany({ where: { collectionId: id }, select: { imageId: true } })).map((i) => i.imageId);
      const given = new Set(imageIds);
      if (given.size !== imageIds.length || given.size !== present.length || present.some((imageId) => !given.has(imageId))) {
        throw new CollectionOrderError(`imageIds must list each of the collection's ${present.length} images exactly once`);
      }
      await tx.$executeRaw`
        UPDATE "CollectionItem" ci SET position = o.position - 1
        FROM unnest(${[...imageIds]}::text[]) WITH ORDINALITY AS o(image_id, position)
        WHERE ci."collectionId" = ${id} AND ci."imageId" = o.image_id`;
      await tx.collection.update({ where: { id }, data: { updatedAt: new Date() } });
      return true;
    });
    return exists ? this.get(id, viewer) : null;
  }

  /** The collection's image ids in order, a page at a time (offset-free: after the position of `afterImageId`). */
  async imageIds(id: string, first: number, viewer: Viewer, afterPosition?: number): Promise<Array<{ imageId: string; position: number }>> {
    return this.prisma.collectionItem.findMany({
      // Only images the viewer may read: an admin may have put another account's image in this collection.
      where: { collectionId: id, image: { generation: readableGenerations(viewer) }, ...(afterPosition === undefined ? {} : { position: { gt: afterPosition } }) },
      orderBy: { position: 'asc' },
      take: first,
      select: { imageId: true, position: true },
    });
  }
}

function ownerSql(viewer: Viewer): Prisma.Sql {
  const owned = ownedRows(viewer);
  return owned.ownerId === undefined ? Prisma.sql`TRUE` : Prisma.sql`"ownerId" = ${owned.ownerId}`;
}

function toRecord(row: CollectionRow): CollectionRecord {
  const { id, name, description, createdAt, updatedAt } = row;
  return { id, name, description, createdAt, updatedAt, imageCount: row._count.items };
}

function nameTaken(error: unknown, name: string): unknown {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' ? new CollectionNameTakenError(name) : error;
}
