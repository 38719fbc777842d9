/** The prompt library: all database access and image files. */
export { openDatabase, type Database, type DatabaseOptions } from './db/database.js';
export { applyMigrations, readMigrations, MigrationError, type SqlRunner, type Migration } from './db/migrate.js';
export { DatabaseJobQueue } from './job-queue.js';
export { DatabaseImageSink } from './image-sink.js';
export { FileImageStore, type StoredFile } from './image-store.js';
export { GenerationReader, type GenerationRecord, type ImageRecord, type GenerationPage } from './generations.js';
export { normalizePrompt } from './prompts.js';
export { PromptSearch, type PromptHit, type LibraryQuery, type PromptSearchPage, type SearchMode, type LibrarySort } from './prompt-search.js';
export { ImageSearch, type ImageHit, type ImageSearchPage } from './image-search.js';
export { PromptMatcher, SemanticSearchUnavailableError } from './search-matching.js';
export { SemanticIndex, type TextEmbedder } from './semantic-index.js';
export type { LibraryFilters } from './search-filters.js';
export { UploadStore, type UploadRecord } from './uploads.js';
export { LibraryDeleter, type DeleteGenerationResult } from './deletion.js';
export type { StoredPicture } from './pictures.js';
export { LibraryBatchReader, type PromptRecord, type ImageLabels } from './batch-reads.js';
export { ImageLabeller, normalizeTag, type TagCount } from './image-labels.js';
export { CollectionStore, CollectionNameTakenError, CollectionOrderError, type CollectionRecord } from './collections.js';
