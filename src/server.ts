/** The composition root: opens the library, starts the generation service and workers, serves the API (per the node's role). */
import { fileURLToPath } from 'node:url';
import { Authenticator } from './accounts/authenticator.js';
import { ImageSigner } from './accounts/image-signatures.js';
import { loadServerSecret } from './accounts/server-secret.js';
import { connectRedis, type RedisConnections } from './cluster/redis-connection.js';
import { RedisEventBus } from './cluster/redis-event-bus.js';
import { RedisRateLimiter } from './cluster/redis-rate-limiter.js';
import { nonModelDirs, type Config, type CorsOrigins } from './config.js';
import type { EventBus } from './generation/events.js';
import { GenerationRequests } from './generation/generation-requests.js';
import { GenerationService, STALE_AFTER_BEATS } from './generation/generation-service.js';
import { LoadedPipelineDirectory } from './generation/loaded-pipeline-store.js';
import { JobObserver } from './generation/job-observer.js';
import { InProcessEventBus } from './generation/in-process-event-bus.js';
import { FileCatalog, ONNX_FILES } from './generation/file-catalog.js';
import { readEmbeddingFileInfo, readLoraFileInfo, readUpscalerFileInfo } from './diffusion/index.js';
import { ModelCatalog } from './generation/model-catalog.js';
import { ModelHealth } from './generation/model-health.js';
import { samplerLabels, samplerNames } from './generation/samplers.js';
import { WorkerPool } from './generation/worker-pool.js';
import type { AppContext } from './graphql/context.js';
import { createLoaders } from './graphql/loaders.js';
import { buildAppSchema } from './graphql/schema.js';
import { isLoopbackAddress } from './loopback.js';
import { InMemoryRateLimiter, type RateLimiter } from './http/rate-limiter.js';
import type { MetricsAccess } from './http/metrics-route.js';
import { NotReadyError, type ReadinessCheck } from './http/readiness.js';
import { startHttpServer } from './http/server.js';
import { loadWebBuild } from './http/web-build.js';
import { startWorkerHttpServer } from './http/worker-server.js';
import { AtelierMetrics } from './metrics/atelier-metrics.js';
import { withDeliveryLag } from './metrics/observed-event-bus.js';
import { FileImageStore, imageUrls, openDatabase, openLibrary, type Database, type Library, type SemanticIndex } from './library/index.js';
import { createLogger, type Logger } from './logger.js';
import { BUNDLED_MODEL_NAME, TINY_MODEL_NAME, loadEmbedder, resolveDefaultModel, sweepStoreInBackground } from './startup.js';

export interface RunningServer {
  url: string;
  port: number;
  /** The open database, for tools and tests that inspect what the server stored. */
  database: Database;
  /** The library's semantic index (null when semantic search is off), for benchmarks that wait for its backfill. */
  semantic: SemanticIndex | null;
  /**
   * Stops claiming, lets running jobs finish for up to `drainMs` (0: none), gives back to the queue those
   * still running, then closes everything.
   */
  close(drainMs?: number): Promise<void>;
}

export { BUNDLED_MODEL_NAME, TINY_MODEL_NAME };

/** What `npm run build:web` writes (vite, web/vite.config.ts): dist/web beside dist/src. */
const WEB_BUILD_DIR = fileURLToPath(new URL('../web', import.meta.url));

/**
 * The composition root: opens the database (applying migrations), recovers interrupted jobs, starts the
 * workers and serves the API. Everything else receives its dependencies from here. The role decides which:
 * `all` both, `api` no workers (it never claims), `worker` no API, no search encoder, no secret and no sweep
 * (the API nodes do those), only /health and /ready.
 */
