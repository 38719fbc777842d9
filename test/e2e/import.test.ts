import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { GenerationDocument, ImportImageDocument } from '../generated/operations.js';
import { request, requestData } from '../support/graphql-client.js';
import { pngWithText } from '../support/png-text.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** Runs `main.js <args>` as a real process (stdout is a pipe, so no progress bar) and collects its output. */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

const A1111 = 'a lighthouse at dusk, "oil painting"\nNegative prompt: blurry\nSteps: 24, Sampler: DPM++ 2M Karras, CFG scale: 6, Seed: 9007199254740993, Size: 512x640, Model: sd15';

test('`import` and `export` as commands: a summary with reasons, progress kept off a pipe, and a round trip', { timeout: 120_000 }, async () => {
  const dataDir = await tempDataDir();
  const input = path.join(dataDir, 'to-import');
  await fs.mkdir(path.join(input, 'sub'), { recursive: true });
  await fs.writeFile(path.join(input, 'one.png'), await pngWithText([{ keyword: 'parameters', text: A1111 }]));
  await fs.writeFile(path.join(input, 'sub', 'two.png'), await pngWithText([{ keyword: 'parameters', text: 'a green hill\nSteps: 5, Sampler: Euler, CFG scale: 3, Seed: 1, Size: 16x16' }], '#00ff00'));
  await fs.writeFile(path.join(input, 'sub', 'no-metadata.png'), await pngWithText([], '#000000'));

  const first = await cli(['import', input], { ATELIER_DATA_DIR: dataDir });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^imported 2 \(2 images\)$/m);
  assert.match(first.stdout, /^skipped 1:$/m);
  assert.match(first.stdout, /^ {2}no recognised metadata: 1$/m);
  assert.match(first.stdout, new RegExp(`^ {4}${path.join('sub', 'no-metadata.png')} \\(looked for AUTOMATIC1111`, 'm'));
  assert.doesNotMatch(first.stderr, /importing \[/, 'no progress bar on a pipe');

  const second = await cli(['import', input], { ATELIER_DATA_DIR: dataDir });
  assert.match(second.stdout, /^imported 0$/m);
  assert.match(second.stdout, /^ {2}already in the library: 2$/m);

  const csv = path.join(dataDir, 'prompts.csv');
  await fs.writeFile(csv, 'prompt,seed\n"a cat, sleeping",3\nbroken,-1\n');
  const fromCsv = await cli(['import', csv], { ATELIER_DATA_DIR: dataDir });
  assert.match(fromCsv.stdout, /^imported 1 \(1 prompt\)$/m);
  assert.match(fromCsv.stdout, /^ {4}prompts\.csv line 3 \(seed "-1" is not an integer/m);

  const exportDir = path.join(dataDir, 'export');
  const exported = await cli(['export', exportDir], { ATELIER_DATA_DIR: dataDir });
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /exported 3 prompts, 2 generations and 2 image files/);
  const lines = (await fs.readFile(path.join(exportDir, 'library.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const lighthouse = lines.find((l) => l.type === 'generation' && l.prompt === 'a lighthouse at dusk, "oil painting"');
  assert.ok(lighthouse);
  assert.deepEqual(
    { sampler: lighthouse.sampler, seed: lighthouse.seed, steps: lighthouse.steps, width: lighthouse.width, height: lighthouse.height },
    { sampler: 'dpmpp_2m_karras', seed: '9007199254740993', steps: 24, width: 512, height: 640 },
  );

  const fresh = await tempDataDir();
  const back = await cli(['import', exportDir], { ATELIER_DATA_DIR: fresh });
  assert.match(back.stdout, /^imported 5 \(3 prompts, 2 generations\)$/m);
  assert.match(back.stdout, /^skipped 0$/m);

  const missing = await cli(['import', path.join(dataDir, 'nowhere')], { ATELIER_DATA_DIR: dataDir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nowhere does not exist/);
});

test('importImage reads a PNG like PNG Info, adds it to the library once, and rejects a PNG without metadata', { timeout: 120_000 }, async () => {
  const server = await startTestServer({ dataDir: await tempDataDir(), workers: 0 });
  try {
    const png = await pngWithText([{ keyword: 'parameters', text: A1111 }]);
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
    const { importImage } = await requestData(server.url, ImportImageDocument, { dataUrl });
    assert.deepEqual(
      { ...importImage, image: undefined, generationId: undefined },
      {
        format: 'AUTOMATIC1111',
        prompt: 'a lighthouse at dusk, "oil painting"',
        negativePrompt: 'blurry',
        seed: '9007199254740993',
        steps: 24,
        guidanceScale: 6,
        sampler: 'dpmpp_2m_karras',
        width: 512,
        height: 640,
        model: 'sd15',
        raw: A1111,
        alreadyInLibrary: false,
        image: undefined,
        generationId: undefined,
      },
    );
    // The stored picture is the one sent, byte for byte.
    const served = Buffer.from(await (await fetch(new URL(importImage.image.url, server.url))).arrayBuffer());
    assert.equal(createHash('sha256').update(served).digest('hex'), importImage.image.sha256);
    assert.deepEqual(served, png);

    // It is a completed generation in the library, with the file's parameters.
    const { generation } = await requestData(server.url, GenerationDocument, { id: importImage.generationId });
    assert.deepEqual(
      { status: generation?.status, prompt: generation?.prompt, sampler: generation?.sampler, seed: generation?.seed, images: generation?.images.map((i) => i.id) },
      { status: 'COMPLETED', prompt: 'a lighthouse at dusk, "oil painting"', sampler: 'dpmpp_2m_karras', seed: '9007199254740993', images: [importImage.image.id] },
    );

    const again = (await requestData(server.url, ImportImageDocument, { dataUrl })).importImage;
    assert.equal(again.alreadyInLibrary, true);
    assert.equal(again.image.id, importImage.image.id);

    const bare = await pngWithText([], '#abcdef');
    const rejected = await request(server.url, ImportImageDocument, { dataUrl: `data:image/png;base64,${bare.toString('base64')}` });
    const error = rejected.errors?.[0];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(error?.extensions?.field, 'dataUrl');
    assert.deepEqual(error?.extensions?.allowedValues, ['AUTOMATIC1111', 'COMFYUI', 'INVOKEAI']);
    assert.match(error?.message ?? '', /no recognised metadata/);

    const notPng = await request(server.url, ImportImageDocument, { dataUrl: 'data:image/jpeg;base64,AAAA' });
    assert.equal(notPng.errors?.[0]?.extensions?.field, 'dataUrl');
    assert.deepEqual(notPng.errors?.[0]?.extensions?.allowedValues, ['image/png']);
  } finally {
    await server.close();
  }
});
