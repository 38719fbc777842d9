/** Every setting in one typed place, read from the environment once at start-up. */
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_AFFINITY_WAIT_MS } from './generation/loaded-sets.js';
import { DEFAULT_STORAGE_RETRY, type StorageRetryPolicy } from './generation/storage-fault.js';
import { DEFAULT_MAX_UPSCALE_PIXELS } from './generation/upscale-request.js';
import { SAFETY_MODES, type SafetyMode } from './generation/safety-mode.js';
import { DEFAULT_SWEEP_GRACE_MS } from './library/files/store-sweep.js';
import { ConfigError, readBytes, readChoice, readDeviceList, readInt, readName, readOrigins, type Env } from './config-values.js';
import { readAuth, readMetricsAccess, readRedisUrl, readRole, readTaesdDir, type NodeRole } from './config-rules.js';

export { NODE_ROLES, type NodeRole } from './config-rules.js';

export { ConfigError };

/**
 * Every setting in one typed place. Read from the environment once at start-up; a bad value stops the
 * server with a message naming the variable. Defaults serve a single machine with no setup: embedded
 * database and data under ./data, the bundled toy-shapes model in ./models, one worker, port 4000.
 */
export interface Config {
  host: string;
  port: number;
  /**
   * ATELIER_NODE_ID: this process's name in a cluster, in every log line and on the jobs it claims. Default
   * `<hostname>:<PORT>`, stable across restarts so a restarted node can recognise its own interrupted jobs.
   */
  nodeId: string;
  /**
   * ATELIER_ROLE: `all` (default) serves the API and runs the workers; `api` serves the API and never claims a
   * job; `worker` runs the workers with only /health and /ready over HTTP. `api` and `worker` need DATABASE_URL.
   */
  role: NodeRole;
  /**
   * ATELIER_HEARTBEAT_MS: how often a node marks its running jobs alive; a RUNNING job whose heartbeat is
   * STALE_AFTER_BEATS (5) beats old is requeued by any node. Also how often every node looks for such jobs.
   */
  heartbeatMs: number;
  /**
   * ATELIER_POLL_MS: the slow fallback look at the queue. Wake-ups arrive at once (PostgreSQL LISTEN/NOTIFY, or
   * in the process); this catches one missed while the notification connection was down.
   */
  pollMs: number;
  /** ATELIER_DRAIN_MS: on SIGTERM, how long running jobs may finish before they are given back to the queue. */
  drainMs: number;
  /** Root for the embedded database and the image files. */
  dataDir: string;
  /** postgresql://... to use a real PostgreSQL; undefined for the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** Folder whose subfolders are models in the diffusers ONNX layout (one model per subfolder). */
  modelsDir: string;
  /** ATELIER_LORAS_DIR: the LoRA .safetensors files (default `models/loras`; a folder inside modelsDir is not a model). */
  lorasDir: string;
  /** ATELIER_EMBEDDINGS_DIR: textual-inversion embeddings (default `models/embeddings`), used by writing their name in a prompt. */
  embeddingsDir: string;
  /** ATELIER_UPSCALERS_DIR: ONNX super-resolution networks (default `models/upscalers`), for upscaling pictures. */
  upscalersDir: string;
  /**
   * Model used when a request names none. Undefined (ATELIER_DEFAULT_MODEL unset): the bundled toy-shapes
   * model when it is in `modelsDir`, otherwise the first model there.
   */
  defaultModel: string | undefined;
  /**
   * Model whose text encoder embeds prompts for semantic search: a folder name in `modelsDir`, undefined for
   * the default model, or 'off' to run without semantic search.
   */
  embeddingModel: string | undefined;
  /** Number of worker threads, each holding its own ONNX sessions. 0 runs the API without generating. */
  workers: number;
  /** ATELIER_WORKER_MEMORY: what one worker's kept models and LoRA sets may hold (default 4 GiB); least recently used go first. */
  workerMemoryBytes: number;
  /** ATELIER_AFFINITY_WAIT_MS: how long a job may be passed over for one that needs nothing new loaded; 0: never. */
  affinityWaitMs: number;
  /** Execution provider choice: auto = CUDA when available, else CPU. */
  device: 'auto' | 'cuda' | 'cpu';
  /** CUDA device ordinals; worker i uses cudaDevices[i % length]. */
  cudaDevices: number[];
  /** Intra-op threads per worker on CPU. */
  cpuThreadsPerWorker: number;
  /** Jobs allowed in the queue at once; more are refused with QUEUE_FULL. */
  maxQueuedJobs: number;
  /** How a job whose images could not be stored (disk full, folder not writable) is run again. */
  storageRetry: StorageRetryPolicy;
  /**
   * ATELIER_SWEEP_GRACE_MS: the start-up sweep removes temporary and unreferenced image files only once they
   * are this old, so a file another node is writing, or whose row is about to be committed, stays.
   */
  sweepGraceMs: number;
  /**
   * How stale a queue position may be for changes other server processes make (claims on worker nodes, jobs
   * queued on other API nodes): the claim order is read again once this old, and a server sharing PostgreSQL
   * checks the positions it published this often. Changes a process makes itself are seen at once.
   */
  queuePositionsMs: number;
  /**
   * ATELIER_MAX_PIXELS: pixels one image of a batchSize-1 job may have on any model (a batch of n gets this / sqrt(n));
   * undefined: each model's own budget from its native size and family (generation/memory-budget.ts).
   */
  maxPixels: number | undefined;
  /** ATELIER_MAX_UPSCALE_PIXELS: the most pixels an upscaleImage result may have (tiles keep the run's memory small). */
  maxUpscalePixels: number;
  /** ATELIER_UPSCALE_TILE / ATELIER_UPSCALE_OVERLAP: upscaler models run on tiles this many input pixels square, sharing the overlap with each neighbour. */
  upscaleTile: number;
  upscaleOverlap: number;
  /** ATELIER_SAFETY: what happens to a picture a model's safety checker flags (only models with one are checked). */
  safety: SafetyMode;
  /** Send a preview image every N denoising steps (0 = never). */
  previewEvery: number;
  /** Folder with taesd_decoder.safetensors (and, for SDXL models, taesdxl_decoder.safetensors); undefined when not installed. */
  taesdDir: string | undefined;
  /** Longest side of a preview image, in pixels. */
  previewMaxSize: number;
  /** ATELIER_REDIS_URL: redis[s]:// to share events, live states and the rate limit with a cluster; undefined: in this process. */
  redisUrl: string | undefined;
  /** ATELIER_REDIS_PREFIX: starts every Redis key and channel, so several clusters (or test runs) share one Redis. */
  redisPrefix: string;
  /** Prefix for image URLs in API responses, e.g. https://atelier.example.com; empty = relative URLs. */
  publicUrl: string;
  /**
   * Origins whose web pages may call the API (CORS, and the Origin of a WebSocket upgrade): exact origins
   * such as https://app.example.com, '*' for every origin; empty (the default) for the server's own origin only.
   */
  corsOrigins: CorsOrigins;
  /** Limits on every GraphQL operation, over HTTP and WebSocket alike; over one, QUERY_TOO_COMPLEX. */
  queryLimits: QueryLimits;
  /** What one account may queue: at once, per minute, and how costly one job may be. */
  accountLimits: AccountLimits;
  /** GraphQL HTTP requests per minute, per account (per client address with auth off); over it, RATE_LIMITED. */
  requestsPerMinute: number;
  /**
   * `keys`: every request needs an API key (npm run keys); `none`: open, every request acts as the admin
   * `local`. Unset, `none` while HOST is a loopback address; any other HOST must choose.
   */
  auth: 'keys' | 'none';
  /** ATELIER_SECRET, the key image URLs are signed with; undefined: a random one kept in the data folder. */
  secret: string | undefined;
  /** How long a signed image URL stays valid at least, in seconds. */
  imageUrlTtlSeconds: number;
  /**
   * ATELIER_METRICS, who may scrape /metrics: `open` (anyone who reaches the port), `key` (an admin API key
   * as `Authorization: Bearer KEY`), `off` (no /metrics). Default: `open` with ATELIER_AUTH=none, `key` with keys.
   */
  metrics: 'open' | 'key' | 'off';
  logLevel: string;
}