export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel, config.nodeId)): Promise<RunningServer> {
  const servesApi = config.role !== 'worker';
  // A cluster node shares events, live states and the rate limit through Redis. Connected first: a node that
  // cannot reach it stops here (RedisUnreachableError names the setting) before anything else has started.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const defaultModel = await resolveDefaultModel(config, logger);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    // LOG_LEVEL=trace logs every SQL statement with its duration.
    ...(logger.isLevelEnabled('trace') ? { onQuery: ({ query, durationMs }) => logger.trace({ sql: query, ms: durationMs }, 'sql') } : {}),
    maintenance: { onError: (error) => logger.warn({ err: error }, 'embedded database: vacuum and analyse failed; trying again in a minute') },
  });
  logger.info({ database: database.kind }, 'database ready');

  const library = await openLibrary(database, new FileImageStore(config.dataDir), {
    samplers: samplerLabels(),
    embedder: servesApi ? await loadEmbedder(config, defaultModel, logger) : null,
    logger,
    nodeId: config.nodeId,
    queuePositionsMaxAgeMs: config.queuePositionsMs,
  });
  const redisBus = redis && new RedisEventBus(redis, { prefix: config.redisPrefix, logger });
  const catalog = new ModelCatalog(config.modelsDir, defaultModel, nonModelDirs(config));
  const loras = new FileCatalog(config.lorasDir, readLoraFileInfo);
  const embeddings = new FileCatalog(config.embeddingsDir, readEmbeddingFileInfo);
  const upscalers = new FileCatalog(config.upscalersDir, readUpscalerFileInfo, ONNX_FILES);
  // Only a PostgreSQL database can be shared with other nodes, whose failures this one must see.
  const modelHealth = new ModelHealth(catalog, library.modelProblems, config.nodeId, logger, database.kind === 'postgresql');
  const pool =
    config.workers > 0 && config.role !== 'api'
      ? new WorkerPool(
          config.workers,
          (index) => ({
            session: {
              device: config.device,
              cudaDeviceId: config.cudaDevices[index % config.cudaDevices.length],
              cpuThreads: config.cpuThreadsPerWorker,
            },
            taesdDir: config.taesdDir,
            memoryBudgetBytes: config.workerMemoryBytes,
          }),
          logger,
        )
      : undefined;
  const metrics = new AtelierMetrics({
    nodeId: config.nodeId,
    jobCounts: () => library.jobCounts(),
    workers: () => ({ busy: (pool?.size ?? 0) - (pool?.idleCount ?? 0), idle: pool?.idleCount ?? 0 }),
    logger,
  });
  const bus: EventBus = withDeliveryLag(redisBus ?? new InProcessEventBus(), (seconds) => metrics.busLag(seconds));
  const service = new GenerationService(
    library.queue,
    library.images,
    bus,
    pool,
    catalog,
    new GenerationRequests(modelHealth, library.reader, {
      samplers: samplerNames,
      taesdAvailable: config.taesdDir !== undefined,
      ...(config.maxPixels !== undefined ? { maxPixels: config.maxPixels } : {}),
      maxJobCost: config.accountLimits.maxJobCost,
      maxUpscalePixels: config.maxUpscalePixels,
    }, loras, upscalers),
    logger,
    {
      previewEvery: config.previewEvery,
      previewMaxSize: config.previewMaxSize,
      upscaleTile: config.upscaleTile,
      safety: config.safety,
      upscaleOverlap: config.upscaleOverlap,
      maxQueuedJobs: config.maxQueuedJobs,
      accountLimits: config.accountLimits,
      sharedQueue: database.kind === 'postgresql',
      storageRetry: config.storageRetry,
      observer: new JobObserver(metrics, modelHealth),
      nodeId: config.nodeId,
      heartbeatMs: config.heartbeatMs,
      pollIntervalMs: config.pollMs,
      affinityWaitMs: config.affinityWaitMs,
      ...(library.signals ? { signals: library.signals } : {}),
      loras,
      embeddings,
      upscalers,
      positionsMaxAgeMs: config.queuePositionsMs,
    },
  );
  await service.start();
  // What this node's workers keep loaded, for every node's `loadedOn` (a stale node drops out as its jobs do).
  const shared = database.kind === 'postgresql' ? library.loadedPipelines : undefined;
  const directory = new LoadedPipelineDirectory(shared, config.nodeId, pool && (() => pool.loadedPipelines()), STALE_AFTER_BEATS * config.heartbeatMs, (error) =>
    logger.warn({ err: error }, 'publishing what the workers keep loaded failed'),
  );
  pool?.onLoaded(() => directory.changed());
  directory.start(config.heartbeatMs);
  const closeLibrary = async (): Promise<void> => {
    await directory.stop();
    await redisBus?.flush(); // the last events (a cancel, a failure) still reach other nodes' subscribers
    await redis?.close();
    await library.close();
    await database.close();
  };

  const authenticator = new Authenticator(config.auth, (hash) => library.accounts.viewerForKeyHash(hash));
  const readiness = readinessChecks(library, modelHealth, redis, () => service.ready);
  const metricsRouteOptions = config.metrics !== 'off' ? { source: metrics, access: metricsAccess(config.metrics, authenticator) } : undefined;
  if (!servesApi) {
    const http = await startWorkerHttpServer({ host: config.host, port: config.port, readiness, ...(metricsRouteOptions ? { metrics: metricsRouteOptions } : {}), logger });
    logger.info({ url: http.url, workers: config.workers, models: config.modelsDir, role: config.role }, 'Atelier worker is serving');
    const close = async (drainMs?: number): Promise<void> => {
      await service.stop(drainMs); // /ready answers 503 meanwhile
      await http.close();
      await closeLibrary();
    };
    return { url: http.url, port: http.port, database, semantic: library.semantic, close };
  }

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
    catalog: modelHealth,
    loras,
    embeddings,
    upscalers,
    loadedPipelines: directory,
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
    rateLimit: { limiter: requestRateLimiter(config, redis, logger), perAccount: config.auth === 'keys' },
    logger,
    corsOrigins: withPublicOrigin(config.corsOrigins, config.publicUrl),
    // DNS rebinding matters only to an open server on loopback: with keys, a rebinding page has no key to send.
    refuseForeignHosts: config.auth === 'none' && isLoopbackAddress(config.host),
    readiness,
    ...(metricsRouteOptions ? { metrics: metricsRouteOptions } : {}),
    web: await loadWebBuild(WEB_BUILD_DIR),
  });
  logger.info({ url: `${http.url}/graphql`, workers: pool?.size ?? 0, models: config.modelsDir, auth: config.auth, role: config.role }, `Atelier is serving: the web app at ${http.url}/, the API and GraphiQL at ${http.url}/graphql`);
  const sweep = sweepStoreInBackground(library, config.sweepGraceMs, logger);

  return {
    url: http.url,
    port: http.port,
    database,
    semantic: library.semantic,
    close: async (drainMs) => {
      // Jobs drain while the API still answers (and /ready says 503), then everything closes.
      await service.stop(drainMs);
      await http.close();
      await sweep.stop();
      await closeLibrary();
    },
  };
}

