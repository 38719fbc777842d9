/** Pictures clients upload (img2img init images and masks). */
import type { PrismaClient } from '../db/generated/client.js';
import type { FileImageStore } from './image-store.js';
import { storePictureFiles } from './thumbnails.js';

export interface UploadRecord {
  id: string;
  width: number;
  height: number;
  sha256: string;
  /** Relative to the data folder. */
  path: string;
  createdAt: Date;
}

/** Images clients upload (img2img init images): the PNG file first, then its row, as generated images. */
export class UploadStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: FileImageStore,
  ) {}

  /** Stored as `ownerId`'s: an upload is private to its owner. */
  async save(png: Uint8Array, width: number, height: number, ownerId: string): Promise<UploadRecord> {
    const files = await storePictureFiles(this.store, png);
    return this.prisma.upload.create({ data: { width, height, ownerId, ...files }, select: { id: true, width: true, height: true, sha256: true, path: true, createdAt: true } });
  }
}
