/** generation/'s ImageSink and ImageSource ports on the image store and the Image table. */
import { LeaseLostError } from '../../generation/job.js';
import { type ImageSink, type ImageSource, type ImageToStore, type StoredImage } from '../../generation/pictures.js';
import { asStorageFault } from '../../generation/storage-fault.js';
import type { PrismaClient } from '../db/generated/client.js';
import type { FileImageStore } from './image-store.js';
import { imageUrl } from './image-url.js';
import { seedToDecimalString } from '../stored-parameters.js';
import { storePictureFiles } from './thumbnails.js';

/**
 * Stores a finished image: the file first, then the row that points at it, so no row lacks its file. Reads
 * stored pictures' files back for img2img.
 */
export class DatabaseImageSink implements ImageSink, ImageSource {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: FileImageStore,
  ) {}

  async saveImage(image: ImageToStore): Promise<StoredImage> {
    // A file-system error becomes an ImageStorageError: the service retries the job later instead of failing it.
    const files = await storePictureFiles(this.store, image.png).catch((error: unknown) => {
      throw asStorageFault(error);
    });
    const fields = { seed: seedToDecimalString(image.seed), width: image.width, height: image.height, nsfw: image.nsfw ?? false, ...files };
    const { lease } = image;
    const row = await this.prisma.$transaction(async (tx) => {
      // Fenced: the job row stays locked (FOR SHARE) until the image row is in, so it cannot be requeued and
      // claimed elsewhere in between; a run whose lease moved on writes no row (its file goes to the sweep).
      if (lease) {
        const held = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM "Generation" WHERE "id" = ${lease.id} AND "status" = 'RUNNING' AND "claimedBy" = ${lease.claimedBy} AND "attempts" = ${lease.attempts}::int FOR SHARE`;
        if (held.length === 0) throw new LeaseLostError(image.generationId);
      }
      // A job re-run after a crash may store the same batch index again: replace the earlier row.
      return tx.image.upsert({
        where: { generationId_index: { generationId: image.generationId, index: image.index } },
        create: { generationId: image.generationId, index: image.index, ...fields },
        update: fields,
        select: { id: true },
      });
    });
    return {
      id: row.id,
      generationId: image.generationId,
      index: image.index,
      seed: image.seed,
      width: image.width,
      height: image.height,
      sha256: files.sha256,
      nsfw: image.nsfw ?? false,
      url: imageUrl(row.id),
    };
  }

  async readFile(file: string): Promise<Uint8Array | null> {
    if (!(await this.store.exists(file))) return null;
    return this.store.read(file);
  }
}
