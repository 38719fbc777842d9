/** The composition root: opens the library, starts the generation service and workers, serves the API. */
import path from 'node:path';
import { PromptEmbedder, scanModelFolders } from './diffusion/index.js';
import { writeTinyModel } from './test-models/tiny/write-tiny-model.js';
import { Authenticator } from './accounts/authenticator.js';
import { ImageSigner } from './accounts/image-signatures.js';
import { loadServerSecret } from './accounts/server-secret.js';
import type { Config, CorsOrigins } from './config.js';
import { GenerationRequests } from './generation/generation-requests.js';
import { GenerationService } from './generation/generation-service.js';
import { InProcessEventBus } from './generation/in-process-event-bus.js';
import { ModelCatalog } from './generation/model-catalog.js';
import { samplerLabels, samplerNames } from './generation/samplers.js';
import { WorkerPool } from './generation/worker-pool.js';
import type { AppContext } from './graphql/context.js';
import { createLoaders } from './graphql/loaders.js';
import { buildAppSchema } from './graphql/schema.js';
import { isLoopbackAddress } from './loopback.js';
import { InMemoryRateLimiter } from './http/rate-limiter.js';
import { startHttpServer } from './http/server.js';
import { FileImageStore, imageUrls, openDatabase, openLibrary, type Database, type Library, type TextEmbedder } from './library/index.js';
import { createLogger, type Logger } from './logger.js';

export interface RunningServer {
  url: string;
  port: number;
  /** The open database, for tools and tests that inspect what the server stored. */
  database: Database;
  close(): Promise<void>;
}

/** The model that ships in the repository's models/ folder: a small model trained on the toy-shapes world. */
export const BUNDLED_MODEL_NAME = 'toy-shapes';
/** The random-weights test model, written on demand when it is asked for and missing. */
export const TINY_MODEL_NAME = 'tiny';

/**
 * The composition root: opens the database (applying migrations), recovers interrupted jobs, starts the
 * workers and serves the API. Everything else receives its dependencies from here.
 */
export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel, config.nodeId)): Promise<RunningServer> {
  const defaultModel = await resolveDefaultModel(config, logger);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    // LOG_LEVEL=trace logs every SQL statement with its duration.
    ...(logger.isLevelEnabled('trace') ? { onQuery: ({ query, durationMs }) => logger.trace({ sql: query, ms: durationMs }, 'sql') } : {}),
  });
  logger.info({ database: database.kind }, 'database ready');

  const library = await openLibrary(database, new FileImageStore(config.dataDir), {
    samplers: samplerLabels(),
    embedder: await loadEmbedder(config, defaultModel, logger),
    logger,
    queuePositionsMaxAgeMs: config.queuePositionsMs,
  });
  const bus = new InProcessEventBus();
  const catalog = new ModelCatalog(config.modelsDir, defaultModel);
  const pool =
    config.workers > 0
      ? new WorkerPool(
          config.workers,
          (index) => ({
            session: {
              device: config.device,
              cudaDeviceId: config.cudaDevices[index % config.cudaDevices.length],
              cpuThreads: config.cpuThreadsPerWorker,
            },
            taesdDir: config.taesdDir,
          }),
          logger,
        )
      : undefined;
  const service = new GenerationService(
    library.queue,
    library.images,
    bus,
    pool,
    catalog,
    new GenerationRequests(catalog, library.reader, {
      samplers: samplerNames,
      taesdAvailable: config.taesdDir !== undefined,
      ...(config.maxPixels !== undefined ? { maxPixels: config.maxPixels } : {}),
      maxJobCost: config.accountLimits.maxJobCost,
    }),
    logger,
    {
      previewEvery: config.previewEvery,
      previewMaxSize: config.previewMaxSize,
      maxQueuedJobs: config.maxQueuedJobs,
      accountLimits: config.accountLimits,
      sharedQueue: database.kind === 'postgresql',
      storageRetry: config.storageRetry,
      positionsMaxAgeMs: config.queuePositionsMs,
    },
  );
  await service.start();

  const authenticator = new Authenticator(config.auth, (hash) => library.accounts.viewerForKeyHash(hash));
  // With auth off, URLs stay unsigned (every request may read every picture) and no secret is made.
  const signer = config.auth === 'keys' ? new ImageSigner(await loadServerSecret(config.dataDir, config.secret), config.imageUrlTtlSeconds) : undefined;
  const context: Omit<AppContext, 'loaders' | 'viewer'> = {
    accounts: library.accounts,
    sharing: library.sharing,
    limits: { maxQueuedJobs: config.maxQueuedJobs, requestsPerMinute: config.requestsPerMinute, ...config.accountLimits },
    generations: service,
    reader: library.reader,
    promptSearch: library.promptSearch,
    imageSearch: library.imageSearch,
    labels: library.labels,
    collections: library.collections,
    deleter: library.deleter,
    importer: library.importer,
    uploads: library.uploads,
    catalog,
    bus,
    urls: imageUrls(config.publicUrl, signer && ((id, variant) => signer.sign(id, variant))),
  };
  const http = await startHttpServer({
    host: config.host,
    port: config.port,
    schema: await buildAppSchema(),
    context: async (viewer) => ({ ...context, viewer, loaders: createLoaders(library.batchReader, viewer) }),
    authenticate: (authorization) => authenticator.authenticate(authorization),
    authRequired: authenticator.required,
    images: (id, variant) => library.pictureFile(id, variant),
    queryLimits: config.queryLimits,
    verifyImageSignature: (id, variant, exp, sig) => signer?.verify(id, variant, exp, sig) ?? false,
    // In this process only: the cluster issue moves it to Redis (one more RateLimiter).
    rateLimit: { limiter: new InMemoryRateLimiter(config.requestsPerMinute), perAccount: config.auth === 'keys' },
    logger,
    corsOrigins: withPublicOrigin(config.corsOrigins, config.publicUrl),
    // DNS rebinding matters where nothing else stands between a page and the API: a loopback server.
    // DNS rebinding matters only to an open server on loopback: with keys, a rebinding page has no key to send.
    refuseForeignHosts: config.auth === 'none' && isLoopbackAddress(config.host),
  });
  logger.info({ url: `${http.url}/graphql`, workers: config.workers, models: config.modelsDir, auth: config.auth }, 'Atelier is serving');
  const sweep = sweepStoreInBackground(library, config.sweepGraceMs, logger);

  return {
    url: http.url,
    port: http.port,
    database,
    close: async () => {
      await http.close();
      await sweep.stop();
      await service.stop();
      await library.close();
      await database.close();
    },
  };
}

