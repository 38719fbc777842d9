import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { readTextChunks } from '../../src/diffusion/image.js';
import type { RunningServer } from '../../src/server.js';
import {
  CatalogDocument,
  GenerateDocument,
  GenerationDocument,
  GenerationEventsDocument,
  GenerationsDocument,
  type GenerateInput,
  type GenerationEventsSubscription,
} from '../generated/operations.js';
import { collectSubscription, request, requestData, wsClient } from '../support/graphql-client.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

type Event = GenerationEventsSubscription['generationEvents'];

/** Queues a generation over HTTP and follows it over graphql-ws until it ends. */
async function generateAndFollow(baseUrl: string, input: GenerateInput): Promise<{ id: string; events: Event[] }> {
  const { generate } = await requestData(baseUrl, GenerateDocument, { input });
  const client = wsClient(baseUrl);
  try {
    const events = await collectSubscription(client, GenerationEventsDocument, { id: generate.id });
    return { id: generate.id, events: events.map((e) => e.generationEvents) };
  } finally {
    await client.dispose();
  }
}

async function download(baseUrl: string, url: string): Promise<{ response: Response; bytes: Buffer }> {
  const response = await fetch(new URL(url, baseUrl));
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('generate, end to end over HTTP and graphql-ws with the tiny model', () => {
  let server: RunningServer;

  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir() });
  });
  after(async () => {
    await server.close();
  });

  test('lists the bundled model and the samplers', async () => {
    const { models, samplers } = await requestData(server.url, CatalogDocument);
    assert.deepEqual(
      models.map((m) => [m.name, m.isDefault]),
      [['tiny', true]],
    );
    assert.ok(samplers.some((s) => s.name === 'euler' && s.label === 'Euler'));
    assert.ok(samplers.some((s) => s.name === 'ddim' && s.label === 'DDIM'));
  });

  test('streams every step with a preview, then the image, which downloads with its parameters', async () => {
    const input: GenerateInput = {
      prompt: 'a red circle on a blue background',
      negativePrompt: 'blurry',
      sampler: 'euler',
      steps: 6,
      guidanceScale: 7.5,
      width: 64,
      height: 96,
      seed: '42',
    };
    const { generate } = await requestData(server.url, GenerateDocument, { input });
    assert.equal(generate.status, 'QUEUED');
    assert.equal(generate.queuePosition, 1);
    assert.equal(generate.seed, '42');

    const client = wsClient(server.url);
    const events = (await collectSubscription(client, GenerationEventsDocument, { id: generate.id })).map((e) => e.generationEvents);
    await client.dispose();

    const types = events.map((e) => e.type);
    assert.equal(types.at(-1), 'COMPLETED');
    const steps = events.filter((e) => e.__typename === 'GenerationStep');
    assert.deepEqual(
      steps.map((s) => (s.__typename === 'GenerationStep' ? [s.step, s.totalSteps] : null)),
      [1, 2, 3, 4, 5, 6].map((n) => [n, 6]),
    );
    for (const step of steps) {
      assert.ok(step.__typename === 'GenerationStep' && step.preview?.startsWith('data:image/webp;base64,'));
      const preview = await sharp(Buffer.from(step.preview!.split(',')[1]!, 'base64')).metadata();
      assert.equal(preview.format, 'webp');
    }
    const images = events.filter((e) => e.__typename === 'GenerationImage');
    assert.equal(images.length, 1);
    assert.ok(types.indexOf('IMAGE') > types.lastIndexOf('STEP'));
    const image = images[0]!.__typename === 'GenerationImage' ? images[0]!.image : assert.fail('no image');
    assert.equal(image.seed, '42');

    const { response, bytes } = await download(server.url, image.url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.match(response.headers.get('cache-control') ?? '', /max-age=\d{7,}/);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    assert.equal(response.headers.get('etag'), `"${sha256}"`);
    assert.equal(image.sha256, sha256);
    const metadata = await sharp(bytes).metadata();
    assert.deepEqual([metadata.format, metadata.width, metadata.height], ['png', 64, 96]);
    assert.equal(
      readTextChunks(bytes).get('parameters'),
      'a red circle on a blue background\nNegative prompt: blurry\nSteps: 6, Sampler: Euler, CFG scale: 7.5, Seed: 42, Size: 64x96, Model: tiny',
    );

    const notModified = await fetch(new URL(image.url, server.url), { headers: { 'if-none-match': `"${sha256}"` } });
    assert.equal(notModified.status, 304);

    // The database rows behind it.
    const prisma = server.database.prisma;
    const row = await prisma.generation.findUniqueOrThrow({ where: { id: generate.id }, include: { images: true, prompt: true } });
    assert.equal(row.status, 'COMPLETED');
    assert.equal(row.prompt.text, input.prompt);
    assert.deepEqual([row.steps, row.width, row.height, row.sampler, row.model], [6, 64, 96, 'euler', 'tiny']);
    assert.equal(row.seed.toString(), '42');
    assert.ok(row.startedAt && row.finishedAt && row.finishedAt >= row.startedAt);
    assert.equal(row.images.length, 1);
    assert.equal(row.images[0]!.sha256, sha256);

    const { generation } = await requestData(server.url, GenerationDocument, { id: generate.id });
    assert.equal(generation?.status, 'COMPLETED');
    assert.equal(generation?.images[0]?.url, image.url);
  });

  test('the same seed and parameters give identical bytes; another seed does not', async () => {
    const input: GenerateInput = { prompt: 'a small green square', steps: 5, width: 64, height: 64, seed: '1234', sampler: 'ddim' };
    const first = await generateAndFollow(server.url, input);
    const second = await generateAndFollow(server.url, input);
    const other = await generateAndFollow(server.url, { ...input, seed: '1235' });
    const bytesOf = async (run: { events: Event[] }): Promise<Buffer> => {
      const event = run.events.find((e) => e.__typename === 'GenerationImage');
      assert.ok(event && event.__typename === 'GenerationImage');
      return (await download(server.url, event.image.url)).bytes;
    };
    const [a, b, c] = await Promise.all([bytesOf(first), bytesOf(second), bytesOf(other)]);
    assert.ok(a.equals(b), 'same seed must reproduce the same PNG bytes');
    assert.ok(!a.equals(c), 'another seed must give another image');
  });

  test('a batch gives one image per consecutive seed, and a random seed is recorded', async () => {
    const run = await generateAndFollow(server.url, { prompt: 'yellow triangle', steps: 3, width: 64, height: 64, batchSize: 2 });
    const { generation } = await requestData(server.url, GenerationDocument, { id: run.id });
    assert.ok(generation);
    assert.match(generation.seed, /^\d+$/);
    assert.deepEqual(
      generation.images.map((i) => [i.index, i.seed]),
      [
        [0, generation.seed],
        [1, (BigInt(generation.seed) + 1n).toString()],
      ],
    );
  });

  test('a late subscriber first receives the current state', async () => {
    const run = await generateAndFollow(server.url, { prompt: 'late joiner', steps: 2, width: 64, height: 64, seed: '7' });
    const client = wsClient(server.url);
    const replay = (await collectSubscription(client, GenerationEventsDocument, { id: run.id })).map((e) => e.generationEvents.type);
    await client.dispose();
    assert.deepEqual(replay, ['STARTED', 'IMAGE', 'COMPLETED']);
  });

  test('a prompt longer than the 8 chunks the pipeline reads is truncated and the generation says so', async () => {
    const prompt = Array.from({ length: 700 }, (_, i) => (i % 2 ? 'red' : 'blue')).join(' ');
    const run = await generateAndFollow(server.url, { prompt, steps: 1, width: 64, height: 64, seed: '3' });
    const completed = run.events.at(-1);
    assert.ok(completed?.__typename === 'GenerationCompleted');
    assert.equal(completed.warnings.length, 1);
    assert.match(completed.warnings[0]!, /prompt has 700 tokens; only the first 8 chunks of 75 were used/);
  });

  test('Midjourney-style parameters in the prompt become the generation parameters; explicit fields win', async () => {
    const { generate } = await requestData(server.url, GenerateDocument, {
      input: { prompt: 'a red fox --ar 16:9 --seed 42 --no blurry, text --steps 3 --cfg 5', negativePrompt: 'ugly', guidanceScale: 6 },
    });
    assert.deepEqual(
      [generate.prompt, generate.negativePrompt, generate.seed, generate.steps, generate.guidanceScale, generate.width, generate.height],
      ['a red fox', 'ugly, blurry, text', '42', 3, 6, 112, 64],
    );
    const bad = await request(server.url, GenerateDocument, { input: { prompt: 'a red fox --ar wide' } });
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(bad.errors?.[0]?.extensions?.field, 'prompt');
    assert.match(bad.errors?.[0]?.message ?? '', /--ar needs "width:height"/);
  });

  test('a variation seed is recorded, returned and written into the PNG parameters', async () => {
    const run = await generateAndFollow(server.url, {
      prompt: 'a variation',
      steps: 2,
      width: 64,
      height: 64,
      seed: '11',
      variationSeed: '7',
      variationStrength: 0.25,
    });
    const { generation } = await requestData(server.url, GenerationDocument, { id: run.id });
    assert.deepEqual([generation?.variationSeed, generation?.variationStrength], ['7', 0.25]);
    const { bytes } = await download(server.url, generation!.images[0]!.url);
    assert.match(readTextChunks(bytes).get('parameters') ?? '', /Seed: 11, Size: 64x64, Model: tiny, Variation seed: 7, Variation seed strength: 0.25$/);
    const bad = await request(server.url, GenerateDocument, { input: { prompt: 'x', variationStrength: 1.5 } });
    assert.deepEqual([bad.errors?.[0]?.extensions?.code, bad.errors?.[0]?.extensions?.field, bad.errors?.[0]?.extensions?.max], ['BAD_USER_INPUT', 'variationStrength', 1]);
  });

  test('generations are listed newest first with stable cursors', async () => {
    const all: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const { generations } = await requestData(server.url, GenerationsDocument, { first: 2, after });
      all.push(...generations.edges.map((e) => e.node.id));
      if (!generations.pageInfo.hasNextPage) {
        assert.equal(all.length, generations.totalCount);
        break;
      }
      after = generations.pageInfo.endCursor;
    }
    assert.equal(new Set(all).size, all.length);
    const rows = await server.database.prisma.generation.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    assert.deepEqual(all, rows.map((r) => r.id));
  });

  test('an unknown image id is a 404', async () => {
    const response = await fetch(`${server.url}/images/doesnotexist`);
    assert.equal(response.status, 404);
  });
});
