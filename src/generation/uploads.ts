/** Uploaded pictures (img2img init images and masks): any format in, the PNG Atelier stores out, within the size limit. */
import { normalizeToPng, readImageSize } from '../diffusion/index.js';

/** Largest side of an uploaded picture, in pixels (the largest generation size is 2048). */
export const MAX_UPLOAD_SIDE = 4096;

/** Why an upload was refused, for the client; `max` when it was too large. */
export class UploadRejectedError extends Error {
  constructor(
    message: string,
    readonly max?: number,
  ) {
    super(message);
    this.name = 'UploadRejectedError';
  }
}

/**
 * An uploaded picture's bytes (any format sharp reads) -> the PNG Atelier stores, with its size. Throws
 * UploadRejectedError for data that is not a picture or is too large.
 */
export async function prepareUpload(bytes: Uint8Array, format: string): Promise<{ png: Uint8Array; width: number; height: number }> {
  const unreadable = (error: unknown) =>
    new UploadRejectedError(`the data is not a readable ${format} image (${error instanceof Error ? error.message : String(error)})`);
  // The size from the header first: a few kilobytes can declare a picture that would take gigabytes to decode.
  const { width, height } = await readImageSize(bytes).catch((error: unknown) => Promise.reject(unreadable(error)));
  if (width > MAX_UPLOAD_SIDE || height > MAX_UPLOAD_SIDE) {
    throw new UploadRejectedError(`the image is ${width}x${height}; at most ${MAX_UPLOAD_SIDE} pixels a side`, MAX_UPLOAD_SIDE);
  }
  try {
    return await normalizeToPng(bytes);
  } catch (error) {
    throw unreadable(error);
  }
}
