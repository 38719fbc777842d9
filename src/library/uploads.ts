import type { PrismaClient } from './db/generated/client.js';
import type { FileImageStore } from './image-store.js';

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

  async save(png: Uint8Array, width: number, height: number): Promise<UploadRecord> {
    const file = await this.store.put(png);
    return this.prisma.upload.create({ data: { width, height, sha256: file.sha256, path: file.path } });
  }
}
