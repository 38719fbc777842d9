import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { RunningServer } from '../../src/server.js';
import { UploadImageDocument, type GenerationFieldsFragment } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { meanAbsDifference } from '../support/pixels.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

/** Thumbnails: made once when a picture is stored, served as WebP at /images/<id>?size=thumb. */
describe('thumbnails', { timeout: 2 * 60_000 }, () => {
  let server: RunningServer;
  let generation: GenerationFieldsFragment;

  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir(), workers: 1, previewEvery: 0 });
    generation = await completedGeneration(server.url, { prompt: 'a red circle', steps: 2, width: 320, height: 256, seed: '4' });
  });
  after(async () => server?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, server.url), { headers });

  test('a generated image has a WebP thumbnail of at most 256 px a side that looks like it', async () => {
    const image = generation.images[0]!;
    assert.equal(image.thumbnailUrl, `${image.url}?size=thumb`);
    const response = await get(image.thumbnailUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/webp');
    const thumbnail = Buffer.from(await response.arrayBuffer());
    const meta = await sharp(thumbnail).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 256, 205]);
    // The same picture, smaller: at a coarse scale (WebP compression and resampling change single pixels of the
    // tiny model's busy patterns) it matches the full image, and clearly not the full image flipped.
    const full = Buffer.from(await (await get(image.url)).arrayBuffer());
    assert.ok(thumbnail.length < full.length);
    const coarse = (input: Buffer, flip = false) => sharp(input).flip(flip).resize(32, 26, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const same = meanAbsDifference(await coarse(thumbnail), await coarse(full));
    const flipped = meanAbsDifference(await coarse(thumbnail), await coarse(full, true));
    assert.ok(same < 12 && flipped > 4 * same, `thumbnail vs image ${same.toFixed(2)}, vs the image flipped ${flipped.toFixed(2)} per channel`);
  });

  test('thumbnails are cached like images, under their own ETag; a bad size is a 400', async () => {
    const image = generation.images[0]!;
    const thumbTag = (await get(image.thumbnailUrl)).headers.get('etag');
    const fullTag = (await get(image.url)).headers.get('etag');
    assert.ok(thumbTag && fullTag && thumbTag !== fullTag);
    assert.equal(fullTag, `"${image.sha256}"`);
    assert.equal((await get(image.thumbnailUrl, { 'if-none-match': thumbTag })).status, 304);
    assert.equal((await get(`${image.url}?size=huge`)).status, 400);
    assert.equal((await get('/images/nope?size=thumb')).status, 404);
  });

  test('uploads get thumbnails too; small pictures are not enlarged', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png().toBuffer();
    const { uploadImage } = await requestData(server.url, UploadImageDocument, { dataUrl: `data:image/png;base64,${png.toString('base64')}` });
    const response = await get(`${uploadImage.url}?size=thumb`);
    assert.equal(response.headers.get('content-type'), 'image/webp');
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    assert.deepEqual([meta.width, meta.height], [40, 30]);
  });
});
