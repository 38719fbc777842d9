/** What resolvers may use: the services the composition root builds, and the per-request loaders. */
import type { EventBus } from '../generation/events.js';
import type { GenerationService } from '../generation/generation-service.js';
import type { ModelCatalog } from '../generation/model-catalog.js';
import type { CollectionStore, FileImporter, GenerationReader, ImageLabeller, ImageSearch, LibraryDeleter, PromptSearch, UploadStore } from '../library/index.js';
import type { LibraryLoaders } from './loaders.js';

/** What resolvers may use. Built by the composition root (src/server.ts): shared by every request except the loaders. */
export interface AppContext {
  generations: GenerationService;
  reader: GenerationReader;
  /** Images clients uploaded (img2img). */
  uploads: UploadStore;
  catalog: ModelCatalog;
  /** Removes generations with their image files. */
  deleter: LibraryDeleter;
  /** Adds pictures made elsewhere (PNGs with generation metadata) to the library. */
  importer: FileImporter;
  /** Search over the prompt library. */
  promptSearch: PromptSearch;
  /** Search over the library's images. */
  imageSearch: ImageSearch;
  /** Tags and favorites. */
  labels: ImageLabeller;
  collections: CollectionStore;
  /** Batched reads for nested fields; fresh for every request. */
  loaders: LibraryLoaders;
  bus: EventBus;
  /** Prefix for image URLs; empty for URLs relative to the server. */
  publicUrl: string;
}