/**
 * What a kill -9 left in the image store (temporary files, files whose row was never committed) is removed
 * after start-up, in the background: the API serves meanwhile. `stop` ends it between folders and waits.
 */
function sweepStoreInBackground(library: Library, graceMs: number, logger: Logger): { stop(): Promise<void> } {
  const abort = new AbortController();
  const done = library.sweepStore({ graceMs, signal: abort.signal }).then(
    ({ temporaryFiles, unreferencedFiles }) =>
      logger.info({ temporaryFiles, unreferencedFiles }, `image store swept: ${temporaryFiles.length} temporary and ${unreferencedFiles.length} unreferenced files removed`),
    (error: unknown) => logger.warn({ err: error }, 'image store sweep failed; it runs again at the next start'),
  );
  return {
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

/**
 * The allowed origins plus ATELIER_PUBLIC_URL's: pages served under the public URL are the server's own even
 * when a reverse proxy rewrites Host (which is how the server recognises its own origin otherwise).
 */
function withPublicOrigin(origins: CorsOrigins, publicUrl: string): CorsOrigins {
  if (origins === '*' || !URL.canParse(publicUrl)) return origins;
  const own = new URL(publicUrl).origin;
  return origins.includes(own) ? origins : [...origins, own];
}

/**
 * Semantic search: the embedding model's text encoder (ATELIER_EMBEDDING_MODEL, else the default model) embeds
 * every prompt. Without a usable encoder the server still runs, without semantic search. Prompts not yet
 * embedded (a new library, another encoder) are embedded in the background, so start-up does not wait.
 */
async function loadEmbedder(config: Config, defaultModel: string, logger: Logger): Promise<TextEmbedder | null> {
  if (config.embeddingModel === 'off') return null;
  const name = config.embeddingModel ?? defaultModel;
  let embedder: PromptEmbedder;
  try {
    embedder = await PromptEmbedder.load(path.join(config.modelsDir, name));
  } catch (error) {
    logger.warn({ model: name, err: error }, `semantic search is off: the text encoder of ${name} cannot be loaded`);
    return null;
  }
  return { encoder: name, dimensions: embedder.dimensions, embed: (texts) => embedder.embed(texts) };
}

/**
 * The model requests get when they name none: ATELIER_DEFAULT_MODEL if set (the tiny model is written when it
 * is asked for and missing), else the bundled toy-shapes model, else the first model in the folder.
 */
async function resolveDefaultModel(config: Config, logger: Logger): Promise<string> {
  const scan = await scanModelFolders(config.modelsDir);
  for (const { name, problem } of scan.unusable) logger.warn({ model: name, problem }, `${name} in ${config.modelsDir} is not a usable model: ${problem}`);
  const installed = scan.models.map((m) => m.name);
  const wanted = config.defaultModel ?? BUNDLED_MODEL_NAME;
  if (installed.includes(wanted)) return wanted;
  if (wanted === TINY_MODEL_NAME) {
    const dir = path.join(config.modelsDir, TINY_MODEL_NAME);
    logger.info({ dir }, 'writing the tiny test model');
    await writeTinyModel(dir);
    return wanted;
  }
  if (config.defaultModel === undefined && installed.length > 0) {
    logger.info({ model: installed[0] }, `${BUNDLED_MODEL_NAME} is not in ${config.modelsDir}: using the first model there`);
    return installed[0]!;
  }
  const names = installed.join(', ') || 'none';
  throw new Error(
    config.defaultModel === undefined
      ? `no model in ${config.modelsDir}: put a diffusers ONNX model folder there, or set ATELIER_MODELS_DIR to the repository's models/ folder for the bundled ${BUNDLED_MODEL_NAME} model`
      : `ATELIER_DEFAULT_MODEL is "${wanted}" but ${path.join(config.modelsDir, wanted)} is not a diffusers ONNX model folder (installed: ${names})`,
  );
}
