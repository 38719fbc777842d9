/**
 * The transformer path's parts on the tiny SD3 / FLUX models: FLUX's latent packing, the text conditioning
 * of each family (shapes, CLIP padded to T5's width, zeros for an absent T5, pooled projections), T5 loaded
 * per encode when the memory budget says so, and the preview map fitted to the model's own VAE.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StableDiffusionPipeline } from '../../src/diffusion/index.js';
import { ModelSession } from '../../src/diffusion/model/onnx-session.js';
import { fitLatentRgbMap, leastSquares } from '../../src/diffusion/preview/latent-fit.js';
import type { FloatTensor } from '../../src/diffusion/tensor.js';
import { FlowPromptEncoder, T5Encoder } from '../../src/diffusion/text/flow-text-encoder.js';
import { PromptTokenizer } from '../../src/diffusion/text/tokenizer.js';
import { imageSequenceLength, latentImageIds, packLatents, unpackLatents } from '../../src/diffusion/transformer.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';

const OPTIONS = { device: 'cpu' as const, cpuThreads: 1 };
let root: string;
const dir = (name: string) => path.join(root, name);

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-transformer-'));
  await writeTinyModel(dir('sd3'), { family: 'sd3' });
  await writeTinyModel(dir('sd3-no-t5'), { family: 'sd3', withoutT5: true });
  await writeTinyModel(dir('flux'), { family: 'flux' });
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function ramp(dims: number[]): FloatTensor {
  const count = dims.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: count }, (_, i) => i), dims };
}

async function clipPart(model: string, encoder: string, tokenizer: string) {
  return { tokenizer: await PromptTokenizer.load(path.join(dir(model), tokenizer)), session: await ModelSession.load(path.join(dir(model), encoder, 'model.onnx'), OPTIONS) };
}

/** Values of rows [r, tokens a..b, features c..d). */
function block(t: FloatTensor, row: number, tokens: [number, number], features: [number, number]): number[] {
  const [, n, w] = t.dims as [number, number, number];
  const out: number[] = [];
  for (let k = tokens[0]; k < tokens[1]; k++) for (let f = features[0]; f < features[1]; f++) out.push(t.data[(row * n + k) * w + f]!);
  return out;
}

describe('FLUX latent packing', () => {
  test("packing is diffusers' _pack_latents (channel, then the patch's row and column) and unpacking undoes it", () => {
    const latents = ramp([2, 16, 4, 6]);
    const packed = packLatents(latents);
    assert.deepEqual(packed.dims, [2, 6, 64]);
    // Token 0 of image 0: channel 0's 2x2 patch at (0,0), (0,1), (1,0), (1,1), then channel 1's.
    assert.deepEqual([...packed.data.subarray(0, 8)], [0, 1, 6, 7, 24, 25, 30, 31]);
    // Token 1 is the next patch to the right.
    assert.deepEqual([...packed.data.subarray(64, 68)], [2, 3, 8, 9]);
    const back = unpackLatents(packed, 4, 6);
    assert.deepEqual(back.dims, latents.dims);
    assert.deepEqual(back.data, latents.data);
    assert.throws(() => packLatents(ramp([1, 16, 3, 4])), /2x2 patches/);
  });

  test('img_ids are (0, row, column) per patch; the image token count rounds odd sides up', () => {
    assert.deepEqual([...latentImageIds(4, 6)], [0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 1, 2]);
    assert.equal(imageSequenceLength(128, 128), 4096);
    assert.equal(imageSequenceLength(9, 8), 20);
  });
});

