/**
 * The selection's actions on the public API. Tags and collections take lists of images (sent in chunks the API
 * accepts); favorites and deletions are one mutation per image or generation, sent a few at a time so that a
 * large selection does not flood the server.
 */
import { AddToCollectionDocument, CreateCollectionDocument, DeleteGenerationDocument, RemoveFromCollectionDocument, SetFavoriteDocument, TagImagesDocument, UntagImagesDocument, type CollectionsQuery } from '../generated/graphql';
import { ApiError, request } from './api';

/** Ids per list mutation: well under the API's batch limit, so a request stays small. */
const CHUNK = 100;
/** Per-image mutations in flight at once. */
const CONCURRENCY = 4;

type Collection = CollectionsQuery['collections']['edges'][number]['node'];
export type ImagePatch = { id: string; tags?: string[]; favorite?: boolean };

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += CHUNK) out.push(items.slice(at, at + CHUNK));
  return out;
}

/** What a per-item action managed, and the errors of the items it did not (the API's messages). */
export interface Outcome<T> {
  done: T[];
  errors: string[];
}

/** Runs `task` over `items`, at most CONCURRENCY at a time; one item failing does not stop the others. */
export async function eachBounded<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<Outcome<R>> {
  const outcome: Outcome<R> = { done: [], errors: [] };
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        outcome.done.push(await task(item));
      } catch (failure) {
        outcome.errors.push(failure instanceof Error ? failure.message : String(failure));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane));
  return outcome;
}

export async function tag(imageIds: readonly string[], name: string, add: boolean): Promise<ImagePatch[]> {
  const patches: ImagePatch[] = [];
  for (const part of chunks(imageIds)) {
    if (add) patches.push(...(await request(TagImagesDocument, { imageIds: part, tags: [name] })).tagImages);
    else patches.push(...(await request(UntagImagesDocument, { imageIds: part, tags: [name] })).untagImages);
  }
  return patches;
}

export function favorite(imageIds: readonly string[], on: boolean): Promise<Outcome<ImagePatch>> {
  return eachBounded(imageIds, async (imageId) => (await request(SetFavoriteDocument, { imageId, favorite: on })).setFavorite);
}

/** The collection called `name` (exact name first, then ignoring case); with `create`, a new one when there is none. */
export async function collectionNamed(name: string, collections: readonly Collection[], create: boolean): Promise<Collection> {
  const found = collections.find((each) => each.name === name) ?? collections.find((each) => each.name.toLowerCase() === name.toLowerCase());
  if (found) return found;
  if (!create) throw new ApiError(`There is no collection called “${name}”.`, undefined, undefined);
  return (await request(CreateCollectionDocument, { name })).createCollection;
}

export async function collect(collectionId: string, imageIds: readonly string[], add: boolean): Promise<Collection> {
  let updated: Collection | undefined;
  for (const part of chunks(imageIds)) {
    updated = add
      ? (await request(AddToCollectionDocument, { collectionId, imageIds: part })).addToCollection
      : (await request(RemoveFromCollectionDocument, { collectionId, imageIds: part })).removeFromCollection;
  }
  return updated!;
}

/** Deletes generations (the API deletes a generation with all its images); `done` holds the ids deleted. */
export function deleteGenerations(generationIds: readonly string[]): Promise<Outcome<string>> {
  return eachBounded(generationIds, async (id) => (await request(DeleteGenerationDocument, { id })).deleteGeneration.id);
}
