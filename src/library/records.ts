/**
 * Database rows -> the plain records the other layers use (seeds as bigint, prompt as text), so no layer
 * outside library/ depends on Prisma's types. The records extend generation/job.ts's types, which they are.
 */
import type { Job } from '../generation/job.js';
import type { StoredImage } from '../generation/pictures.js';
import type { Prisma } from './db/generated/client.js';
import { parametersFromRow, seedFromDecimal } from './stored-parameters.js';

/** A stored image as the generation port reports it (less its URL, see files/image-url.ts), and where its file is. */
export interface ImageRecord extends Omit<StoredImage, 'url'> {
  /** Relative to the data folder. */
  path: string;
  createdAt: Date;
}

export interface GenerationRecord extends Job {
  promptId: string;
  /** remix: the stored image whose parameters this generation re-ran; null otherwise (or once it is deleted). */
  remixOfImageId: string | null;
  /** The generation started from an init image (mask) that has since been deleted, so it cannot be re-run as it was. */
  initImageDeleted: boolean;
  maskDeleted: boolean;
  error: string | null;
  warnings: string[];
  startedAt: Date | null;
  finishedAt: Date | null;
  images: ImageRecord[];
}

/** What a Job needs: the generation's columns plus its prompt's text. */
export const JOB_INCLUDE = { prompt: { select: { text: true } } } as const satisfies Prisma.GenerationInclude;

export const GENERATION_INCLUDE = {
  ...JOB_INCLUDE,
  images: { orderBy: { index: 'asc' } },
} as const satisfies Prisma.GenerationInclude;

type JobRow = Prisma.GenerationGetPayload<{ include: typeof JOB_INCLUDE }>;
type GenerationRow = Prisma.GenerationGetPayload<{ include: typeof GENERATION_INCLUDE }>;
type ImageRow = Prisma.ImageGetPayload<true>;

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    status: row.status,
    createdAt: row.createdAt,
    ownerId: row.ownerId,
    visibility: row.visibility,
    ...parametersFromRow(row),
    initImageId: row.initImageId ?? row.initUploadId,
    maskImageId: row.maskUploadId,
    batchSize: row.batchSize,
    previewMethod: row.previewMethod,
    priority: row.priority,
  };
}

export function toGenerationRecord(row: GenerationRow): GenerationRecord {
  return {
    ...toJob(row),
    promptId: row.promptId,
    remixOfImageId: row.remixOfImageId,
    initImageDeleted: row.usedInitImage && row.initImageId === null && row.initUploadId === null,
    maskDeleted: row.usedMask && row.maskUploadId === null,
    error: row.error,
    warnings: row.warnings,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    images: row.images.map(toImageRecord),
  };
}

export function toImageRecord(row: ImageRow): ImageRecord {
  const { id, generationId, index, width, height, sha256, nsfw, path, createdAt } = row;
  return { id, generationId, index, seed: seedFromDecimal(row.seed), width, height, sha256, nsfw, path, createdAt };
}
