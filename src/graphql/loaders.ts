/**
 * Per-request DataLoaders for nested fields: every `generation`, `prompt`, `tags` or `images` field asked for
 * in one tick is answered by one batched query instead of one query per parent (no N+1). Made fresh for each
 * request, so a cache never outlives the request that filled it.
 */
import DataLoader from 'dataloader';
import type { Viewer } from '../accounts/viewer.js';
import type { GenerationRecord, ImageLabels, ImageRecord, LibraryBatchReader, PromptRecord } from '../library/index.js';

export interface LibraryLoaders {
  generation: DataLoader<string, GenerationRecord | null>;
  prompt: DataLoader<string, PromptRecord | null>;
  image: DataLoader<string, ImageRecord | null>;
  imageLabels: DataLoader<string, ImageLabels>;
  /** A prompt's newest images; one loader per page size asked for. */
  newestImagesOfPrompt(first: number): DataLoader<string, ImageRecord[]>;
}

/**
 * The id loaders (generation, prompt, image) serve nested fields of things the resolver already found the
 * viewer may read; the others apply the viewer's rules themselves (labels: owner only; images of a prompt:
 * readable ones). A prompt comes with the use count and dates the viewer is shown (their own, for a user).
 */
export function createLoaders(reader: LibraryBatchReader, viewer: Viewer): LibraryLoaders {
  const newestImages = new Map<number, DataLoader<string, ImageRecord[]>>();
  return {
    generation: new DataLoader((ids) => reader.generations(ids)),
    prompt: new DataLoader((ids) => reader.prompts(ids, viewer)),
    image: new DataLoader((ids) => reader.images(ids)),
    imageLabels: new DataLoader((ids) => reader.imageLabels(ids, viewer)),
    newestImagesOfPrompt(first) {
      let loader = newestImages.get(first);
      if (!loader) {
        loader = new DataLoader((ids) => reader.newestImagesOfPrompts(ids, first, viewer));
        newestImages.set(first, loader);
      }
      return loader;
    },
  };
}
