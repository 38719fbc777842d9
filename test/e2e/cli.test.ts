import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { CatalogDocument, GenerateDocument, GenerationDocument } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { analyseImage } from '../support/shape-analyser.js';
import { MAIN, serve } from '../support/node-process.js';
import { tempDataDir, tinyModelsDir } from '../support/test-server.js';

const REPO_ROOT = path.resolve(path.dirname(MAIN), '../..');

// A hang here is the failure (shutdown never finishing), so the test gets a generous limit instead of none.
test('the server process serves, and exits cleanly on SIGTERM even with a job running', { timeout: 60_000 }, async () => {
  // No drain: the job is given back at once (a drained shutdown is test/e2e/cluster.test.ts's).
  const { child, url } = await serve({ ATELIER_DATA_DIR: await tempDataDir(), ATELIER_MODELS_DIR: await tinyModelsDir(), LOG_LEVEL: 'info', ATELIER_DRAIN_MS: '0' });
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { generate(input: {prompt: "x", steps: 150, width: 512, height: 512}) { id } }' }),
  });
  assert.equal(response.status, 200);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

// Terminating a worker thread while onnxruntime-node runs a session used to abort the process ("terminate called
// after throwing an instance of 'Napi::Error'", exit 134). The workers now stop between steps and end themselves.
test('SIGTERM in the middle of a step exits cleanly, and the interrupted job runs at the next start', { timeout: 180_000 }, async () => {
  const env = { ATELIER_DATA_DIR: await tempDataDir(), ATELIER_MODELS_DIR: path.join(REPO_ROOT, 'models'), ATELIER_DEFAULT_MODEL: 'toy-shapes' };
  const first = await serve({ ...env, ATELIER_WORKERS: '1', ATELIER_CPU_THREADS: '1', LOG_LEVEL: 'info', ATELIER_DRAIN_MS: '0' });
  let output = '';
  first.child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  first.child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 512x512 on toy-shapes: a few hundred milliseconds per UNet run, so the signal lands inside one.
  const input = { prompt: 'a small red circle in the top left on a blue background', seed: '7', width: 512, height: 512, steps: 12 };
  const { id } = (await requestData(first.url, GenerateDocument, { input })).generate;
  while ((await requestData(first.url, GenerationDocument, { id })).generation?.status !== 'RUNNING') await new Promise((r) => setTimeout(r, 20));
  await new Promise((resolve) => setTimeout(resolve, 800));
  first.child.kill('SIGTERM');
  const [code, signal] = (await once(first.child, 'exit')) as [number | null, NodeJS.Signals | null];
  assert.deepEqual([code, signal], [0, null], output);
  assert.doesNotMatch(output, /terminate called|Napi::Error/);

  const second = await serve({ ...env, LOG_LEVEL: 'info' });
  try {
    let generation;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      generation = (await requestData(second.url, GenerationDocument, { id })).generation;
    } while (generation?.status === 'QUEUED' || generation?.status === 'RUNNING');
    assert.equal(generation?.status, 'COMPLETED', generation?.error ?? undefined);
    assert.deepEqual(generation.images.map((image) => [image.width, image.height]), [[512, 512]]);
  } finally {
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }
});

test('a bad setting stops the server with a message naming the variable', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [MAIN, 'serve'], { env: { ...process.env, ATELIER_WORKERS: 'many' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(stderr, /Invalid setting ATELIER_WORKERS: expected an integer, got "many"/);
});

test('as a newcomer runs it: `npm start` in the repository serves toy-shapes, which draws what is asked', { timeout: 120_000 }, async () => {
  const env = { ATELIER_DATA_DIR: await tempDataDir(), ATELIER_MODELS_DIR: undefined, ATELIER_DEFAULT_MODEL: undefined, LOG_LEVEL: 'info' };
  const { child, url } = await serve(env, REPO_ROOT);
  try {
    const { models } = await requestData(url, CatalogDocument);
    assert.equal(models.find((m) => m.isDefault)?.name, 'toy-shapes');

    // Only the prompt and a seed: every other setting is the server's default (euler, 20 steps, guidance 7).
    const input = { prompt: 'a large green triangle on the right, black background', seed: '1', batchSize: 4 };
    const { id } = (await requestData(url, GenerateDocument, { input })).generate;
    let generation;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      generation = (await requestData(url, GenerationDocument, { id })).generation;
    } while (generation?.status === 'QUEUED' || generation?.status === 'RUNNING');
    assert.equal(generation?.status, 'COMPLETED', generation?.error ?? undefined);
    let right = 0;
    for (const image of generation.images) {
      const png = Buffer.from(await (await fetch(new URL(image.url, url))).arrayBuffer());
      const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const seen = analyseImage(data, info.width, info.height);
      if (seen.background === 'black' && seen.colour === 'green' && seen.shape === 'triangle' && seen.position === 'right') right++;
    }
    assert.ok(right >= 3, `${right} of 4 images show a green triangle on the right on black`);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
});
