/**
 * A stored picture's file as the HTTP layer serves it: the PNG, or its WebP thumbnail. Content-addressed, so
 * the SHA-256 is the file's identity (the HTTP layer makes its ETag of it).
 */
import type { Readable } from 'node:stream';
import type { PrismaClient } from '../db/generated/client.js';
import type { FileImageStore } from './image-store.js';
import { findStoredPicture } from './pictures.js';

/** `full`: the PNG as generated or uploaded; `thumb`: its WebP thumbnail. */
export type PictureVariant = 'full' | 'thumb';

export interface PictureFile {
  /** Whose picture it is, for the HTTP layer's access check. */
  ownerId: string;
  isPublic: boolean;
  sha256: string;
  size: number;
  contentType: string;
  open(): Readable;
}

/** Null when there is no such picture, or its file is missing. */
export async function findPictureFile(prisma: PrismaClient, store: FileImageStore, id: string, variant: PictureVariant): Promise<PictureFile | null> {
  const picture = await findStoredPicture(prisma, id);
  if (!picture) return null;
  // Pictures stored before thumbnails existed have none: the full image stands in.
  const chosen =
    variant === 'thumb' && picture.thumbnail ? { ...picture.thumbnail, contentType: 'image/webp' } : { ...picture, contentType: 'image/png' };
  const file = await store.stat(chosen.path);
  if (!file) return null;
  return { ownerId: picture.ownerId, isPublic: picture.isPublic, sha256: chosen.sha256, size: file.size, contentType: chosen.contentType, open: () => store.open(chosen.path) };
}
