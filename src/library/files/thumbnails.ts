/** A stored picture's files: its PNG and the WebP thumbnail made once, when it is stored. */
import sharp from 'sharp';
import type { FileImageStore } from './image-store.js';

/** Longest side of a thumbnail in pixels: a gallery grid cell on a high-density screen. */
export const THUMBNAIL_SIZE = 256;

/** The columns a stored picture's files fill in: the PNG and its thumbnail, both content-addressed. */
export interface PictureFiles {
  sha256: string;
  path: string;
  thumbnailSha256: string;
  thumbnailPath: string;
}

/** Writes the PNG and its thumbnail (each durably, before any row may point at them). */
export async function storePictureFiles(store: FileImageStore, png: Uint8Array): Promise<PictureFiles> {
  const [file, thumbnail] = await Promise.all([store.put(png), makeThumbnail(png).then((webp) => store.put(webp, 'webp'))]);
  return { sha256: file.sha256, path: file.path, thumbnailSha256: thumbnail.sha256, thumbnailPath: thumbnail.path };
}

/**
 * A WebP thumbnail of a stored picture, made once when it is stored so a gallery of thousands never decodes
 * the full PNGs. Never enlarged: a picture smaller than the thumbnail size keeps its size.
 */
export async function makeThumbnail(png: Uint8Array): Promise<Uint8Array> {
  const webp = await sharp(png)
    .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
  return new Uint8Array(webp.buffer, webp.byteOffset, webp.byteLength);
}
