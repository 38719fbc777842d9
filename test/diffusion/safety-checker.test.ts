/**
 * The safety checker's engine part (diffusion/safety/): CLIP's preprocessing against values worked out by hand
 * from Pillow's resampler and transformers' crop and normalisation; the checker run on the tiny stand-in
 * (tiny-safety-checker.ts: it flags pictures of about one colour) in float32 and float16, one picture at a
 * time; model folders that have a checker say so; the blur that hides a flagged picture.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ort from 'onnxruntime-node';
import { GenerationAbortedError, readModelFolder, StableDiffusionPipeline, type RgbImage } from '../../src/diffusion/index.js';
import {
  CLIP_PREPROCESSING,
  clipPixelValues,
  clipPreprocessingFrom,
  clipResizeSize,
  readClipPreprocessing,
} from '../../src/diffusion/safety/clip-preprocessing.js';
import { blackImage, blurImage, boxRadii, defaultBlurSigma } from '../../src/diffusion/safety/obscure.js';
import { resizeLikePil } from '../../src/diffusion/safety/pil-resample.js';
import { SafetyChecker } from '../../src/diffusion/safety/safety-checker.js';
import { writeTinySafetyChecker } from '../../src/test-models/tiny/tiny-safety-checker.js';
import { tinyModelFiles, writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';
import { meanAbsDifference } from '../support/pixels.js';
import { seededRandom } from '../support/seeded-random.js';
import { scoringPrompts, TOY_MODEL_DIR, toyWorld } from '../support/toy-world.js';

const CPU = { device: 'cpu' as const, cpuThreads: 2 };
const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];
/** CLIP's normalisation of one 0..255 value of channel c, in doubles. */
const normalised = (value: number, c: number) => (value / 255 - MEAN[c]!) / STD[c]!;

function picture(width: number, height: number, colour: (x: number, y: number) => [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * 3);
  return { width, height, data };
}

const flat = (width: number, height: number, rgb: [number, number, number]) => picture(width, height, () => rgb);

/** `rgb` with every value moved by up to `amplitude` levels at random. */
function noisy(width: number, height: number, seed: number, rgb: [number, number, number], amplitude: number): RgbImage {
  const random = seededRandom(seed);
  const clamp = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  return picture(width, height, () => rgb.map((v) => clamp(v + (random() * 2 - 1) * amplitude)) as [number, number, number]);
}

/** A toy-world scene: a disc of one of its colours on a background of another, as the toy-shapes model draws. */
function disc(size: number, colour: string, background: string, radius: number, cx: number, cy: number): RgbImage {
  const { colours } = toyWorld();
  return picture(size, size, (x, y) => ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius * radius ? colours[colour]! : colours[background]!));
}

/** clip_input's value of channel c at (x, y). */
function at(tensor: { data: Float32Array; dims: number[] }, c: number, y: number, x: number): number {
  const [, , height, width] = tensor.dims as [number, number, number, number];
  return tensor.data[c * height * width + y * width + x]!;
}

