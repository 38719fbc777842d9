/** Looking up stored pictures (generated images and uploads, one id space) and whether a file is still referenced. */
import type { Prisma } from '../db/generated/client.js';

/**
 * A stored picture: a generated image or an upload. Both are served at /images/<id> and both can start an
 * img2img generation, so they share one id space (cuids) and are looked up together here.
 */
export interface StoredPicture {
  id: string;
  kind: 'image' | 'upload';
  width: number;
  height: number;
  sha256: string;
  /** Relative to the data folder. */
  path: string;
  /** The WebP thumbnail; null for pictures stored before thumbnails were made. */
  thumbnail: { path: string; sha256: string } | null;
  /** The owning account: the generation's for an image, the uploader's for an upload. */
  ownerId: string;
  /** An image of a PUBLIC generation (uploads are always private). */
  isPublic: boolean;
}

const FIELDS = { id: true, width: true, height: true, sha256: true, path: true, thumbnailPath: true, thumbnailSha256: true } as const;

/** Any stored picture, whoever owns it: callers decide with ownerId and isPublic who may see it. */
export async function findStoredPicture(db: Prisma.TransactionClient, id: string): Promise<StoredPicture | null> {
  const image = await db.image.findUnique({ where: { id }, select: { ...FIELDS, generation: { select: { ownerId: true, visibility: true } } } });
  if (image) {
    const { generation, ...row } = image;
    return toPicture(row, 'image', generation.ownerId, generation.visibility === 'PUBLIC');
  }
  const upload = await db.upload.findUnique({ where: { id }, select: { ...FIELDS, ownerId: true } });
  if (!upload) return null;
  const { ownerId, ...row } = upload;
  return toPicture(row, 'upload', ownerId, false);
}

type PictureRow = Prisma.ImageGetPayload<{ select: typeof FIELDS }>;

function toPicture({ thumbnailPath, thumbnailSha256, ...row }: PictureRow, kind: StoredPicture['kind'], ownerId: string, isPublic: boolean): StoredPicture {
  const thumbnail = thumbnailPath && thumbnailSha256 ? { path: thumbnailPath, sha256: thumbnailSha256 } : null;
  return { ...row, kind, thumbnail, ownerId, isPublic };
}

/** Whether any image or upload row still points at the file (identical pictures share one file). */
export async function isFileReferenced(db: Prisma.TransactionClient, path: string): Promise<boolean> {
  const where = { OR: [{ path }, { thumbnailPath: path }] };
  const [images, uploads] = await Promise.all([db.image.count({ where }), db.upload.count({ where })]);
  return images + uploads > 0;
}
