/**
 * Memory a large job used is given back: after a 512x512 toy-shapes job (64x its native area), the server's RSS
 * returns near where it was before it (the worker releases its sessions; generation/worker.ts giveBackMemory).
 * Kept onnxruntime's arena would hold about 1.1 GB more (BENCHMARKS.md, bench:memory).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '../../src/server.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

const REPO_MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
const MiB = 1024 ** 2;

describe('memory after a large job', { timeout: 120_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir: REPO_MODELS, defaultModel: 'toy-shapes', workers: 1 });
  });
  after(async () => server?.close());

  test('RSS returns to within 256 MiB of its level before a 512x512 job', async () => {
    const prompt = 'a large green triangle on the right, black background';
    await completedGeneration(server.url, { prompt, steps: 1, seed: '1' }, 'warm-up at the native size');
    const before = process.memoryUsage.rss();
    await completedGeneration(server.url, { prompt, steps: 1, seed: '2', width: 512, height: 512 }, 'the large job');
    const grown = process.memoryUsage.rss() - before;
    assert.ok(grown < 256 * MiB, `RSS grew by ${Math.round(grown / MiB)} MiB over the job and stayed`);
  });
});
