// Tags, favorites and collections: the mutations and queries by which users organise their own images (another
// account's image or collection id is NOT_FOUND, as a missing one is).
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CollectionNameTakenError, CollectionOrderError, decodeCursor, encodeCursor, stringPart, type CollectionRecord } from '../../library/index.js';
import type { AppContext } from '../context.js';
import { badInput, clientError, notFound } from '../errors.js';
import { toImage } from '../mappers.js';
import { Collection, CollectionChanges, CollectionConnection, CollectionImagesArgs, CollectionInput, TagCount, TaggingArgs } from '../types/collections.js';
import { connection, foreignCursor, PageArgs } from '../types/connection.js';
import { Image, ImageConnection } from '../types/image.js';
import { checkBatch, checkLength, checkPageSize, checkTagNames } from '../validate-library-input.js';

const MAX_NAME_LENGTH = 100;
const MAX_DESCRIPTION_LENGTH = 2000;

@Resolver(() => Collection)
export class LibraryCurationResolver {
  @Mutation(() => [Image], { description: 'Adds tags (case-insensitive; created as needed) to images; returns the images.' })
  async tagImages(@Args(() => TaggingArgs) tagging: TaggingArgs, @Ctx() ctx: AppContext): Promise<Image[]> {
    return this.retag(tagging, ctx, (ids, names) => ctx.labels.addTags(ids, names));
  }

  @Mutation(() => [Image], { description: 'Removes tags from images (a tag no image carries any more is deleted); returns the images.' })
  async untagImages(@Args(() => TaggingArgs) tagging: TaggingArgs, @Ctx() ctx: AppContext): Promise<Image[]> {
    return this.retag(tagging, ctx, (ids, names) => ctx.labels.removeTags(ids, names));
  }

  @Mutation(() => Image, { description: 'Marks an image a favorite, or not.' })
  async setFavorite(@Arg('imageId', () => ID) imageId: string, @Arg('favorite', () => Boolean) favorite: boolean, @Ctx() ctx: AppContext): Promise<Image> {
    await this.checkImages('imageId', [imageId], ctx);
    await ctx.labels.setFavorite(imageId, favorite);
    return (await this.imagesById([imageId], ctx))[0]!;
  }

  @Query(() => [TagCount], { description: 'Tags in use, most used first; `prefix` narrows them (for a tag picker).' })
  async tags(
    @Ctx() ctx: AppContext,
    @Arg('prefix', () => String, { defaultValue: '' }) prefix: string,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
  ): Promise<TagCount[]> {
    checkPageSize(first);
    checkLength('prefix', prefix, 64);
    return ctx.labels.listTags(prefix, first, ctx.viewer);
  }

  @Query(() => CollectionConnection, { description: 'Your collections (admins too: their own), by name.' })
  async collections(@Ctx() ctx: AppContext, @Args(() => PageArgs) { first, after }: PageArgs): Promise<CollectionConnection> {
    checkPageSize(first);
    const page = await ctx.collections.list(first, ctx.viewer, after == null ? undefined : decodeListCursor(after, NAME_CURSOR));
    return connection(page.items.map((node) => ({ node, cursor: encodeListCursor(NAME_CURSOR, node.name) })), page);
  }

