import path from 'node:path';
import { listModelFolders } from './diffusion/index.js';
import { writeTinyModel } from './diffusion/model/tiny/write-tiny-model.js';
import type { Config } from './config.js';
import { GenerationService } from './generation/generation-service.js';
import { InProcessEventBus } from './generation/in-process-event-bus.js';
import { ModelCatalog } from './generation/model-catalog.js';
import { WorkerPool } from './generation/worker-pool.js';
import type { AppContext } from './graphql/context.js';
import { buildAppSchema } from './graphql/schema.js';
import { startHttpServer } from './http/server.js';
import { DatabaseImageSink, DatabaseJobQueue, FileImageStore, GenerationReader, openDatabase, type Database } from './library/index.js';
import { createLogger, type Logger } from './logger.js';

export interface RunningServer {
  url: string;
  port: number;
  /** The open database, for tools and tests that inspect what the server stored. */
  database: Database;
  close(): Promise<void>;
}

/** The name of the bundled model that is generated on first start when no other model is configured. */
export const TINY_MODEL_NAME = 'tiny';

/**
 * The composition root: opens the database (applying migrations), recovers interrupted jobs, starts the
 * workers and serves the API. Everything else receives its dependencies from here.
 */
export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  await ensureDefaultModel(config, logger);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  logger.info({ database: database.kind }, 'database ready');

  const store = new FileImageStore(config.dataDir);
  const reader = new GenerationReader(database.prisma);
  const bus = new InProcessEventBus();
  const catalog = new ModelCatalog(config.modelsDir, config.defaultModel);
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
    new DatabaseJobQueue(database.prisma),
    new DatabaseImageSink(database.prisma, store),
    bus,
    pool,
    catalog,
    logger,
    { previewEvery: config.previewEvery, previewMaxSize: config.previewMaxSize, sharedQueue: database.kind === 'postgresql' },
  );
  await service.start();

  const context: AppContext = {
    generations: service,
    reader,
    catalog,
    bus,
    publicUrl: config.publicUrl,
    taesdAvailable: config.taesdDir !== undefined,
    maxQueuedJobs: config.maxQueuedJobs,
  };
  const http = await startHttpServer({
    host: config.host,
    port: config.port,
    schema: await buildAppSchema(),
    context: async () => context,
    images: async (id) => {
      const image = await reader.getImage(id);
      if (!image) return null;
      const file = await store.stat(image.path);
      if (!file) return null;
      return { sha256: image.sha256, size: file.size, contentType: 'image/png', open: () => store.open(image.path) };
    },
    logger,
  });
  logger.info({ url: `${http.url}/graphql`, workers: config.workers, models: config.modelsDir }, 'Atelier is serving');

  return {
    url: http.url,
    port: http.port,
    database,
    close: async () => {
      await http.close();
      await service.stop();
      await database.close();
    },
  };
}

/** With nothing configured, write the bundled tiny model so that `npm start` works with nothing downloaded. */
async function ensureDefaultModel(config: Config, logger: Logger): Promise<void> {
  const installed = await listModelFolders(config.modelsDir);
  if (installed.some((m) => m.name === config.defaultModel)) return;
  if (config.defaultModel !== TINY_MODEL_NAME) {
    const names = installed.map((m) => m.name).join(', ') || 'none';
    throw new Error(
      `ATELIER_DEFAULT_MODEL is "${config.defaultModel}" but ${path.join(config.modelsDir, config.defaultModel)} is not a diffusers ONNX model folder (installed: ${names})`,
    );
  }
  const dir = path.join(config.modelsDir, TINY_MODEL_NAME);
  logger.info({ dir }, 'no model installed: writing the bundled tiny model');
  await writeTinyModel(dir);
}
