/** The prompt library: all database access and image files. */
export { openDatabase, type Database, type DatabaseOptions } from './db/database.js';
export { applyMigrations, readMigrations, MigrationError, type SqlRunner, type Migration } from './db/migrate.js';
export { DatabaseJobQueue } from './job-queue.js';
export { DatabaseImageSink } from './image-sink.js';
export { FileImageStore, type StoredFile } from './image-store.js';
export { GenerationReader, type GenerationRecord, type ImageRecord, type GenerationPage } from './generations.js';
export { normalizePrompt } from './prompts.js';
export { PromptSearch, type PromptHit, type PromptSearchQuery, type PromptSearchPage, type PromptSearchMode, type PromptSort } from './prompt-search.js';
export { UploadStore, type UploadRecord } from './uploads.js';
export { LibraryDeleter, type DeleteGenerationResult } from './deletion.js';
export type { StoredPicture } from './pictures.js';
export * from './interchange/index.js';
