/**
 * Upscaler models (diffusion/upscale/upscaler-model.ts) with the shipped toy-2x network
 * (tools/toy-model/train_upscaler.py): its scale is read from a test run; on pictures it never saw (drawn by
 * toy-shapes, halved by 2x2 averages) it restores more than bicubic does (PSNR); a tiled run equals an
 * untiled one away from the seams and stays close at them; tiles are reported and a cancel stops the run.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { GenerationAbortedError, StableDiffusionPipeline, type RgbImage } from '../../src/diffusion/index.js';
import { tileLayout, UpscalerModel } from '../../src/diffusion/upscale/upscaler-model.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';
import { scoringPrompts, TOY_MODEL_DIR } from '../support/toy-world.js';

const TOY_2X = fileURLToPath(new URL('../../../models/upscalers/toy-2x.onnx', import.meta.url));
const CPU = { device: 'cpu' as const, cpuThreads: 2 };

function halve(image: RgbImage): RgbImage {
  const width = image.width / 2;
  const height = image.height / 2;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const at = (dy: number, dx: number) => image.data[((2 * y + dy) * image.width + 2 * x + dx) * 3 + c]!;
        data[(y * width + x) * 3 + c] = Math.round((at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4);
      }
    }
  }
  return { width, height, data };
}

async function bicubic(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(width, height, { kernel: 'cubic', fit: 'fill' }).raw().toBuffer();
  return { width, height, data: new Uint8Array(data) };
}

function psnr(a: RgbImage, b: RgbImage): number {
  let squared = 0;
  for (let i = 0; i < a.data.length; i++) squared += (a.data[i]! - b.data[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (squared / a.data.length));
}

describe('the toy 2x upscaler', () => {
  let model: UpscalerModel;
  let pictures: RgbImage[];
  before(async () => {
    model = await UpscalerModel.load(TOY_2X, CPU);
    const pipeline = await StableDiffusionPipeline.load(TOY_MODEL_DIR, CPU);
    try {
      pictures = [];
      for (const [i, { prompt }] of scoringPrompts(6).entries()) {
        const request = { prompt, sampler: 'ddim', steps: 12, guidanceScale: 5, width: 64, height: 64, seeds: [BigInt(100 + i)] };
        pictures.push(...(await pipeline.txt2img(request)).images);
      }
    } finally {
      await pipeline.release();
    }
  });
  after(() => model?.release());

  test('the scale is read from a test run', () => {
    assert.equal(model.scale, 2);
  });

  test('on pictures it never saw it restores more than bicubic does', async () => {
    let ours = 0;
    let theirs = 0;
    for (const picture of pictures) {
      const small = halve(picture);
      ours += psnr(await model.upscale(small), picture) / pictures.length;
      theirs += psnr(await bicubic(small, 64, 64), picture) / pictures.length;
    }
    console.log(`toy-2x: ${ours.toFixed(2)} dB, bicubic ${theirs.toFixed(2)} dB (mean PSNR over ${pictures.length} held-out pictures)`);
    assert.ok(ours > theirs + 1, `toy-2x ${ours.toFixed(2)} dB against bicubic ${theirs.toFixed(2)} dB`);
  });

  test('a tiled run equals the untiled one away from the seams, and stays close at them', async () => {
    const picture = pictures[0]!;
    const whole = await model.upscale(picture, { tile: 512 });
    const tiles: number[] = [];
    const tiled = await model.upscale(picture, { tile: 24, overlap: 8, onTile: (done, total) => void tiles.push(done, total) });
    const layout = tileLayout(64, 24, 8);
    assert.deepEqual(layout, { size: 22, starts: [0, 14, 28, 42] }, 'four tiles of 22 px (the fewest that share 8 at most 24 px wide), evenly spread');
    const { starts } = layout;
    assert.deepEqual(tiles.slice(-2), [16, 16], 'sixteen tiles reported');
    // The network sees 5 input pixels around each one (four 3x3 convolutions and the bilinear base): a pixel
    // that far from every tile edge inside the picture, in a part only one tile covers, comes out the same.
    const edges = [...new Set(starts.flatMap((s) => [s, s + layout.size]))].filter((e) => e > 0 && e < 64);
    const clear = (v: number) => edges.every((e) => Math.abs(v - e) >= 6);
    let far = 0;
    let worstFar = 0;
    let worstNear = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        const difference = Math.max(...[0, 1, 2].map((c) => Math.abs(whole.data[(y * 128 + x) * 3 + c]! - tiled.data[(y * 128 + x) * 3 + c]!)));
        if (clear(x / 2) && clear(y / 2)) {
          far++;
          worstFar = Math.max(worstFar, difference);
        } else worstNear = Math.max(worstNear, difference);
      }
    }
    assert.ok(far > 500, `${far} pixels away from the seams`);
    assert.ok(worstFar <= 1, `away from the seams the tiled run differs by ${worstFar} levels`);
    assert.ok(worstNear <= 24, `at the seams it differs by ${worstNear} levels`);
  });

  test('a cancel stops the run between tiles', async () => {
    const controller = new AbortController();
    await assert.rejects(
      model.upscale(pictures[0]!, { tile: 16, overlap: 4, signal: controller.signal, onTile: (done) => void (done === 2 && controller.abort()) }),
      GenerationAbortedError,
    );
  });
});

test('a network that is not an upscaler is refused with what it did', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-not-upscaler-'));
  try {
    await writeTinyModel(dir);
    await assert.rejects(UpscalerModel.load(path.join(dir, 'vae_decoder/model.onnx'), CPU), /is not an upscaler/);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
