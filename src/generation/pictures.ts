/**
 * The pictures the generation layer stores and reads, and its ports for them: the image sink a run stores its
 * images through, the image source it reads init images from, and the look-ups a request check makes. The
 * library implements them on the database and the image store.
 */
import type { GenerationParams, Lease } from './job.js';
import type { Viewer } from '../accounts/viewer.js';

/** A stored picture is a generated image or an upload; they share one id space. */
export type PictureKind = 'image' | 'upload';

/** One encoded image of a finished job, ready to be stored. */
export interface ImageToStore {
  generationId: string;
  /** The run that made it: no row is written once that lease no longer holds (LeaseLostError). */
  lease?: Lease;
  /** Position in the batch, from 0. */
  index: number;
  seed: bigint;
  width: number;
  height: number;
  png: Uint8Array;
  /** The safety checker flagged it (the PNG is already blocked or blurred as ATELIER_SAFETY says). */
  nsfw?: boolean;
}

export interface StoredImage {
  id: string;
  generationId: string;
  index: number;
  seed: bigint;
  width: number;
  height: number;
  sha256: string;
  /** Flagged by the model's safety checker. */
  nsfw: boolean;
  /** Path part of the URL the HTTP layer serves the image at, e.g. "/images/<id>". */
  url: string;
}

/**
 * Stores an image durably: the file first (temporary name, then rename), then its database row. Rejects
 * with ImageStorageError (generation/storage-fault.ts) when the files cannot be written, leaving no row.
 */
export interface ImageSink {
  saveImage(image: ImageToStore): Promise<StoredImage>;
}

/** Reads stored pictures' files back (img2img's init images and masks). */
export interface ImageSource {
  /** The bytes of a file of the image store (a ClaimedJob's inputFiles), or null when it is gone. */
  readFile(file: string): Promise<Uint8Array | null>;
}

/** What a request check needs to know of a picture it names. */
export interface PictureInfo {
  id: string;
  kind: PictureKind;
  width: number;
  height: number;
}

/** A generated image with what its generation recorded, for remix. */
export interface RemixSource {
  image: { id: string; index: number; seed: bigint };
  generation: GenerationParams & {
    /** It started from an init image (mask) that has since been deleted. */
    initImageDeleted: boolean;
    maskDeleted: boolean;
  };
}

/** Looks up stored pictures for request checks (the library's GenerationReader implements it). */
export interface PictureLookup {
  /** Null also when the viewer may not read it (another account's private picture): it does not exist for them. */
  getPicture(id: string, viewer: Viewer): Promise<PictureInfo | null>;
  /** A generated image with its generation; null for an unknown id, an upload, or one the viewer may not read. */
  getImageWithGeneration(id: string, viewer: Viewer): Promise<RemixSource | null>;
}
