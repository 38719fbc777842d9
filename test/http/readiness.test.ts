import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { NotReadyError, readinessRoute, type ReadinessCheck } from '../../src/http/readiness.js';
import { router } from '../../src/http/router.js';
import { createLogger } from '../../src/logger.js';

async function serveChecks(checks: ReadinessCheck[], timeoutMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const logger = createLogger('silent');
  const server = http.createServer(router([readinessRoute(checks, logger, timeoutMs)], logger));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('/ready answers 503 for a check that never settles, one that fails and one that says why, and names each', async () => {
  const server = await serveChecks(
    [
      { name: 'ok', check: async () => undefined },
      { name: 'hangs', check: () => new Promise(() => undefined) },
      { name: 'driver', check: async () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:5432')) },
      { name: 'models', check: async () => Promise.reject(new NotReadyError('the default model "x" cannot be used: gone')) },
    ],
    50,
  );
  try {
    const response = await fetch(`${server.url}/ready`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: 'unavailable',
      checks: {
        ok: 'ok',
        hangs: 'no answer within 50 ms',
        driver: 'failed (the server log says why)',
        models: 'the default model "x" cannot be used: gone',
      },
    });
  } finally {
    await server.close();
  }
});

test('/ready answers 200 when every check passes', async () => {
  const server = await serveChecks([{ name: 'database', check: async () => undefined }], 1000);
  try {
    const response = await fetch(`${server.url}/ready`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ready', checks: { database: 'ok' } });
  } finally {
    await server.close();
  }
});