/** '*' for every origin, else the exact origins allowed besides the server's own. */
export type CorsOrigins = '*' | readonly string[];

/**
 * Limits on one GraphQL operation, checked before it runs (graphql/query-limits.ts). The defaults let through
 * every query a frontend needs, and the standard introspection query.
 */
export interface QueryLimits {
  /** Tokens in the query text (names, punctuation, values), counted before it is parsed. */
  maxTokens: number;
  /** Fields nested in one another. */
  maxDepth: number;
  /** Aliased fields (`a: generate(...)`), `__typename` left out. */
  maxAliases: number;
  /** Directives (`@include`, `@skip`, ...). */
  maxDirectives: number;
  /** The cost of graphql/query-cost.ts: objects, times the page size of each list around them. */
  maxCost: number;
  /** generate, remix, uploadImage and importImage fields in one request. */
  maxQueueingMutations: number;
}

/**
 * What one account may queue (generation/account-limits.ts, generation/job-cost.ts). The defaults leave one
 * person working alone unhindered; with keys on they keep one account from filling the queue for everyone.
 */
export interface AccountLimits {
  /** Jobs of one account QUEUED at once (QUEUE_FULL beyond). */
  maxQueuedJobsPerAccount: number;
  /** Jobs one account may queue in any 60 seconds (RATE_LIMITED beyond, with retryAfter). */
  maxJobsPerMinute: number;
  /** The most one job may cost, in units of a 512x512, 20-step, one-image job (BAD_USER_INPUT beyond). */
  maxJobCost: number;
}