describe('CLIP preprocessing', () => {
  test('a flat picture becomes each channel normalised with CLIP mean and std, 224x224', () => {
    const values = clipPixelValues(flat(640, 480, [255, 0, 128]));
    assert.deepEqual(values.dims, [1, 3, 224, 224]);
    // By hand: (1 - 0.48145466) / 0.26862954, (0 - 0.4578275) / 0.26130258, (128/255 - 0.40821073) / 0.27577711.
    const expected = [1.9303363, -1.7520971, 0.3399486];
    for (let c = 0; c < 3; c++) {
      const plane = values.data.subarray(c * 224 * 224, (c + 1) * 224 * 224);
      assert.ok(Math.abs(plane[0]! - expected[c]!) < 1e-6, `channel ${c}: ${plane[0]} against ${expected[c]}`);
      assert.ok(plane.every((v) => v === plane[0]), `channel ${c} is not flat`);
    }
  });

  test('the centre crop takes the middle 224 columns of a 448x224 picture (no resize: its short side is 224)', () => {
    const values = clipPixelValues(picture(448, 224, (x, y) => [x & 255, y, 7]));
    // Columns 112..335 of the picture; every row.
    for (const [x, source] of [
      [0, 112],
      [143, 255],
      [144, 0],
      [223, 79],
    ] as const) {
      assert.ok(Math.abs(at(values, 0, 10, x) - normalised(source, 0)) < 1e-6, `column ${x} should show red ${source}`);
    }
    assert.ok(Math.abs(at(values, 1, 0, 5) - normalised(0, 1)) < 1e-6);
    assert.ok(Math.abs(at(values, 1, 223, 5) - normalised(223, 1)) < 1e-6);
  });

  test("shrinking 448 -> 224 is Pillow's bicubic: the kernel stretched to 8 taps, cut and renormalised at the edges", () => {
    // Columns alternate 255 and 0. Pillow's weights at scale 2 are the cubic at (i - 2x - 0.5) / 2, i.e. at
    // ±0.25, ±0.75, ±1.25, ±1.75: 0.8671875, 0.2265625, -0.0703125, -0.0234375 (sum 2). Inside, the 255 columns
    // get half: 127.5, rounded up to 128. Column 0 keeps 5 taps (sum 1.8671875, 1.0703125 on 255s): 146.17;
    // column 1, 7 taps (sum 2.0234375, 1.0 on 255s): 126.02; column 222, 7 taps with 1.0234375 on 255s: 128.98;
    // column 223, 5 taps with 0.796875 on 255s: 108.83.
    const stripes = picture(448, 448, (x) => (x % 2 === 0 ? [255, 255, 255] : [0, 0, 0]));
    const resized = resizeLikePil(stripes, 224, 224);
    const row = (y: number) => Array.from({ length: 224 }, (_, x) => resized.data[(y * 224 + x) * 3]!);
    const expected = Array.from({ length: 224 }, () => 128);
    [expected[0], expected[1], expected[222], expected[223]] = [146, 126, 129, 109];
    assert.deepEqual(row(0), expected);
    assert.deepEqual(row(117), expected);
    const values = clipPixelValues(stripes);
    assert.ok(Math.abs(at(values, 2, 50, 0) - normalised(146, 2)) < 1e-6);
  });

  test("enlarging is Pillow's bicubic too (not bilinear): a 0,0,255,255 row at output column 97 gives 49", () => {
    // Output column 97 of 224 from 4: centre 97.5 / 56 = 1.7411, so the taps on input columns 0..3 are the cubic
    // at -1.2411, -0.2411, 0.7589, 1.7589; the 255s get 0.215751 - 0.022054 = 0.193697, 49.39. Bilinear: 61.47.
    const step = picture(4, 4, (x) => (x < 2 ? [0, 0, 0] : [255, 255, 255]));
    const resized = resizeLikePil(step, 224, 224);
    assert.equal(resized.data[(30 * 224 + 97) * 3], 49);
    assert.equal(resizeLikePil(step, 224, 224, 'bilinear').data[(30 * 224 + 97) * 3], 61);
    // Two columns 0 | 255: columns 111 and 112 straddle the edge at 126.11 and 128.89.
    const edge = resizeLikePil(picture(2, 2, (x) => (x === 0 ? [0, 0, 0] : [255, 255, 255])), 224, 224);
    assert.deepEqual([edge.data[111 * 3], edge.data[112 * 3]], [126, 129]);
  });

  test('the shortest edge goes to 224 and the longer side is truncated, then the middle is cropped', () => {
    assert.deepEqual(clipResizeSize(4, 3, CLIP_PREPROCESSING), { width: 298, height: 224 });
    assert.deepEqual(clipResizeSize(3, 4, CLIP_PREPROCESSING), { width: 224, height: 298 });
    assert.deepEqual(clipResizeSize(7, 3, CLIP_PREPROCESSING), { width: 522, height: 224 }, '522.67 truncates, as int() does');
    const image = picture(4, 3, (x, y) => [x * 60, y * 100, 200]);
    const values = clipPixelValues(image);
    assert.deepEqual(values.dims, [1, 3, 224, 224]);
    const resized = resizeLikePil(image, 298, 224);
    // (298 - 224) // 2 = 37 columns are cut on the left.
    for (const x of [0, 100, 223]) assert.ok(Math.abs(at(values, 0, 3, x) - normalised(resized.data[(3 * 298 + x + 37) * 3]!, 0)) < 1e-6, `column ${x}`);
  });

  test('configs in both the old and the new form read as CLIP; other values are taken; bad ones refused', async () => {
    const legacy = {
      crop_size: 224,
      do_center_crop: true,
      do_convert_rgb: true,
      do_normalize: true,
      do_resize: true,
      feature_extractor_type: 'CLIPFeatureExtractor',
      image_mean: MEAN,
      image_std: STD,
      resample: 3,
      size: 224,
    };
    assert.deepEqual(clipPreprocessingFrom(legacy), CLIP_PREPROCESSING);
    const modern = { ...legacy, size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 }, do_rescale: true, rescale_factor: 1 / 255 };
    assert.deepEqual(clipPreprocessingFrom(modern), CLIP_PREPROCESSING);
    assert.deepEqual(clipPreprocessingFrom({ size: { height: 32, width: 48 }, crop_size: 16, image_mean: 0.5, image_std: [0.25, 0.5, 1], resample: 2 }), {
      resize: { height: 32, width: 48 },
      filter: 'bilinear',
      crop: { height: 16, width: 16 },
      rescale: 1 / 255,
      normalize: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 1] },
    });
    const bare = clipPreprocessingFrom({ do_center_crop: false, do_normalize: false });
    assert.equal(bare.crop, undefined);
    assert.equal(bare.normalize, undefined);
    const unnormalised = clipPixelValues(flat(300, 200, [51, 102, 255]), bare);
    assert.deepEqual(unnormalised.dims, [1, 3, 224, 336]);
    assert.deepEqual([at(unnormalised, 0, 0, 0), at(unnormalised, 1, 0, 0), at(unnormalised, 2, 0, 0)], [Math.fround(0.2), Math.fround(0.4), 1]);

    assert.throws(() => clipPreprocessingFrom({ resample: 1 }), /resample 1 is not supported/);
    assert.throws(() => clipPreprocessingFrom({ image_mean: [0.5, 0.5] }), /image_mean/);
    assert.throws(() => clipPreprocessingFrom({ image_std: [0.5, 0, 0.5] }), /image_std must be positive/);
    assert.throws(() => clipPreprocessingFrom({ size: { longest_edge: 5 } }), /size/);
    assert.deepEqual(await readClipPreprocessing(path.join(os.tmpdir(), 'no-such-folder-atelier', 'preprocessor_config.json')), CLIP_PREPROCESSING);
  });
});

