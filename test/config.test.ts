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

test('settings are read and checked once: how stale a queue position may be for other processes', () => {
  assert.equal(loadConfig({}).queuePositionsMs, 1000);
  assert.equal(loadConfig({ ATELIER_QUEUE_POSITIONS_MS: '250' }).queuePositionsMs, 250);
  assert.throws(() => loadConfig({ ATELIER_QUEUE_POSITIONS_MS: '0' }), /Invalid setting ATELIER_QUEUE_POSITIONS_MS: 0 is outside 10..3600000/);
});