/**
 * `serve` checks everything; `tool` (the import, export and keys commands, which serve nobody) does not refuse
 * a HOST without ATELIER_AUTH, since `npm run keys` is how that is fixed.
 */
export type ConfigPurpose = 'serve' | 'tool';

/** The folders of other things than models, which may lie inside modelsDir (the defaults do). */
export function nonModelDirs(config: Pick<Config, 'lorasDir' | 'embeddingsDir' | 'upscalersDir'>): string[] {
  return [config.lorasDir, config.embeddingsDir, config.upscalersDir];
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd(), purpose: ConfigPurpose = 'serve'): Config {
  const workers = readInt(env, 'ATELIER_WORKERS', 1, 0, 64);
  const port = readInt(env, 'PORT', 4000, 0, 65535);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgresql:// URL (leave it unset for the embedded database)');
  }
  const modelName = env.ATELIER_DEFAULT_MODEL?.trim() || undefined;
  if (modelName && (modelName.includes('/') || modelName.includes('\\') || modelName.startsWith('.'))) {
    throw new ConfigError('ATELIER_DEFAULT_MODEL', 'expected a folder name inside ATELIER_MODELS_DIR');
  }
  const embeddingModel = env.ATELIER_EMBEDDING_MODEL?.trim() || undefined;
  if (embeddingModel && (embeddingModel.includes('/') || embeddingModel.includes('\\') || embeddingModel.startsWith('.'))) {
    throw new ConfigError('ATELIER_EMBEDDING_MODEL', 'expected a folder name inside ATELIER_MODELS_DIR, or "off"');
  }
  const defaultThreads = Math.max(1, Math.floor(os.availableParallelism() / Math.max(1, workers)));
  const host = env.HOST?.trim() || '127.0.0.1';
  const secret = env.ATELIER_SECRET?.trim() || undefined;
  // A worker node serves no library data (only /health, /ready and /metrics), so it asks for no auth choice.
  const auth = env.ATELIER_ROLE?.trim() === 'worker' && !env.ATELIER_AUTH?.trim() ? 'none' : readAuth(env, host, purpose);
  if (secret !== undefined && secret.length < 32) throw new ConfigError('ATELIER_SECRET', `use at least 32 characters (got ${secret.length}), e.g. openssl rand -hex 32`);
  return {
    host,
    port,
    // PORT=0 names no port: the process id keeps two such nodes on one host apart (their leases must differ).
    nodeId: readName(env, 'ATELIER_NODE_ID', `${os.hostname()}:${port === 0 ? `pid${process.pid}` : port}`),
    role: readRole(env, databaseUrl),
    heartbeatMs: readInt(env, 'ATELIER_HEARTBEAT_MS', 2000, 50, 600_000),
    pollMs: readInt(env, 'ATELIER_POLL_MS', 10_000, 100, 86_400_000),
    drainMs: readInt(env, 'ATELIER_DRAIN_MS', 60_000, 0, 3_600_000),
    dataDir: path.resolve(cwd, env.ATELIER_DATA_DIR?.trim() || 'data'),
    databaseUrl,
    modelsDir: path.resolve(cwd, env.ATELIER_MODELS_DIR?.trim() || 'models'),
    lorasDir: path.resolve(cwd, env.ATELIER_LORAS_DIR?.trim() || path.join(env.ATELIER_MODELS_DIR?.trim() || 'models', 'loras')),
    embeddingsDir: path.resolve(cwd, env.ATELIER_EMBEDDINGS_DIR?.trim() || path.join(env.ATELIER_MODELS_DIR?.trim() || 'models', 'embeddings')),
    upscalersDir: path.resolve(cwd, env.ATELIER_UPSCALERS_DIR?.trim() || path.join(env.ATELIER_MODELS_DIR?.trim() || 'models', 'upscalers')),
    defaultModel: modelName,
    embeddingModel,
    workers,
    workerMemoryBytes: readBytes(env, 'ATELIER_WORKER_MEMORY', 4 * 1024 ** 3),
    affinityWaitMs: readInt(env, 'ATELIER_AFFINITY_WAIT_MS', DEFAULT_AFFINITY_WAIT_MS, 0, 3_600_000),
    device: readChoice(env, 'ATELIER_DEVICE', 'auto', ['auto', 'cuda', 'cpu'] as const),
    cudaDevices: readDeviceList(env, 'ATELIER_CUDA_DEVICES'),
    cpuThreadsPerWorker: readInt(env, 'ATELIER_CPU_THREADS', defaultThreads, 1, 256),
    maxQueuedJobs: readInt(env, 'ATELIER_MAX_QUEUE', 1000, 1, 1_000_000),
    storageRetry: {
      maxAttempts: readInt(env, 'ATELIER_STORAGE_ATTEMPTS', DEFAULT_STORAGE_RETRY.maxAttempts, 1, 100),
      firstDelayMs: readInt(env, 'ATELIER_STORAGE_RETRY_MS', DEFAULT_STORAGE_RETRY.firstDelayMs, 10, 3_600_000),
    },
    sweepGraceMs: readInt(env, 'ATELIER_SWEEP_GRACE_MS', DEFAULT_SWEEP_GRACE_MS, 60_000, 30 * 86_400_000),
    queuePositionsMs: readInt(env, 'ATELIER_QUEUE_POSITIONS_MS', 1000, 10, 3_600_000),
    // At least one 64x64 image; from 11,863,284 (2048x2048 x sqrt(8)) on, every request the other limits allow fits.
    maxPixels: env.ATELIER_MAX_PIXELS?.trim() ? readInt(env, 'ATELIER_MAX_PIXELS', 0, 64 * 64, 1_000_000_000) : undefined,
    maxUpscalePixels: readInt(env, 'ATELIER_MAX_UPSCALE_PIXELS', DEFAULT_MAX_UPSCALE_PIXELS, 64 * 64, 268_435_456),
    safety: readChoice(env, 'ATELIER_SAFETY', 'block', SAFETY_MODES),
    upscaleTile: readInt(env, 'ATELIER_UPSCALE_TILE', 256, 32, 2048),
    upscaleOverlap: readInt(env, 'ATELIER_UPSCALE_OVERLAP', 16, 0, 256),
    previewEvery: readInt(env, 'ATELIER_PREVIEW_EVERY', 1, 0, 1000),
    previewMaxSize: readInt(env, 'ATELIER_PREVIEW_SIZE', 128, 16, 1024),
    taesdDir: readTaesdDir(env, cwd),
    redisUrl: readRedisUrl(env),
    redisPrefix: readName(env, 'ATELIER_REDIS_PREFIX', 'atelier:'),
    publicUrl: (env.ATELIER_PUBLIC_URL?.trim() || '').replace(/\/+$/, ''),
    queryLimits: {
      maxTokens: readInt(env, 'ATELIER_MAX_QUERY_TOKENS', 2000, 100, 1_000_000),
      maxDepth: readInt(env, 'ATELIER_MAX_QUERY_DEPTH', 12, 2, 1000),
      maxAliases: readInt(env, 'ATELIER_MAX_ALIASES', 30, 0, 100_000),
      maxDirectives: readInt(env, 'ATELIER_MAX_QUERY_DIRECTIVES', 50, 0, 100_000),
      maxCost: readInt(env, 'ATELIER_MAX_QUERY_COST', 25_000, 10, 1_000_000_000),
      maxQueueingMutations: readInt(env, 'ATELIER_MAX_QUEUEING_MUTATIONS', 5, 1, 10_000),
    },
    accountLimits: {
      maxQueuedJobsPerAccount: readInt(env, 'ATELIER_MAX_QUEUE_PER_ACCOUNT', 1000, 1, 1_000_000),
      maxJobsPerMinute: readInt(env, 'ATELIER_MAX_JOBS_PER_MINUTE', 300, 1, 1_000_000),
      maxJobCost: readInt(env, 'ATELIER_MAX_JOB_COST', 100, 1, 1_000_000),
    },
    requestsPerMinute: readInt(env, 'ATELIER_RATE_LIMIT', 6_000, 1, 100_000_000),
    auth,
    metrics: readMetricsAccess(env, auth),
    secret,
    imageUrlTtlSeconds: readInt(env, 'ATELIER_IMAGE_URL_TTL', 86_400, 60, 365 * 86_400),
    corsOrigins: readOrigins(env, 'ATELIER_CORS_ORIGINS'),
    logLevel: readChoice(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  };
}
