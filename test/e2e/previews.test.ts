import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import sharp from 'sharp';
import { GenerateDocument, GenerationEventsDocument } from '../generated/operations.js';
import { collectSubscription, requestData, wsClient } from '../support/graphql-client.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

const TAESD_DIR = fileURLToPath(new URL('../../../../shared/reference/taesd', import.meta.url));
const skip = existsSync(TAESD_DIR) ? false : `TAESD weights not found at ${TAESD_DIR} (../shared/reference/taesd)`;

test('step previews by TAESD and by latent2rgb, chosen per request', { skip }, async () => {
  const server = await startTestServer({ dataDir: await tempDataDir(), taesdDir: TAESD_DIR, previewMaxSize: 64 });
  try {
    const client = wsClient(server.url);
    const previews: Record<string, Buffer[]> = {};
    for (const previewMethod of ['TAESD', 'LATENT2RGB'] as const) {
      const { generate } = await requestData(server.url, GenerateDocument, { input: { prompt: 'a red circle', steps: 3, seed: '5', previewMethod } });
      assert.equal(generate.previewMethod, previewMethod);
      const events = (await collectSubscription(client, GenerationEventsDocument, { id: generate.id })).map((e) => e.generationEvents);
      assert.equal(events.at(-1)?.type, 'COMPLETED');
      previews[previewMethod] = events.flatMap((e) => (e.__typename === 'GenerationStep' && e.preview ? [Buffer.from(e.preview.split(',')[1]!, 'base64')] : []));
      assert.equal(previews[previewMethod]!.length, 3);
    }
    // Same seed and steps, so the latents are the same: the two methods must still draw different pictures.
    const raw = async (webp: Buffer) => sharp(webp).removeAlpha().raw().toBuffer();
    const [taesd, linear] = [await raw(previews.TAESD!.at(-1)!), await raw(previews.LATENT2RGB!.at(-1)!)];
    assert.equal(taesd.length, linear.length);
    assert.ok(!taesd.equals(linear));
    await client.dispose();
  } finally {
    await server.close();
  }
});

test('with TAESD installed it is the default preview method', { skip }, async () => {
  const server = await startTestServer({ dataDir: await tempDataDir(), taesdDir: TAESD_DIR, workers: 0 });
  try {
    const { generate } = await requestData(server.url, GenerateDocument, { input: { prompt: 'x' } });
    assert.equal(generate.previewMethod, 'TAESD');
  } finally {
    await server.close();
  }
});