describe('the safety checker on the tiny stand-in', () => {
  let root: string;
  const checkers: Partial<Record<'float32' | 'float16', SafetyChecker>> = {};
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-safety-'));
    for (const dtype of ['float32', 'float16'] as const) {
      await writeTinySafetyChecker(path.join(root, dtype), { dtype });
      checkers[dtype] = await SafetyChecker.load(path.join(root, dtype), CPU);
    }
  });
  after(async () => {
    await Promise.all(Object.values(checkers).map((checker) => checker.release()));
    await fs.rm(root, { recursive: true, force: true });
  });

  test('the float16 export takes and gives float16, as a real fp16 export', async () => {
    const session = await ort.InferenceSession.create(path.join(root, 'float16', 'safety_checker', 'model.onnx'));
    try {
      const types = (metadata: readonly ort.InferenceSession.ValueMetadata[]) => metadata.map((m) => [m.name, m.isTensor ? m.type : '-']);
      assert.deepEqual(types(session.inputMetadata), [
        ['clip_input', 'float16'],
        ['images', 'float16'],
      ]);
      assert.deepEqual(types(session.outputMetadata), [
        ['out_images', 'float16'],
        ['has_nsfw_concepts', 'bool'],
      ]);
    } finally {
      await session.release();
    }
  });

  for (const dtype of ['float32', 'float16'] as const) {
    test(`${dtype}: one colour is flagged and blacked out; noise and shapes on a background are not, and come back unchanged`, async () => {
      const checker = checkers[dtype]!;
      const cases: [string, RgbImage, boolean][] = [
        ['flat grey', flat(64, 64, [128, 128, 128]), true],
        ['flat red, not square', flat(96, 40, [220, 40, 40]), true],
        ['flat with ±3 levels of noise', noisy(64, 64, 1, [40, 170, 60], 3), true],
        ['noise over the whole range', noisy(80, 48, 2, [128, 128, 128], 128), false],
        ['a small red disc on black', disc(64, 'red', 'black', 7, 18, 46), false],
        ['a large blue disc on white', disc(64, 'blue', 'white', 13, 32, 32), false],
        ['a small red disc on orange, the closest toy colours', disc(64, 'red', 'orange', 7, 18, 46), false],
      ];
      for (const [name, image, flagged] of cases) {
        const checked = await checker.checkImage(image);
        assert.equal(checked.flagged, flagged, `${name} should ${flagged ? '' : 'not '}be flagged`);
        assert.deepEqual([checked.output.width, checked.output.height], [image.width, image.height]);
        if (flagged) assert.ok(checked.output.data.every((v) => v === 0), `${name}: out_images should be black`);
        else assert.deepEqual(checked.output.data, image.data, `${name}: out_images should be the picture`);
      }
    });
  }

  test('a batch is checked picture by picture: one verdict each, in order, whatever their sizes', async () => {
    const batch = [flat(64, 64, [15, 15, 15]), noisy(80, 48, 3, [128, 128, 128], 128), noisy(64, 64, 4, [240, 220, 40], 2), disc(64, 'green', 'purple', 7, 46, 18), flat(300, 200, [240, 240, 240])];
    for (const checker of Object.values(checkers)) {
      assert.deepEqual(
        (await checker.check(batch)).map((v) => v.flagged),
        [true, false, true, false, true],
      );
    }
  });

  test('a cancelled check stops before the next picture', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(checkers.float32!.check([flat(8, 8, [0, 0, 0])], controller.signal), GenerationAbortedError);
  });

  test("the folder's preprocessor config is used: another crop and mean reach clip_input", async () => {
    const dir = path.join(root, 'custom');
    await writeTinySafetyChecker(dir);
    await fs.writeFile(path.join(dir, 'feature_extractor', 'preprocessor_config.json'), JSON.stringify({ size: 112, crop_size: 112, image_mean: [0.1, 0.2, 0.3] }));
    for (const model of [dir, path.join(dir, 'safety_checker', 'model.onnx')]) {
      const checker = await SafetyChecker.load(model, CPU);
      try {
        assert.deepEqual(checker.preprocessing.crop, { height: 112, width: 112 });
        assert.deepEqual(checker.preprocessing.normalize?.mean, [0.1, 0.2, 0.3]);
        assert.deepEqual(checker.preprocessing.normalize?.std, STD, 'what the config leaves out is CLIP');
        assert.deepEqual((await checker.check([flat(50, 50, [1, 2, 3]), disc(64, 'red', 'black', 7, 18, 46)])).map((v) => v.flagged), [true, false]);
      } finally {
        await checker.release();
      }
    }
  });

  test('a network that is not a safety checker is refused with what it lacks', async () => {
    const dir = path.join(root, 'tiny-model');
    await writeTinyModel(dir);
    await assert.rejects(SafetyChecker.load(path.join(dir, 'vae_decoder', 'model.onnx'), CPU), /is not a safety checker: it lacks clip_input, images, out_images, has_nsfw_concepts/);
  });
});

