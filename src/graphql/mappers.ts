// Library records -> GraphQL objects, in one place so image URLs are built the same way everywhere.
import type { GenerationEvent as BusEvent } from '../generation/events.js';
import type { Job, JobOrigin } from '../generation/job.js';
import type { StoredImage } from '../generation/pictures.js';
import { imageUrl, imageUrls, type GenerationRecord, type ImageRecord, type ImageUrls, type PromptHit } from '../library/index.js';
import type { Generation } from './types/generation.js';
import type { Image, UploadedImage } from './types/image.js';
import type { LibraryPrompt } from './types/prompt.js';

type ImageFields = Pick<ImageRecord | StoredImage, 'id' | 'generationId' | 'index' | 'seed' | 'width' | 'height' | 'sha256' | 'nsfw'>;

export function toImage(image: ImageFields, urls: ImageUrls): Image {
  return {
    id: image.id,
    generationId: image.generationId,
    url: urls.image(image.id),
    thumbnailUrl: urls.thumbnail(image.id),
    index: image.index,
    seed: image.seed,
    width: image.width,
    height: image.height,
    sha256: image.sha256,
    nsfw: image.nsfw,
  };
}

export function toGeneration(record: Omit<GenerationRecord, 'promptId'>, queuePosition: number | null, urls: ImageUrls): Generation {
  const { initImageDeleted: _initImageDeleted, maskDeleted: _maskDeleted, ...fields } = record;
  return {
    ...fields,
    kind: record.upscale ? 'UPSCALE' : 'GENERATE',
    denoisingStrength: record.initImageId === null || record.upscale ? null : record.denoisingStrength,
    queuePosition: record.status === 'QUEUED' ? queuePosition : null,
    images: record.images.map((image) => toImage(image, urls)),
  };
}

/** A search hit or a stored prompt: the score, where there is one, belongs on the edge, not the prompt. */
export function toPrompt(hit: Omit<PromptHit, 'score'>): LibraryPrompt {
  return { id: hit.id, text: hit.text, useCount: hit.useCount, createdAt: hit.createdAt, lastUsedAt: hit.lastUsedAt };
}

export function toUploadedImage(upload: Omit<UploadedImage, 'url'>, urls: ImageUrls): UploadedImage {
  return { id: upload.id, url: urls.image(upload.id), width: upload.width, height: upload.height, sha256: upload.sha256 };
}

/** A job just accepted has no images, so no URLs to sign. */
const NO_IMAGES_YET = imageUrls('');

/** A job as accepted: what `generate` returns, before any worker touches it. */
export function acceptedJobToGeneration(job: Job, queuePosition: number, origin: JobOrigin = {}): Generation {
  const record: Omit<GenerationRecord, 'promptId'> = {
    ...job,
    remixOfImageId: origin.remixOfImageId ?? null,
    initImageDeleted: false,
    maskDeleted: false,
    ...{ error: null, warnings: [], startedAt: null, finishedAt: null, images: [] },
  };
  return toGeneration(record, queuePosition, NO_IMAGES_YET);
}

type StepPayload = Omit<BusEvent & { type: 'STEP' }, 'pass'> & { pass: 1 | 2 };
type ImagePayload = Omit<BusEvent & { type: 'IMAGE' }, 'image'> & { image: Image };

/** Bus events carry stored images with server-relative URLs (subscribers get the same URLs as queries), steps their pass. */
export function toEventPayload(event: BusEvent, urls: ImageUrls): BusEvent | StepPayload | ImagePayload {
  if (event.type === 'STEP') return { ...event, pass: event.pass ?? 1 };
  if (event.type !== 'IMAGE') return event;
  return { ...event, image: toImage(event.image, urls) };
}

/**
 * The events that describe a generation's current state, for a subscriber that joins late: where it is
 * in the queue, that it started, or its images and outcome.
 */
export function snapshotEvents(record: GenerationRecord, queuePosition: number | null): BusEvent[] {
  const generationId = record.id;
  const storedImages = (): BusEvent[] =>
    record.images.map((image) => ({ type: 'IMAGE', generationId, image: { ...image, generationId, url: imageUrl(image.id) } }));
  switch (record.status) {
    case 'QUEUED':
      return [{ type: 'QUEUED', generationId, position: queuePosition ?? 1 }];
    case 'RUNNING':
      return [{ type: 'STARTED', generationId }, ...storedImages()];
    case 'COMPLETED':
      return [{ type: 'STARTED', generationId }, ...storedImages(), { type: 'COMPLETED', generationId, warnings: record.warnings }];
    case 'FAILED':
      return [{ type: 'FAILED', generationId, message: record.error ?? 'failed' }];
    case 'CANCELLED':
      return [{ type: 'CANCELLED', generationId }];
  }
}