  @Query(() => Collection, { nullable: true, description: 'One of your collections (an admin: any); null for any other id.' })
  async collection(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<Collection | null> {
    return ctx.collections.get(id, ctx.viewer);
  }

  @Mutation(() => Collection)
  async createCollection(@Arg('input', () => CollectionInput) input: CollectionInput, @Ctx() ctx: AppContext): Promise<Collection> {
    const name = checkName('input.name', input.name);
    checkLength('input.description', input.description, MAX_DESCRIPTION_LENGTH);
    return named('input.name', () => ctx.collections.create(name, input.description ?? '', ctx.viewer.accountId));
  }

  @Mutation(() => Collection, { description: 'Renames a collection or changes its description.' })
  async updateCollection(
    @Arg('id', () => ID) id: string,
    @Arg('changes', () => CollectionChanges) changes: CollectionChanges,
    @Ctx() ctx: AppContext,
  ): Promise<Collection> {
    const name = changes.name == null ? undefined : checkName('changes.name', changes.name);
    checkLength('changes.description', changes.description, MAX_DESCRIPTION_LENGTH);
    const updated = await named('changes.name', () =>
      ctx.collections.update(id, { ...(name !== undefined ? { name } : {}), ...(changes.description != null ? { description: changes.description } : {}) }, ctx.viewer),
    );
    return found(updated, id);
  }

  @Mutation(() => ID, { description: 'Deletes a collection (its images stay in the library); returns its id.' })
  async deleteCollection(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<string> {
    if (!(await ctx.collections.delete(id, ctx.viewer))) throw notFound('collection', id);
    return id;
  }

  @Mutation(() => Collection, { description: 'Appends images to a collection, in the order given (images already in it keep their place).' })
  async addToCollection(@Args(() => CollectionImagesArgs) { collectionId, imageIds }: CollectionImagesArgs, @Ctx() ctx: AppContext): Promise<Collection> {
    await this.checkImages('imageIds', imageIds, ctx);
    return found(await ctx.collections.add(collectionId, imageIds, ctx.viewer), collectionId);
  }

  @Mutation(() => Collection)
  async removeFromCollection(@Args(() => CollectionImagesArgs) { collectionId, imageIds }: CollectionImagesArgs, @Ctx() ctx: AppContext): Promise<Collection> {
    checkBatch('imageIds', imageIds);
    return found(await ctx.collections.remove(collectionId, imageIds, ctx.viewer), collectionId);
  }

  @Mutation(() => Collection, { description: "Sets the order of a collection: imageIds lists each of its images exactly once." })
  async reorderCollection(@Args(() => CollectionImagesArgs) { collectionId, imageIds }: CollectionImagesArgs, @Ctx() ctx: AppContext): Promise<Collection> {
    try {
      return found(await ctx.collections.reorder(collectionId, imageIds, ctx.viewer), collectionId);
    } catch (error) {
      if (error instanceof CollectionOrderError) throw badInput('imageIds', error.message);
      throw error;
    }
  }

  @FieldResolver(() => ImageConnection, { description: 'Its images in order.' })
  async images(
    @Root() collection: Collection,
    @Ctx() ctx: AppContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ImageConnection> {
    checkPageSize(first);
    const afterPosition = after == null ? undefined : decodeListCursor(after, POSITION_CURSOR);
    const entries = await ctx.collections.imageIds(collection.id, first + 1, ctx.viewer, afterPosition);
    const page = entries.slice(0, first);
    const images = await ctx.loaders.image.loadMany(page.map((entry) => entry.imageId));
    const edges = page.flatMap((entry, i) => {
      const image = images[i];
      return image && !(image instanceof Error) ? [{ node: toImage(image, ctx.urls), cursor: encodeListCursor(POSITION_CURSOR, entry.position), score: null }] : [];
    });
    return connection(edges, { hasNextPage: entries.length > first, totalCount: collection.imageCount });
  }

  private async retag({ imageIds, tags }: TaggingArgs, ctx: AppContext, change: (imageIds: string[], tags: string[]) => Promise<void>): Promise<Image[]> {
    await this.checkImages('imageIds', imageIds, ctx);
    checkTagNames('tags', tags);
    await change(imageIds, tags);
    return this.imagesById(imageIds, ctx);
  }

  /** NOT_FOUND naming every id that is not an image of the viewer's (another account's public image included). */
  private async checkImages(field: string, imageIds: string[], ctx: AppContext): Promise<void> {
    checkBatch(field, imageIds);
    const missing = await ctx.labels.missingImages(imageIds, ctx.viewer);
    if (missing.length > 0) throw clientError('NOT_FOUND', `no image has the id ${missing.map((id) => `"${id}"`).join(', ')}`, { field, ids: missing });
  }

  private async imagesById(imageIds: string[], ctx: AppContext): Promise<Image[]> {
    ctx.loaders.imageLabels.clearAll();
    const images = await ctx.loaders.image.loadMany([...new Set(imageIds)]);
    return images.flatMap((image) => (image && !(image instanceof Error) ? [toImage(image, ctx.urls)] : []));
  }
}

function checkName(field: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_NAME_LENGTH) {
    throw badInput(field, `a collection name has 1 to ${MAX_NAME_LENGTH} characters`, { min: 1, max: MAX_NAME_LENGTH });
  }
  return trimmed;
}

async function named<T>(field: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CollectionNameTakenError) throw badInput(field, error.message, { reason: 'NAME_TAKEN' });
    throw error;
  }
}

function found(collection: CollectionRecord | null, id: string): CollectionRecord {
  if (!collection) throw notFound('collection', id);
  return collection;
}

/**
 * Cursors of the lists kept here, in the library's cursor codec: the list's kind and the last value, so a
 * cursor of one list is refused by another.
 */
interface CursorKind<T> {
  kind: string;
  /** The list, as the error for a foreign cursor names it. */
  of: string;
  read(value: unknown): T | undefined;
}

const NAME_CURSOR: CursorKind<string> = { kind: 'name', of: 'collections', read: stringPart };
const POSITION_CURSOR: CursorKind<number> = {
  kind: 'position',
  of: 'this collection',
  read: (value) => (Number.isInteger(value) ? (value as number) : undefined),
};

function encodeListCursor<T extends string | number>(cursor: CursorKind<T>, value: T): string {
  return encodeCursor(cursor.kind, value);
}

function decodeListCursor<T>(after: string, cursor: CursorKind<T>): T {
  try {
    return decodeCursor(after, { key: (kind) => (kind === cursor.kind ? kind : undefined), id: cursor.read }).id;
  } catch {
    throw foreignCursor(cursor.of);
  }
}
