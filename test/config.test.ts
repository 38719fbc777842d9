import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';

test('settings are read and checked once: CUDA device lists', () => {
  assert.deepEqual(loadConfig({}).cudaDevices, [0]);
  assert.deepEqual(loadConfig({ ATELIER_CUDA_DEVICES: '1, 3' }).cudaDevices, [1, 3]);
  assert.throws(() => loadConfig({ ATELIER_CUDA_DEVICES: 'gpu0' }), /Invalid setting ATELIER_CUDA_DEVICES/);
  assert.throws(() => loadConfig({ PORT: '70000' }), /Invalid setting PORT: 70000 is outside 0..65535/);
  assert.throws(() => loadConfig({ ATELIER_DEVICE: 'tpu' }), /Invalid setting ATELIER_DEVICE: expected one of auto, cuda, cpu/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /Invalid setting DATABASE_URL/);
});

test('settings are read and checked once: query limits', () => {
  assert.deepEqual(loadConfig({}).queryLimits, { maxTokens: 2000, maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxCost: 25_000, maxQueueingMutations: 5 });
  assert.equal(loadConfig({ ATELIER_MAX_QUERY_COST: '100000' }).queryLimits.maxCost, 100_000);
  assert.equal(loadConfig({ ATELIER_MAX_QUEUEING_MUTATIONS: '1' }).queryLimits.maxQueueingMutations, 1);
  assert.throws(() => loadConfig({ ATELIER_MAX_QUERY_DEPTH: 'deep' }), /Invalid setting ATELIER_MAX_QUERY_DEPTH: expected an integer/);
  assert.throws(() => loadConfig({ ATELIER_MAX_ALIASES: '-1' }), /Invalid setting ATELIER_MAX_ALIASES/);
  assert.throws(() => loadConfig({ ATELIER_MAX_QUERY_TOKENS: '5' }), /Invalid setting ATELIER_MAX_QUERY_TOKENS: 5 is outside/);
});

test('ATELIER_CORS_ORIGINS: exact origins, "*" alone, or unset for the server’s own origin only', () => {
  assert.deepEqual(loadConfig({}).corsOrigins, []);
  assert.equal(loadConfig({ ATELIER_CORS_ORIGINS: '*' }).corsOrigins, '*');
  assert.deepEqual(loadConfig({ ATELIER_CORS_ORIGINS: 'https://app.example, http://localhost:5173' }).corsOrigins, ['https://app.example', 'http://localhost:5173']);
  for (const bad of ['app.example', 'https://app.example/', 'https://app.example/path', 'ftp://files.example', '*, https://app.example']) {
    assert.throws(() => loadConfig({ ATELIER_CORS_ORIGINS: bad }), /Invalid setting ATELIER_CORS_ORIGINS/, bad);
  }
});

test('settings are read and checked once: limits per account and the request rate limit', () => {
  const defaults = loadConfig({});
  assert.deepEqual(defaults.accountLimits, { maxQueuedJobsPerAccount: 1000, maxJobsPerMinute: 300, maxJobCost: 100 });
  assert.equal(defaults.requestsPerMinute, 6000);
  const set = loadConfig({ ATELIER_MAX_QUEUE_PER_ACCOUNT: '10', ATELIER_MAX_JOBS_PER_MINUTE: '20', ATELIER_MAX_JOB_COST: '8', ATELIER_RATE_LIMIT: '600' });
  assert.deepEqual([set.accountLimits, set.requestsPerMinute], [{ maxQueuedJobsPerAccount: 10, maxJobsPerMinute: 20, maxJobCost: 8 }, 600]);
  assert.throws(() => loadConfig({ ATELIER_MAX_JOBS_PER_MINUTE: '0' }), /Invalid setting ATELIER_MAX_JOBS_PER_MINUTE: 0 is outside/);
  assert.throws(() => loadConfig({ ATELIER_RATE_LIMIT: 'lots' }), /Invalid setting ATELIER_RATE_LIMIT: expected an integer/);
});

test('settings are read and checked once: retries of a job whose images cannot be stored', () => {
  assert.deepEqual(loadConfig({}).storageRetry, { maxAttempts: 5, firstDelayMs: 30_000 });
  assert.deepEqual(loadConfig({ ATELIER_STORAGE_ATTEMPTS: '1', ATELIER_STORAGE_RETRY_MS: '500' }).storageRetry, { maxAttempts: 1, firstDelayMs: 500 });
  assert.throws(() => loadConfig({ ATELIER_STORAGE_ATTEMPTS: '0' }), /Invalid setting ATELIER_STORAGE_ATTEMPTS: 0 is outside 1..100/);
  assert.throws(() => loadConfig({ ATELIER_STORAGE_RETRY_MS: 'soon' }), /Invalid setting ATELIER_STORAGE_RETRY_MS: expected an integer/);
});

test('settings are read and checked once: the grace period of the start-up image store sweep', () => {
  assert.equal(loadConfig({}).sweepGraceMs, 600_000);
  assert.equal(loadConfig({ ATELIER_SWEEP_GRACE_MS: '60000' }).sweepGraceMs, 60_000);
  // Shorter than a write takes to commit its row would remove files another node is about to reference.
  assert.throws(() => loadConfig({ ATELIER_SWEEP_GRACE_MS: '1000' }), /Invalid setting ATELIER_SWEEP_GRACE_MS: 1000 is outside/);
});