describe('model folders with and without a checker', () => {
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-safety-folders-'));
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  test('a tiny model with safetyChecker reports it; without, it has no such key and the same files as before', async () => {
    await writeTinyModel(path.join(root, 'plain'));
    await writeTinyModel(path.join(root, 'checked'), { safetyChecker: true });
    const plain = await readModelFolder(path.join(root, 'plain'));
    const checked = await readModelFolder(path.join(root, 'checked'));
    assert.ok(!('safetyChecker' in plain.paths), 'a folder without safety_checker/ reports none');
    assert.equal(checked.paths.safetyChecker, path.join(root, 'checked', 'safety_checker', 'model.onnx'));
    const index = JSON.parse(await fs.readFile(path.join(root, 'checked', 'model_index.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(index.safety_checker, ['diffusers', 'OnnxRuntimeModel']);
    assert.equal(index.requires_safety_checker, true);

    // The option adds files and model_index.json entries; every other file is byte for byte the default's.
    const without = tinyModelFiles();
    const withChecker = tinyModelFiles({ safetyChecker: true });
    assert.deepEqual(
      [...withChecker.keys()].filter((name) => !without.has(name)).sort(),
      ['feature_extractor/preprocessor_config.json', 'safety_checker/model.onnx'],
    );
    for (const [name, contents] of without) {
      if (name !== 'model_index.json') assert.deepEqual(withChecker.get(name), contents, name);
    }
    assert.ok(!String(without.get('model_index.json')).includes('"safety_checker": true'));
  });

  test('a copy of the toy-shapes model with a checker added: its pictures pass, a flat one of its background does not', async () => {
    const copy = path.join(root, 'toy-shapes');
    await fs.cp(TOY_MODEL_DIR, copy, { recursive: true });
    assert.equal((await readModelFolder(copy)).paths.safetyChecker, undefined);
    await writeTinySafetyChecker(copy);
    const folder = await readModelFolder(copy);
    assert.equal(folder.paths.safetyChecker, path.join(copy, 'safety_checker', 'model.onnx'));
    const pipeline = await StableDiffusionPipeline.load(copy, CPU);
    const pictures: RgbImage[] = [];
    try {
      for (const [i, { prompt }] of scoringPrompts(2).entries()) {
        const request = { prompt, sampler: 'ddim', steps: 12, guidanceScale: 5, width: 64, height: 64, seeds: [BigInt(7 + i)] };
        pictures.push(...(await pipeline.txt2img(request)).images);
      }
    } finally {
      await pipeline.release();
    }
    const checker = await SafetyChecker.load(folder.paths.safetyChecker!, CPU);
    try {
      const background = toyWorld().colours.black!;
      assert.deepEqual((await checker.check([...pictures, flat(64, 64, background)])).map((v) => v.flagged), [false, false, true]);
    } finally {
      await checker.release();
    }
  });
});

describe('hiding a flagged picture', () => {
  /** Per-channel means of a picture. */
  const means = (image: RgbImage) => [0, 1, 2].map((c) => image.data.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / (image.width * image.height));

  test('the blur wipes out an 8-pixel checkerboard and keeps its mean colour', () => {
    const board = picture(128, 96, (x, y) => ((Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0 ? [220, 40, 40] : [40, 80, 220]));
    const blurred = blurImage(board);
    assert.deepEqual([blurred.width, blurred.height], [128, 96]);
    assert.ok(meanAbsDifference(board.data, blurred.data) > 60, `changed by ${meanAbsDifference(board.data, blurred.data).toFixed(1)} levels on average`);
    const [before, afterBlur] = [means(board), means(blurred)];
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(before[c]! - afterBlur[c]!) < 2, `channel ${c}: mean ${before[c]} -> ${afterBlur[c]}`);
    // What is left of the squares: a square in from the edges (where the repeated edge pixels make stripes
    // that blur less), every pixel within a few levels of the mean.
    let spread = 0;
    for (let y = 8; y < 88; y++) {
      for (let x = 8; x < 120; x++) for (let c = 0; c < 3; c++) spread = Math.max(spread, Math.abs(blurred.data[(y * 128 + x) * 3 + c]! - afterBlur[c]!));
    }
    assert.ok(spread < 6, `blurred values stray ${spread} levels from the mean`);
  });

  test('the blur is about Gaussian of the sigma asked for: a step edge rises from 16% to 84% over 2 sigma', () => {
    const sigma = 6;
    const step = picture(120, 20, (x) => (x < 60 ? [0, 0, 0] : [255, 255, 255]));
    const blurred = blurImage(step, sigma);
    const value = (x: number) => blurred.data[(10 * 120 + x) * 3]!;
    // A Gaussian's cumulative at -1 and +1 sigma: 0.159 and 0.841 of 255, i.e. 40.5 and 214.5 (pixel centres at 60 ± 6).
    assert.ok(Math.abs(value(60 - sigma) - 40.5) < 8, `at -sigma: ${value(60 - sigma)}`);
    assert.ok(Math.abs(value(59 + sigma) - 214.5) < 8, `at +sigma: ${value(59 + sigma)}`);
    assert.equal(value(0), 0);
    assert.equal(value(119), 255);
    // Three boxes of odd widths cannot make every variance: from sigma 2 on they come within 20% (within 5% from 8).
    for (const s of [2, 3.3, 6, 25.6]) {
      const variance = boxRadii(s, 3).reduce((sum, r) => sum + ((2 * r + 1) ** 2 - 1) / 12, 0);
      assert.ok(Math.abs(variance / (s * s) - 1) < (s >= 8 ? 0.05 : 0.2), `sigma ${s}: box variances add up to ${variance.toFixed(1)}`);
    }
  });

  test('by default the blur is 5% of the shorter side; black is black', () => {
    assert.equal(defaultBlurSigma({ width: 512, height: 768 }), 25.6);
    assert.equal(defaultBlurSigma({ width: 8, height: 8 }), 1);
    const shapes = disc(64, 'yellow', 'blue', 13, 20, 40);
    assert.ok(meanAbsDifference(shapes.data, blurImage(shapes).data) > 5);
    assert.deepEqual(blurImage(flat(1, 1, [9, 8, 7])).data, Uint8Array.of(9, 8, 7));
    const black = blackImage(shapes);
    assert.deepEqual([black.width, black.height, black.data.length], [64, 64, 64 * 64 * 3]);
    assert.ok(black.data.every((v) => v === 0));
  });
});
