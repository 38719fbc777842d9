// The real server for end-to-end tests: tiny-model folders, fresh data folders, and a server per suite.
import fs from 'node:fs/promises';
import os from 'node:os';
import { after, before, type TestContext } from 'node:test';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { writeTinyModel, type TinyModelOptions } from '../../src/test-models/tiny/write-tiny-model.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';

let sharedModelsDir: Promise<string> | undefined;

/** One models folder with the tiny model per test process; written once, read by every server. */
export function tinyModelsDir(): Promise<string> {
  sharedModelsDir ??= tinyModelsFolder('models', { tiny: {} });
  return sharedModelsDir;
}

/** A new models folder (atelier-<prefix>-... in the temp folder) with a tiny model per entry: folder name -> its options. */
export async function tinyModelsFolder(prefix: string, models: Record<string, TinyModelOptions>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `atelier-${prefix}-`));
  for (const [name, options] of Object.entries(models)) await writeTinyModel(path.join(dir, name), options);
  return dir;
}

/** The environment of a real node process (node-process.ts) serving the tiny model on one worker thread, logging each job. */
export async function tinyNodeEnv(): Promise<Record<string, string>> {
  return {
    ATELIER_MODELS_DIR: await tinyModelsDir(),
    ATELIER_DEFAULT_MODEL: 'tiny',
    ATELIER_EMBEDDING_MODEL: 'off',
    ATELIER_WORKERS: '1',
    ATELIER_CPU_THREADS: '1',
    ATELIER_PREVIEW_EVERY: '0',
    LOG_LEVEL: 'info',
  };
}

/** A new models folder with copies of the shared tiny model under these folder names, removed when test `t` ends. */
export async function tinyModelCopies(t: TestContext, prefix: string, names: string[]): Promise<string> {
  const dir = await tinyModelsFolder(prefix, {});
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const tiny = path.join(await tinyModelsDir(), 'tiny');
  for (const name of names) await fs.cp(tiny, path.join(dir, name), { recursive: true });
  return dir;
}

export async function tempDataDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'atelier-data-'));
}

/**
 * The server of the enclosing describe(): started before its tests with a fresh data folder (and `overrides`),
 * closed after them. The returned function gives the running server inside tests.
 */
export function suiteServer(overrides: Partial<Config> = {}): () => RunningServer {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir(), ...overrides });
  });
  after(async () => server?.close());
  return () => {
    if (!server) throw new Error('the suite server is not running');
    return server;
  };
}

/** The real server on an ephemeral port, embedded database in `dataDir`, logs silenced unless DEBUG is set. */
export async function startTestServer(overrides: Partial<Config> & { dataDir: string }, logger?: Logger): Promise<RunningServer> {
  const modelsDir = overrides.modelsDir ?? (await tinyModelsDir());
  const config: Config = {
    ...loadConfig({}),
    host: '127.0.0.1',
    port: 0,
    modelsDir,
    // Beside the test's models, as ATELIER_MODELS_DIR's defaults are: not the repository's models/loras.
    lorasDir: path.join(modelsDir, 'loras'),
    embeddingsDir: path.join(modelsDir, 'embeddings'),
    upscalersDir: path.join(modelsDir, 'upscalers'),
    defaultModel: 'tiny',
    // The tiny model's text encoder has random weights: its "meanings" would only blur what tests expect.
    // Semantic search is tested with the toy-shapes encoder (test/e2e/semantic-search.test.ts).
    embeddingModel: 'off',
    cpuThreadsPerWorker: 1,
    ...overrides,
  };
  return startServer(config, logger ?? createLogger(process.env.DEBUG ? 'debug' : 'silent'));
}