test('ATELIER_NODE_ID names the node: by default host and port, else the setting, checked', () => {
  assert.match(loadConfig({ PORT: '4123' }).nodeId, /^.+:4123$/);
  assert.equal(loadConfig({ ATELIER_NODE_ID: 'gpu-box-1' }).nodeId, 'gpu-box-1');
  assert.throws(() => loadConfig({ ATELIER_NODE_ID: 'two words' }), /ATELIER_NODE_ID/);
});

test('ATELIER_METRICS: open without keys, an admin key with keys, or off; "key" needs keys', () => {
  assert.equal(loadConfig({}).metrics, 'open');
  assert.equal(loadConfig({ ATELIER_AUTH: 'keys' }).metrics, 'key');
  assert.equal(loadConfig({ ATELIER_AUTH: 'keys', ATELIER_METRICS: 'open' }).metrics, 'open');
  assert.equal(loadConfig({ ATELIER_METRICS: 'off' }).metrics, 'off');
  assert.throws(() => loadConfig({ ATELIER_METRICS: 'key' }), /ATELIER_METRICS.*ATELIER_AUTH=keys/);
  assert.throws(() => loadConfig({ ATELIER_METRICS: 'public' }), /ATELIER_METRICS/);
});

test('PORT=0 names no port: the default node id then carries the process id, so nodes on one host differ', () => {
  assert.equal(loadConfig({ PORT: '0' }).nodeId.endsWith(`:pid${process.pid}`), true);
});

test('ATELIER_ROLE: all by default; api and worker need PostgreSQL; a worker needs no auth choice', () => {
  const pgUrl = 'postgresql://postgres@127.0.0.1:5432/atelier';
  assert.equal(loadConfig({}).role, 'all');
  assert.equal(loadConfig({ ATELIER_ROLE: 'api', DATABASE_URL: pgUrl }).role, 'api');
  assert.equal(loadConfig({ ATELIER_ROLE: 'worker', DATABASE_URL: pgUrl }).role, 'worker');
  assert.throws(() => loadConfig({ ATELIER_ROLE: 'worker' }), /Invalid setting ATELIER_ROLE: "worker" needs a shared PostgreSQL database/);
  assert.throws(() => loadConfig({ ATELIER_ROLE: 'api' }), /ATELIER_ROLE/);
  assert.throws(() => loadConfig({ ATELIER_ROLE: 'gpu', DATABASE_URL: pgUrl }), /expected one of all, api, worker/);
  // A worker on 0.0.0.0 (for its health checks) serves no data: no ATELIER_AUTH needed; an API node must choose.
  assert.equal(loadConfig({ ATELIER_ROLE: 'worker', DATABASE_URL: pgUrl, HOST: '0.0.0.0' }).auth, 'none');
  assert.throws(() => loadConfig({ ATELIER_ROLE: 'api', DATABASE_URL: pgUrl, HOST: '0.0.0.0' }), /ATELIER_AUTH/);
});

test('heartbeat, fallback poll and drain settings', () => {
  assert.deepEqual((({ heartbeatMs, pollMs, drainMs }) => [heartbeatMs, pollMs, drainMs])(loadConfig({})), [2000, 10_000, 60_000]);
  const set = loadConfig({ ATELIER_HEARTBEAT_MS: '250', ATELIER_POLL_MS: '3600000', ATELIER_DRAIN_MS: '0' });
  assert.deepEqual([set.heartbeatMs, set.pollMs, set.drainMs], [250, 3_600_000, 0]);
  assert.throws(() => loadConfig({ ATELIER_HEARTBEAT_MS: '10' }), /ATELIER_HEARTBEAT_MS: 10 is outside/);
  assert.throws(() => loadConfig({ ATELIER_DRAIN_MS: '-1' }), /ATELIER_DRAIN_MS/);
});

test('ATELIER_REDIS_URL makes a cluster node: a redis:// or rediss:// URL, else unset; ATELIER_REDIS_PREFIX starts every key', () => {
  assert.equal(loadConfig({}).redisUrl, undefined);
  assert.equal(loadConfig({}).redisPrefix, 'atelier:');
  assert.equal(loadConfig({ ATELIER_REDIS_URL: 'rediss://user:pw@cache.example:6380/2' }).redisUrl, 'rediss://user:pw@cache.example:6380/2');
  assert.throws(() => loadConfig({ ATELIER_REDIS_URL: 'http://127.0.0.1:6379' }), /ATELIER_REDIS_URL/);
  assert.throws(() => loadConfig({ ATELIER_REDIS_URL: 'redis://' }), /ATELIER_REDIS_URL/);
  assert.equal(loadConfig({ ATELIER_REDIS_PREFIX: 'prod-a:' }).redisPrefix, 'prod-a:');
  assert.throws(() => loadConfig({ ATELIER_REDIS_PREFIX: 'two words' }), /ATELIER_REDIS_PREFIX/);
});

test('settings are read and checked once: how stale a queue position may be for other processes', () => {
  assert.equal(loadConfig({}).queuePositionsMs, 1000);
  assert.equal(loadConfig({ ATELIER_QUEUE_POSITIONS_MS: '250' }).queuePositionsMs, 250);
  assert.throws(() => loadConfig({ ATELIER_QUEUE_POSITIONS_MS: '0' }), /Invalid setting ATELIER_QUEUE_POSITIONS_MS: 0 is outside 10..3600000/);
});
