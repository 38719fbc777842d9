import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { readTextChunks } from '../../src/diffusion/image.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';
import type { RunningServer } from '../../src/server.js';
import { GenerateDocument, UploadImageDocument, type GenerateInput, type GenerationFieldsFragment } from '../generated/operations.js';
import { request, requestData } from '../support/graphql-client.js';
import { analyseImage } from '../support/shape-analyser.js';
import { finishedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';

/**
 * img2img through the GraphQL API on the toy-shapes model: a stored image as the start, the denoising
 * strength recorded and written into the PNG, and what the picture shows kept at a low strength.
 */
describe('img2img over GraphQL', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  let init: GenerationFieldsFragment;

  const finished = async (input: GenerateInput) => finishedGeneration(server.url, (await requestData(server.url, GenerateDocument, { input })).generate.id);

  async function picture(url: string): Promise<{ png: Buffer; seen: ReturnType<typeof analyseImage> }> {
    const png = Buffer.from(await (await fetch(new URL(url, server.url))).arrayBuffer());
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { png, seen: analyseImage(data, info.width, info.height) };
  }

  before(async () => {
    const modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-img2img-'));
    await fs.cp(TOY_MODEL_DIR, path.join(modelsDir, 'toy-shapes'), { recursive: true });
    await writeTinyModel(path.join(modelsDir, 'tiny-inpainting'), { inpainting: true });
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: undefined, workers: 1, previewEvery: 0 });
    init = await finished({ prompt: 'a large green triangle on the right, black background', seed: '1', guidanceScale: 5 });
    assert.equal(init.status, 'COMPLETED');
    assert.equal(init.initImageId, null);
    assert.equal(init.denoisingStrength, null);
  });
  after(async () => server?.close());

  test('a stored image as the start: its size by default, the strength recorded and in the PNG, the composition kept', async () => {
    const initImage = init.images[0]!;
    const out = await finished({ prompt: 'a large yellow circle on the left, white background', seed: '2', guidanceScale: 5, initImageId: initImage.id, denoisingStrength: 0.2 });
    assert.equal(out.status, 'COMPLETED', out.error ?? '');
    assert.deepEqual([out.initImageId, out.denoisingStrength, out.width, out.height], [initImage.id, 0.2, 64, 64]);
    const { png, seen } = await picture(out.images[0]!.url);
    assert.deepEqual([seen.position, seen.size, seen.background], ['right', 'large', 'black']);
    assert.match(readTextChunks(png).get('parameters') ?? '', /, Denoising strength: 0\.2$/);
  });

  test('a high strength follows the new prompt', async () => {
    const out = await finished({ prompt: 'a large yellow circle on the left, white background', seed: '2', guidanceScale: 5, initImageId: init.images[0]!.id, denoisingStrength: 0.95 });
    const { seen } = await picture(out.images[0]!.url);
    assert.deepEqual([seen.colour, seen.position, seen.background], ['yellow', 'left', 'white']);
  });

  test('an init image of another size is stretched to the requested size', async () => {
    const out = await finished({ prompt: 'a large green triangle on the right, black background', seed: '3', guidanceScale: 5, initImageId: init.images[0]!.id, denoisingStrength: 0.3, width: 128, height: 64 });
    assert.equal(out.status, 'COMPLETED', out.error ?? '');
    assert.deepEqual([out.images[0]!.width, out.images[0]!.height], [128, 64]);
  });

  test('bad input: an unknown image, a strength outside 0..1, a strength without an image', async () => {
    const cases: [Partial<GenerateInput>, string, Record<string, unknown>][] = [
      [{ initImageId: 'no-such-image' }, 'initImageId', { reason: 'IMAGE_NOT_FOUND' }],
      [{ initImageId: init.images[0]!.id, denoisingStrength: 1.5 }, 'denoisingStrength', { min: 0, max: 1 }],
      [{ denoisingStrength: 0.5 }, 'denoisingStrength', {}],
    ];
    for (const [extra, field, details] of cases) {
      const result = await request(server.url, GenerateDocument, { input: { prompt: 'a red circle', ...extra } });
      const error = result.errors?.[0];
      assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(result));
      assert.equal(error?.extensions?.field, field);
      for (const [key, value] of Object.entries(details)) assert.equal(error?.extensions?.[key], value, `${field}.${key}`);
    }
  });

  const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

  test('an uploaded picture as the start: stored as PNG, served, and kept at a low strength', async () => {
    // A picture from outside the model: a large red square in the centre of a white background, drawn as SVG.
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#fff"/><rect x="19" y="19" width="26" height="26" fill="#e6261f"/></svg>';
    const upload = (await requestData(server.url, UploadImageDocument, { dataUrl: dataUrl(await sharp(Buffer.from(svg)).png().toBuffer()) })).uploadImage;
    assert.deepEqual([upload.width, upload.height], [64, 64]);
    const served = await picture(upload.url);
    assert.deepEqual([served.seen.colour, served.seen.shape, served.seen.position, served.seen.background], ['red', 'square', 'center', 'white']);

    const out = await finished({ prompt: 'a large red square in the center, white background', seed: '4', guidanceScale: 5, initImageId: upload.id, denoisingStrength: 0.3 });
    assert.equal(out.status, 'COMPLETED', out.error ?? '');
    assert.equal(out.initImageId, upload.id);
    const { seen } = await picture(out.images[0]!.url);
    assert.deepEqual([seen.colour, seen.position, seen.size, seen.background], ['red', 'center', 'large', 'white']);
  });

  test('an upload with transparency is flattened on white', async () => {
    const clear = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const upload = (await requestData(server.url, UploadImageDocument, { dataUrl: dataUrl(clear) })).uploadImage;
    const png = Buffer.from(await (await fetch(new URL(upload.url, server.url))).arrayBuffer());
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 3);
    assert.deepEqual([...data.subarray(0, 3)], [255, 255, 255]);
  });

  test('bad uploads: not a data URL, not an image, too large', async () => {
    const huge = await sharp({ create: { width: 4097, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
    const cases: [string, Record<string, unknown>][] = [
      ['https://example.com/cat.png', {}],
      [`data:image/png;base64,${Buffer.from('not a png').toString('base64')}`, {}],
      [dataUrl(huge), { max: 4096 }],
    ];
    for (const [url, details] of cases) {
      const result = await request(server.url, UploadImageDocument, { dataUrl: url });
      const error = result.errors?.[0];
      assert.deepEqual([error?.extensions?.code, error?.extensions?.field], ['BAD_USER_INPUT', 'dataUrl'], JSON.stringify(result));
      for (const [key, value] of Object.entries(details)) assert.equal(error?.extensions?.[key], value);
    }
  });

  test('inpainting through the API: an uploaded mask, the masked region repainted, every other pixel kept', async () => {
    const maskSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#000"/><rect x="32" y="8" width="32" height="48" fill="#fff"/></svg>';
    const mask = (await requestData(server.url, UploadImageDocument, { dataUrl: dataUrl(await sharp(Buffer.from(maskSvg)).png().toBuffer()) })).uploadImage;
    const initImage = init.images[0]!;
    const out = await finished({ prompt: 'a large yellow circle on the right, black background', seed: '6', guidanceScale: 5, initImageId: initImage.id, maskImageId: mask.id, denoisingStrength: 1 });
    assert.equal(out.status, 'COMPLETED', out.error ?? '');
    assert.deepEqual([out.initImageId, out.maskImageId], [initImage.id, mask.id]);
    const before = await sharp(Buffer.from(await (await fetch(new URL(initImage.url, server.url))).arrayBuffer())).raw().toBuffer();
    const after = await sharp(Buffer.from(await (await fetch(new URL(out.images[0]!.url, server.url))).arrayBuffer())).raw().toBuffer();
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        if (x >= 32 && y >= 8 && y < 56) continue;
        const p = (y * 64 + x) * 3;
        assert.deepEqual([...after.subarray(p, p + 3)], [...before.subarray(p, p + 3)], `pixel ${x},${y} outside the mask changed`);
      }
    }
    const { seen } = await picture(out.images[0]!.url);
    assert.deepEqual([seen.colour, seen.position, seen.background], ['yellow', 'right', 'black']);

    const noInit = await request(server.url, GenerateDocument, { input: { prompt: 'a red circle', maskImageId: mask.id } });
    assert.deepEqual([noInit.errors?.[0]?.extensions?.code, noInit.errors?.[0]?.extensions?.field], ['BAD_USER_INPUT', 'maskImageId']);
    const notUpload = await request(server.url, GenerateDocument, { input: { prompt: 'a red circle', initImageId: initImage.id, maskImageId: initImage.id } });
    assert.deepEqual([notUpload.errors?.[0]?.extensions?.field, notUpload.errors?.[0]?.extensions?.reason], ['maskImageId', 'IMAGE_NOT_FOUND']);
  });

  test('an inpainting model (9-channel UNet) through the API: the mask and picture go to the UNet, kept pixels stay', async () => {
    const picture64 = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#2040c0' } }).png().toBuffer();
    const maskSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#000"/><rect width="32" height="64" fill="#fff"/></svg>';
    const [initUpload, mask] = [
      (await requestData(server.url, UploadImageDocument, { dataUrl: dataUrl(picture64) })).uploadImage,
      (await requestData(server.url, UploadImageDocument, { dataUrl: dataUrl(await sharp(Buffer.from(maskSvg)).png().toBuffer()) })).uploadImage,
    ];
    const out = await finished({ prompt: 'a red circle', model: 'tiny-inpainting', steps: 4, seed: '1', initImageId: initUpload.id, maskImageId: mask.id, denoisingStrength: 1 });
    assert.equal(out.status, 'COMPLETED', out.error ?? '');
    const after = await sharp(Buffer.from(await (await fetch(new URL(out.images[0]!.url, server.url))).arrayBuffer())).raw().toBuffer();
    for (let p = 0; p < 64 * 64; p++) if (p % 64 >= 32) assert.deepEqual([...after.subarray(p * 3, p * 3 + 3)], [0x20, 0x40, 0xc0]);
  });
});
