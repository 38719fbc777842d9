import type { EventBus } from '../generation/events.js';
import type { GenerationService } from '../generation/generation-service.js';
import type { ModelCatalog } from '../generation/model-catalog.js';
import type { FileImporter, GenerationReader, LibraryDeleter, PromptSearch, UploadStore } from '../library/index.js';

/** What resolvers may use. Built once by the composition root (src/server.ts) and shared by every request. */
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
  bus: EventBus;
  /** Prefix for image URLs; empty for URLs relative to the server. */
  publicUrl: string;
  /** Whether TAESD previews are installed. */
  taesdAvailable: boolean;
  /** Jobs allowed in the queue at once. */
  maxQueuedJobs: number;
}