describe('text conditioning', () => {
  test('SD3: CLIP-L and bigG penultimate states side by side, padded to T5 width, T5 after them; pooled = both text_embeds', async () => {
    const clip = [await clipPart('sd3', 'text_encoder', 'tokenizer'), await clipPart('sd3', 'text_encoder_2', 'tokenizer_2')];
    const t5 = await T5Encoder.load(path.join(dir('sd3'), 'text_encoder_3', 'model.onnx'), await PromptTokenizer.load(path.join(dir('sd3'), 'tokenizer_3'), 't5'), OPTIONS, false);
    const encoder = new FlowPromptEncoder({ family: 'sd3', clip, t5, jointAttentionDim: 96 });
    const encoded = await encoder.encode(['', 'a red fox']);
    assert.deepEqual(encoded.hiddenStates.dims, [2, 77 + 256, 96]);
    assert.deepEqual(encoded.pooled?.dims, [2, 32 + 48]);
    for (const row of [0, 1]) {
      assert.ok(block(encoded.hiddenStates, row, [0, 77], [80, 96]).every((v) => v === 0), 'CLIP features zero-padded from 80 to 96');
      assert.ok(block(encoded.hiddenStates, row, [0, 77], [0, 80]).some((v) => v !== 0));
      assert.ok(block(encoded.hiddenStates, row, [77, 333], [80, 96]).some((v) => v !== 0), "T5's tokens fill the whole width");
    }
    // The CLIP-L part is its penultimate layer (hidden_states.1 of 0..2), as diffusers' hidden_states[-2].
    const ids = clip[0]!.tokenizer.encode(['a red fox']).inputIds;
    const direct = await clip[0]!.session.run({ input_ids: clip[0]!.session.intInput('input_ids', ids, [1, 77]) });
    const penultimate = direct['hidden_states.1']!.data as Float32Array;
    assert.deepEqual(block(encoded.hiddenStates, 1, [0, 77], [0, 32]), block({ data: penultimate, dims: [1, 77, 32] }, 0, [0, 77], [0, 32]));
    assert.deepEqual([...encoded.pooled!.data.subarray(80, 112)], [...(direct.text_embeds!.data as Float32Array)]);
    assert.deepEqual(encoded.warnings, []);
    await encoder.release();
  });

  test('SD3 without T5: zeros of T5 length in its place; a prompt past 75 tokens is warned about', async () => {
    const clip = [await clipPart('sd3-no-t5', 'text_encoder', 'tokenizer'), await clipPart('sd3-no-t5', 'text_encoder_2', 'tokenizer_2')];
    const encoder = new FlowPromptEncoder({ family: 'sd3', clip, t5: null, jointAttentionDim: 96 });
    const long = Array.from({ length: 30 }, (_, i) => `word${i % 7}`).join(' '); // 120 tokens
    const encoded = await encoder.encode([long], ['prompt']);
    assert.deepEqual(encoded.hiddenStates.dims, [1, 77 + 256, 96]);
    assert.ok(block(encoded.hiddenStates, 0, [77, 333], [0, 96]).every((v) => v === 0));
    assert.equal(encoded.warnings.length, 1);
    assert.match(encoded.warnings[0]!, /only the first 75 were used \(CLIP reads at most 77/);
    await encoder.release();
  });

  test("FLUX: T5's last_hidden_state (512 tokens for dev) and CLIP-L's pooler_output; T5 loaded per encode gives the same", async () => {
    const clip = [await clipPart('flux', 'text_encoder', 'tokenizer')];
    const t5File = path.join(dir('flux'), 'text_encoder_2', 'model.onnx');
    const t5Tokenizer = await PromptTokenizer.load(path.join(dir('flux'), 'tokenizer_2'), 't5');
    const resident = await T5Encoder.load(t5File, t5Tokenizer, OPTIONS, false);
    const transient = await T5Encoder.load(t5File, t5Tokenizer, OPTIONS, true);
    assert.deepEqual([resident.isResident, transient.isResident], [true, false]);
    const a = await new FlowPromptEncoder({ family: 'flux', clip, t5: resident, jointAttentionDim: 96 }).encode(['a red fox']);
    const b = await new FlowPromptEncoder({ family: 'flux', clip, t5: transient, jointAttentionDim: 96 }).encode(['a red fox']);
    assert.deepEqual(a.hiddenStates.dims, [1, 512, 96]);
    assert.deepEqual(a.pooled?.dims, [1, 32]);
    assert.deepEqual(b.hiddenStates.data, a.hiddenStates.data);
    assert.deepEqual(b.pooled?.data, a.pooled?.data);
    assert.throws(() => new FlowPromptEncoder({ family: 'flux', clip, t5: null, jointAttentionDim: 96 }), /FLUX needs its T5 encoder/);
    await resident.release();
    await Promise.all(clip.map((c) => c.session.release()));
  });
});

describe('the transformer pipeline', () => {
  test('a memory budget smaller than the model loads T5 per encode; the pictures are the same', async () => {
    const request = { prompt: 'a red fox', sampler: 'euler', steps: 2, guidanceScale: 4, width: 64, height: 64, seeds: [5n] };
    const plain = await StableDiffusionPipeline.load(dir('sd3'), OPTIONS);
    const tight = await StableDiffusionPipeline.load(dir('sd3'), OPTIONS, { memoryBudgetBytes: 1024 });
    try {
      const [x, y] = [await plain.txt2img(request), await tight.txt2img(request)];
      assert.deepEqual(y.images[0]!.data, x.images[0]!.data);
    } finally {
      await Promise.all([plain.release(), tight.release()]);
    }
  });

  test("the preview map of 16-channel latents is fitted once to the model's VAE", async () => {
    const pipeline = await StableDiffusionPipeline.load(dir('flux'), OPTIONS);
    try {
      const map = await pipeline.latentRgbMap();
      assert.equal(map.factors.length, 16);
      assert.ok([...map.bias, ...map.factors.flat()].every(Number.isFinite));
      assert.strictEqual(await pipeline.latentRgbMap(), map, 'fitted once');
    } finally {
      await pipeline.release();
    }
  });

  test('the fit recovers the map of a decoder that is linear per latent pixel', async () => {
    // A stand-in decoder: each latent pixel's 8x8 block is bias + factors . latent (the tiny VAE is random and
    // far from linear, so it cannot show the fit's accuracy; a real VAE is close to this).
    const factors = Array.from({ length: 16 }, (_, c) => [Math.sin(c), Math.cos(c * 0.7) * 0.3, (c % 3) * 0.1 - 0.1] as [number, number, number]);
    const bias: [number, number, number] = [0.05, -0.1, 0.2];
    const decode = async (latents: FloatTensor): Promise<FloatTensor> => {
      const [, channels, h, w] = latents.dims as [number, number, number, number];
      const out = new Float32Array(3 * 64 * h * w);
      for (let y = 0; y < 8 * h; y++) {
        for (let x = 0; x < 8 * w; x++) {
          for (let k = 0; k < 3; k++) {
            let v = bias[k]!;
            for (let c = 0; c < channels; c++) v += factors[c]![k]! * latents.data[(c * h + (y >> 3)) * w + (x >> 3)]!;
            out[(k * 8 * h + y) * 8 * w + x] = v;
          }
        }
      }
      return { data: out, dims: [1, 3, 8 * h, 8 * w] };
    };
    const map = await fitLatentRgbMap(16, decode);
    map.bias.forEach((v, k) => assert.ok(Math.abs(v - bias[k]!) < 0.01, `bias ${k}: ${v}`));
    map.factors.forEach((row, c) => row.forEach((v, k) => assert.ok(Math.abs(v - factors[c]![k]!) < 0.02, `factor ${c},${k}: ${v} for ${factors[c]![k]}`)));
  });

  test('least squares recovers a known linear map', () => {
    const x: number[][] = [];
    const y: [number, number, number][] = [];
    for (let i = 0; i < 50; i++) {
      const a = Math.sin(i * 1.7);
      const b = Math.cos(i * 0.9);
      x.push([1, a, b]);
      y.push([0.1 + 2 * a, -0.2 + b, 0.5 * a - b]);
    }
    const w = leastSquares(x, y);
    const expected = [
      [0.1, -0.2, 0],
      [2, 0, 0.5],
      [0, 1, -1],
    ];
    w.forEach((row, i) => row.forEach((v, k) => assert.ok(Math.abs(v - expected[i]![k]!) < 0.01, `w[${i}][${k}] = ${v}`)));
  });
});

