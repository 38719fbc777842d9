/**
 * The prompt library: all database access and image files. Open it with openLibrary (library.ts); the
 * classes stay exported for tests and tools that want one part on its own.
 */
export { openLibrary, type Library, type LibraryOptions } from './library.js';
export { openDatabase, type Database, type DatabaseOptions } from './db/database.js';
export { isDatabaseUnreachable } from './db/connection-errors.js';
export { applyMigrations, readMigrations, MigrationError, type SqlRunner, type Migration } from './db/migrate.js';
export { DatabaseJobQueue } from './queue/job-queue.js';
export { PostgresJobSignals } from './queue/job-signals.js';
export { DatabaseImageSink } from './files/image-sink.js';
export { FileImageStore, type StoredFile, type StoreEntry } from './files/image-store.js';
export { sweepImageStore, DEFAULT_SWEEP_GRACE_MS, type SweepOptions, type SweepResult } from './files/store-sweep.js';
export { imageUrl, imageUrls, thumbnailUrl, type ImageUrls, type UrlSigner } from './files/image-url.js';
export type { PictureFile, PictureVariant } from './files/picture-files.js';
export { isStorableText } from './support/storable-text.js';
export { encodeCursor, decodeCursor, stringPart, numberPart, datePart, type CursorPart, type PartReader } from './support/cursor.js';
export { GenerationReader, type GenerationRecord, type ImageRecord, type GenerationPage } from './generations/generation-reader.js';
export { normalizePrompt } from './generations/prompts.js';
export { PromptSearch, type PromptHit, type LibraryQuery, type PromptSearchPage, type SearchMode, type LibrarySort } from './search/prompt-search.js';
export { ImageSearch, type ImageHit, type ImageSearchPage } from './search/image-search.js';
export { PromptMatcher, SemanticSearchUnavailableError } from './search/matching.js';
export { CANDIDATES as SEARCH_CANDIDATES, HYBRID_CANDIDATES as HYBRID_SEARCH_CANDIDATES } from './search/candidates.js';
export { SemanticIndex, type TextEmbedder, type SemanticLogger } from './search/semantic-index.js';
export type { LibraryFilters } from './search/filters.js';
export { UploadStore, type UploadRecord } from './files/uploads.js';
export { LibraryDeleter, type DeleteGenerationResult } from './generations/deleter.js';
export type { StoredPicture } from './files/pictures.js';
export { LibraryBatchReader, type PromptRecord, type ImageLabels } from './generations/batch-reader.js';
export { ImageLabeller, normalizeTag, type TagCount } from './curation/labels.js';
export { CollectionStore, CollectionNameTakenError, CollectionOrderError, type CollectionRecord } from './curation/collections.js';
export * from './interchange/index.js';
export { AccountStore, type AccountRecord, type ApiKeyRecord } from './accounts/account-store.js';
export { GenerationSharing } from './generations/sharing.js';
export type { Access } from './access.js';