/** The request rate limit: counted in Redis for a cluster (in this process while Redis does not answer), else here. */
function requestRateLimiter(config: Config, redis: RedisConnections | undefined, logger: Logger): RateLimiter {
  const local = new InMemoryRateLimiter(config.requestsPerMinute);
  if (!redis) return local;
  return new RedisRateLimiter(redis.commands, config.requestsPerMinute, 60_000, { prefix: config.redisPrefix, fallback: local, logger });
}

/**
 * What /ready checks: the database answers, and the default model is usable (a folder the catalog accepts,
 * not marked unusable by a failed load), and Redis answers where one is configured.
 */
function readinessChecks(library: Library, models: ModelHealth, redis: RedisConnections | undefined, takesWork: () => boolean): ReadinessCheck[] {
  return [
    {
      name: 'node',
      check: async () => {
        if (!takesWork()) throw new NotReadyError('draining: this node takes no new work and is about to stop');
      },
    },
    { name: 'database', check: () => library.ping() },
    ...(redis ? [{ name: 'redis', check: () => redis.ping() }] : []),
    {
      name: 'models',
      check: async () => {
        const problem = await models.defaultModelProblem();
        if (problem) throw new NotReadyError(problem);
      },
    },
  ];
}

function metricsAccess(setting: 'open' | 'key', authenticator: Authenticator): MetricsAccess {
  return setting === 'open' ? { kind: 'open' } : { kind: 'admin-key', authenticate: (authorization) => authenticator.authenticate(authorization) };
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
