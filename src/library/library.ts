/**
 * The library's one entrance: every service over an open database and image store, wired to one another
 * (prompts the queue or an import adds reach the semantic index), so that the composition root and the CLI
 * open the library with one call and never hand the Prisma client around.
 */
import type { Database } from './db/database.js';
import { AccountStore } from './accounts/account-store.js';
import { CollectionStore } from './curation/collections.js';
import { GenerationSharing } from './generations/sharing.js';
import { ImageLabeller } from './curation/labels.js';
import { DatabaseImageSink } from './files/image-sink.js';
import type { FileImageStore } from './files/image-store.js';
import { findPictureFile, type PictureFile, type PictureVariant } from './files/picture-files.js';
import { sweepImageStore, type SweepOptions, type SweepResult } from './files/store-sweep.js';
import { UploadStore } from './files/uploads.js';
import { LibraryBatchReader } from './generations/batch-reader.js';
import { LibraryDeleter } from './generations/deleter.js';
import { GenerationReader } from './generations/generation-reader.js';
import { FileImporter } from './interchange/file-importer.js';
import { LibraryExporter } from './interchange/library-exporter.js';
import { LibraryImporter } from './interchange/library-importer.js';
import { SamplerNames, type SamplerNaming } from './interchange/sampler-names.js';
import { countJobsByStatus } from './queue/job-counts.js';
import { DatabaseJobQueue } from './queue/job-queue.js';
import { DatabaseModelProblems } from './models/model-problems.js';
import { DatabaseLoadedPipelines } from './models/loaded-pipelines.js';
import type { GenerationStatus } from '../generation/job.js';

import { PostgresJobSignals } from './queue/job-signals.js';
import { ImageSearch } from './search/image-search.js';
import { PromptMatcher } from './search/matching.js';
import { PromptSearch } from './search/prompt-search.js';
import { SemanticIndex, type SemanticLogger, type TextEmbedder } from './search/semantic-index.js';

export interface LibraryOptions {
  /** Our sampler names with their AUTOMATIC1111 labels, for reading other tools' metadata on import. */
  samplers: readonly SamplerNaming[];
  /** The text encoder semantic search embeds prompts with (the engine's); absent or null, semantic search is off. */
  embedder?: TextEmbedder | null;
  logger?: SemanticLogger;
  /** The node whose claims the queue makes (ATELIER_NODE_ID); the CLI, which claims nothing, leaves it out. */
  nodeId?: string;
  /** How stale a queue position may be for changes other processes make (ATELIER_QUEUE_POSITIONS_MS). */
  queuePositionsMaxAgeMs?: number;
}

export interface Library {
  readonly store: FileImageStore;
  /** generation/'s JobQueue port: jobs are Generation rows. */
  readonly queue: DatabaseJobQueue;
  /** generation/'s JobSignals port: wake-ups between nodes (PostgreSQL); null for the embedded database. */
  readonly signals: PostgresJobSignals | null;
  /** generation/'s ImageSink and ImageSource ports: the file first, then its row; read back for img2img. */
  readonly images: DatabaseImageSink;
  readonly reader: GenerationReader;
  /** Batched reads for the GraphQL layer's DataLoaders. */
  readonly batchReader: LibraryBatchReader;
  readonly uploads: UploadStore;
  readonly promptSearch: PromptSearch;
  readonly imageSearch: ImageSearch;
  /** Tags and favorites. */
  readonly labels: ImageLabeller;
  readonly collections: CollectionStore;
  readonly deleter: LibraryDeleter;
  /** Making generations public or private. */
  readonly sharing: GenerationSharing;
  /** Accounts and API keys. */
  readonly accounts: AccountStore;
  /** Folders of PNGs, single PNGs, CSVs of prompts and exports. */
  readonly importer: FileImporter;
  readonly exporter: LibraryExporter;
  /** Null when semantic search is off. */
  readonly semantic: SemanticIndex | null;
  /** generation/'s ModelProblemStore port: models a node could not load, seen by every node. */
  readonly modelProblems: DatabaseModelProblems;
  /** generation/'s LoadedPipelineStore port: what each node's workers keep loaded, seen by every node. */
  readonly loadedPipelines: DatabaseLoadedPipelines;
  /** Generations per status, every status present (the jobs gauge of /metrics). */
  jobCounts(): Promise<Record<GenerationStatus, number>>;
  /** Resolves when the database answers a trivial query (SELECT 1): the readiness check. */
  ping(): Promise<void>;
  /** A stored picture's file, for serving it (null when there is none). */
  pictureFile(id: string, variant: PictureVariant): Promise<PictureFile | null>;
  /** Removes the store's stray temporary files and the files no row references, once past the grace period. */
  sweepStore(options: SweepOptions): Promise<SweepResult>;
  /** Stops background embedding (before the database closes); the database stays open: its opener closes it. */
  close(): Promise<void>;
}

/**
 * With an embedder, sets up semantic search (pgvector where available) and starts embedding the prompts that
 * have no embedding yet, in the background: the call does not wait for that.
 */
export async function openLibrary(database: Database, store: FileImageStore, options: LibraryOptions): Promise<Library> {
  const { prisma } = database;
  const semantic = options.embedder ? new SemanticIndex(prisma, options.embedder, options.logger) : null;
  await semantic?.open();
  const matcher = new PromptMatcher(prisma, semantic);
  const embedLater = (promptIds: string[]): void => semantic?.schedule(promptIds);
  const signals = database.newClient ? new PostgresJobSignals(database.newClient, options.logger) : null;
  return {
    store,
    queue: new DatabaseJobQueue(prisma, {
      onPromptUsed: (promptId) => embedLater([promptId]),
      positionsMaxAgeMs: options.queuePositionsMaxAgeMs,
      nodeId: options.nodeId,
      notify: signals !== null,
    }),
    signals,
    images: new DatabaseImageSink(prisma, store),
    reader: new GenerationReader(prisma),
    batchReader: new LibraryBatchReader(prisma),
    uploads: new UploadStore(prisma, store),
    promptSearch: new PromptSearch(prisma, matcher),
    imageSearch: new ImageSearch(prisma, matcher),
    labels: new ImageLabeller(prisma),
    collections: new CollectionStore(prisma),
    deleter: new LibraryDeleter(prisma, store),
    sharing: new GenerationSharing(prisma),
    accounts: new AccountStore(prisma),
    importer: new FileImporter(new LibraryImporter(prisma, store, embedLater), new SamplerNames(options.samplers)),
    exporter: new LibraryExporter(prisma, store),
    semantic,
    modelProblems: new DatabaseModelProblems(prisma),
    loadedPipelines: new DatabaseLoadedPipelines(prisma),
    jobCounts: () => countJobsByStatus(prisma),
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    pictureFile: (id, variant) => findPictureFile(prisma, store, id, variant),
    sweepStore: (sweep) => sweepImageStore(prisma, store, sweep),
    close: async () => {
      await semantic?.close();
      await signals?.close();
    },
  };
}
