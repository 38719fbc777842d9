/** What resolvers may use: the services the composition root builds, and the per-request loaders. */
import type { EmbeddingCatalog, LoraCatalog, UpscalerCatalog } from '../generation/file-catalog.js';
import type { LoadedPipelineDirectory } from '../generation/loaded-pipeline-store.js';
import type { AccountLimits } from '../config.js';
import type { EventBus } from '../generation/events.js';
import type { GenerationService } from '../generation/generation-service.js';
import type { ModelHealth } from '../generation/model-health.js';
import type { Viewer } from '../accounts/viewer.js';
import type {
  AccountStore,
  CollectionStore,
  FileImporter,
  GenerationReader,
  GenerationSharing,
  ImageLabeller,
  ImageSearch,
  ImageUrls,
  LibraryDeleter,
  PromptSearch,
  UploadStore,
} from '../library/index.js';
import type { LibraryLoaders } from './loaders.js';

/**
 * What resolvers may use. Built by the composition root (src/server.ts): shared by every request except the
 * viewer and the loaders. Every library call a resolver makes names the viewer's scope (`viewer`).
 */
export interface AppContext {
  /** Who the request acts as (the API key's account; the admin `local` when auth is off). */
  viewer: Viewer;
  /** Accounts and API keys (admins manage them). */
  accounts: AccountStore;
  /** Making generations public or private. */
  sharing: GenerationSharing;
  /** What `viewer.limits` reports: the settings of the queue's, the accounts' and the HTTP rate limits. */
  limits: { maxQueuedJobs: number; requestsPerMinute: number } & AccountLimits;
  generations: GenerationService;
  reader: GenerationReader;
  /** Images clients uploaded (img2img). */
  uploads: UploadStore;
  /** The installed models, with those a node failed to load marked. */
  catalog: ModelHealth;
  /** The installed LoRAs. */
  loras: LoraCatalog;
  /** The installed textual-inversion embeddings. */
  embeddings: EmbeddingCatalog;
  /** The installed upscaler models (ATELIER_UPSCALERS_DIR). */
  upscalers: UpscalerCatalog;
  /** What every node's workers keep loaded (`loadedOn`): this node's from its pool, the others' as published. */
  loadedPipelines: Pick<LoadedPipelineDirectory, 'placed'>;
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
  /** Image and thumbnail URLs, signed when auth is on. */
  urls: ImageUrls;
}
