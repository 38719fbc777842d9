/**
 * The generated tiny model: deterministic files in the diffusers ONNX layout that onnxruntime and
 * transformers.js load and run like a real Stable Diffusion 1.x export.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';
import { PROMPT_WORDS } from '../../src/test-models/tiny/prompt-words.js';
import { readModelFolder } from '../../src/diffusion/model/model-folder.js';

env.allowRemoteModels = false;

let root: string;
let model: string;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-tiny-test-'));
  model = path.join(root, 'seed0');
  await writeTinyModel(model, { seed: 0 });
});

after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Relative paths of all files under `dir`, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function readJson(file: string): Promise<Record<string, any>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, any>;
}

function session(dir: string, component: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path.join(dir, component, 'model.onnx'), { executionProviders: ['cpu'] });
}

/** Deterministic pseudo-random values in [-scale, scale). */
function values(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
}

function types(metadata: readonly ort.InferenceSession.ValueMetadata[]): Record<string, string> {
  return Object.fromEntries(metadata.map((m) => [m.name, m.isTensor ? m.type : 'not a tensor']));
}

function allFinite(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('writeTinyModel files', () => {
  test('the same options give byte-identical files, and nothing temporary is left behind', async () => {
    const again = path.join(root, 'seed0-again');
    await writeTinyModel(again, { seed: 0 });
    const files = await listFiles(model);
    assert.deepEqual(await listFiles(again), files);
    for (const file of [
      'model_index.json',
      'scheduler/scheduler_config.json',
      'tokenizer/tokenizer.json',
      'tokenizer/vocab.json',
      'tokenizer/merges.txt',
      'tokenizer/tokenizer_config.json',
      'tokenizer/special_tokens_map.json',
      'text_encoder/model.onnx',
      'text_encoder/config.json',
      'unet/model.onnx',
      'unet/config.json',
      'vae_decoder/model.onnx',
      'vae_decoder/config.json',
      'vae_encoder/model.onnx',
      'vae_encoder/config.json',
    ]) {
      assert.ok(files.includes(file), `${file} is written`);
    }
    for (const file of files) {
      const [a, b] = await Promise.all([fs.readFile(path.join(model, file)), fs.readFile(path.join(again, file))]);
      assert.ok(a.equals(b), `${file} differs between two runs with the same seed`);
    }
    const leftovers = (await fs.readdir(root)).filter((name) => name.includes('.tmp-') || name.includes('.old-'));
    assert.deepEqual(leftovers, []);
  });

  test('another seed gives other weights but the same tokenizer; writing over a model replaces it', async () => {
    const other = path.join(root, 'replaced');
    await writeTinyModel(other, { seed: 1 });
    const [unet0, unet1] = await Promise.all([fs.readFile(path.join(model, 'unet/model.onnx')), fs.readFile(path.join(other, 'unet/model.onnx'))]);
    assert.ok(!unet0.equals(unet1), 'seed 1 gives the same UNet as seed 0');
    const [vocab0, vocab1] = await Promise.all([fs.readFile(path.join(model, 'tokenizer/vocab.json')), fs.readFile(path.join(other, 'tokenizer/vocab.json'))]);
    assert.ok(vocab0.equals(vocab1));

    await writeTinyModel(other, { seed: 0 });
    const replaced = await fs.readFile(path.join(other, 'unet/model.onnx'));
    assert.ok(replaced.equals(unet0), 'rewriting with seed 0 should replace the seed 1 model');
  });

  test('bad options are rejected before anything is written', async () => {
    const dir = path.join(root, 'rejected');
    await assert.rejects(writeTinyModel(dir, { preset: 'huge' as 'tiny' }), /preset "huge"/);
    await assert.rejects(writeTinyModel(dir, { seed: Number('not a number') }), /seed must be an integer/);
    await assert.rejects(writeTinyModel(dir, { dtype: 'bfloat16' as 'float16' }), /dtype/);
    const left = (await fs.readdir(root)).filter((name) => name.startsWith('rejected'));
    assert.deepEqual(left, []);
  });

  test('configs follow the diffusers ONNX layout and agree with the graphs', async () => {
    const index = await readJson(path.join(model, 'model_index.json'));
    assert.equal(index._class_name, 'OnnxStableDiffusionPipeline');
    for (const component of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']) {
      assert.deepEqual(index[component], ['diffusers', 'OnnxRuntimeModel'], component);
    }
    assert.deepEqual(index.tokenizer, ['transformers', 'CLIPTokenizer']);
    assert.deepEqual(index.scheduler, ['diffusers', 'PNDMScheduler']);

    const scheduler = await readJson(path.join(model, 'scheduler/scheduler_config.json'));
    assert.deepEqual(
      [scheduler._class_name, scheduler.beta_schedule, scheduler.beta_start, scheduler.beta_end, scheduler.num_train_timesteps],
      ['PNDMScheduler', 'scaled_linear', 0.00085, 0.012, 1000],
    );
    assert.deepEqual(
      [scheduler.steps_offset, scheduler.skip_prk_steps, scheduler.set_alpha_to_one, scheduler.clip_sample],
      [1, true, false, false],
    );

    const vocab = await readJson(path.join(model, 'tokenizer/vocab.json'));
    const text = await readJson(path.join(model, 'text_encoder/config.json'));
    const unet = await readJson(path.join(model, 'unet/config.json'));
    const vae = await readJson(path.join(model, 'vae_decoder/config.json'));
    assert.equal(text.vocab_size, Object.keys(vocab).length);
    assert.equal(text.max_position_embeddings, 77);
    assert.equal(unet.sample_size, 8);
    assert.equal(unet.in_channels, 4);
    assert.equal(unet.cross_attention_dim, text.hidden_size);
    assert.equal(vae.scaling_factor, 0.18215);
    assert.equal(vae.latent_channels, 4);

    const encoder = await session(model, 'text_encoder');
    const denoiser = await session(model, 'unet');
    const hidden = encoder.outputMetadata.find((m) => m.name === 'last_hidden_state');
    const context = denoiser.inputMetadata.find((m) => m.name === 'encoder_hidden_states');
    assert.ok(hidden?.isTensor && context?.isTensor);
    assert.deepEqual(hidden.shape, ['batch', 77, text.hidden_size]);
    assert.deepEqual(context.shape, ['batch', 'sequence', unet.cross_attention_dim]); // long prompts: several 77-token chunks
  });

  test("the project's model folder reader accepts it", async () => {
    const folder = await readModelFolder(model);
    assert.equal(folder.pipelineClass, 'OnnxStableDiffusionPipeline');
    assert.equal(folder.vaeScalingFactor, 0.18215);
    assert.equal(folder.defaultSize, 64);
    assert.ok(folder.paths.vaeEncoder);
  });
});

describe('tiny model ONNX components (float32, int64 timestep)', () => {
  test('text encoder: int32 ids in, hidden states out, pooled at the end token, causal', async () => {
    const s = await session(model, 'text_encoder');
    assert.deepEqual(s.inputNames, ['input_ids']);
    assert.deepEqual(s.outputNames, ['last_hidden_state', 'pooler_output']);
    assert.deepEqual(types(s.inputMetadata), { input_ids: 'int32' });

    const vocab = await readJson(path.join(model, 'tokenizer/vocab.json'));
    const [start, end] = [vocab['<|startoftext|>'] as number, vocab['<|endoftext|>'] as number];
    // Two prompts that share their first three tokens and then differ; padded with the end token, as CLIP is.
    const rows = [
      [start, vocab['a</w>'], vocab['red</w>'], vocab['circle</w>'], end],
      [start, vocab['a</w>'], vocab['red</w>'], vocab['square</w>'], vocab['left</w>'], end],
    ];
    assert.ok(rows.flat().every((id) => Number.isInteger(id)), 'prompt words are single tokens');
    const ids = new Int32Array(2 * 77).fill(end);
    rows.forEach((row, i) => ids.set(row as number[], i * 77));

    const out = await s.run({ input_ids: new ort.Tensor('int32', ids, [2, 77]) });
    const hidden = out.last_hidden_state!;
    const pooled = out.pooler_output!;
    assert.deepEqual(hidden.dims.slice(0, 2), [2, 77]);
    const size = hidden.dims[2]!;
    assert.deepEqual(pooled.dims, [2, size]);
    const h = hidden.data as Float32Array;
    const p = pooled.data as Float32Array;
    assert.ok(allFinite(h) && allFinite(p));
    const at = (batch: number, position: number) => h.subarray((batch * 77 + position) * size, (batch * 77 + position + 1) * size);
    // Pooled = the hidden state at the first end token (position 4 and 5), not at the padding after it.
    assert.deepEqual([...p.subarray(0, size)], [...at(0, 4)]);
    assert.deepEqual([...p.subarray(size)], [...at(1, 5)]);
    assert.ok(maxAbsDifference(at(0, 4), at(0, 6)) > 1e-3, 'padding positions should differ from the end token');
    // Causal: the shared prefix has the same states; from the first different token on, they differ.
    for (let position = 0; position < 3; position++) assert.ok(maxAbsDifference(at(0, position), at(1, position)) < 1e-5, `position ${position}`);
    assert.ok(maxAbsDifference(at(0, 3), at(1, 3)) > 1e-2);
  });

  test('unet: declared inputs, batch 2 on square and non-square latents, depends on text and timestep', async () => {
    const s = await session(model, 'unet');
    assert.deepEqual(s.inputNames, ['sample', 'timestep', 'encoder_hidden_states']);
    assert.deepEqual(s.outputNames, ['out_sample']);
    assert.deepEqual(types(s.inputMetadata), { sample: 'float32', timestep: 'int64', encoder_hidden_states: 'float32' });
    const hidden = (await readJson(path.join(model, 'unet/config.json'))).cross_attention_dim as number;

    const run = async (height: number, width: number, timesteps: bigint[], contextSeed: number) => {
      const out = await s.run({
        sample: new ort.Tensor('float32', values(2 * 4 * height * width, 1), [2, 4, height, width]),
        timestep: new ort.Tensor('int64', BigInt64Array.from(timesteps), [2]),
        encoder_hidden_states: new ort.Tensor('float32', values(2 * 77 * hidden, contextSeed), [2, 77, hidden]),
      });
      return out.out_sample!;
    };
    for (const [height, width] of [
      [8, 8],
      [8, 12],
      [9, 7], // odd: the downsample rounds up, the upsample must come back to 9x7
    ] as const) {
      const out = await run(height, width, [981n, 981n], 2);
      assert.deepEqual(out.dims, [2, 4, height, width]);
      assert.ok(allFinite(out.data as Float32Array));
    }
    const base = (await run(8, 12, [981n, 981n], 2)).data as Float32Array;
    const otherText = (await run(8, 12, [981n, 981n], 3)).data as Float32Array;
    const otherTime = (await run(8, 12, [500n, 500n], 2)).data as Float32Array;
    assert.ok(maxAbsDifference(base, otherText) > 1e-3, 'cross-attention should make the output depend on the text');
    assert.ok(maxAbsDifference(base, otherTime) > 1e-3, 'the output should depend on the timestep');
  });

  test('unet: 20 steps of an 8x8 latent with guidance (batch 2) take well under a second', async () => {
    const s = await session(model, 'unet');
    const hidden = (await readJson(path.join(model, 'unet/config.json'))).cross_attention_dim as number;
    const context = new ort.Tensor('float32', values(2 * 77 * hidden, 4), [2, 77, hidden]);
    const started = performance.now();
    for (let step = 0; step < 20; step++) {
      const t = BigInt(981 - step * 50);
      await s.run({
        sample: new ort.Tensor('float32', values(2 * 4 * 8 * 8, step), [2, 4, 8, 8]),
        timestep: new ort.Tensor('int64', BigInt64Array.from([t, t]), [2]),
        encoder_hidden_states: context,
      });
    }
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `20 UNet calls took ${elapsed.toFixed(0)} ms`);
  });

  test('vae decoder: 8x upsampled, values in [-1, 1], colourful for random latents', async () => {
    const s = await session(model, 'vae_decoder');
    assert.deepEqual(s.inputNames, ['latent_sample']);
    assert.deepEqual(s.outputNames, ['sample']);
    assert.deepEqual(types(s.inputMetadata), { latent_sample: 'float32' });
    // Latents as the pipeline passes them: unit-scale latents divided by the scaling factor.
    const out = await s.run({ latent_sample: new ort.Tensor('float32', values(2 * 4 * 8 * 12, 5, 1.7 / 0.18215), [2, 4, 8, 12]) });
    const image = out.sample!;
    assert.deepEqual(image.dims, [2, 3, 64, 96]);
    const px = image.data as Float32Array;
    assert.ok(px.every((v) => v >= -1 && v <= 1), 'values outside [-1, 1]');
    // Colourfulness: the average distance of a pixel's channels from its grey level, and spread over the image.
    const plane = 64 * 96;
    let chroma = 0;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < plane; i++) {
      const [r, g, b] = [px[i]!, px[plane + i]!, px[2 * plane + i]!];
      const grey = (r + g + b) / 3;
      chroma += Math.sqrt(((r - grey) ** 2 + (g - grey) ** 2 + (b - grey) ** 2) / 3);
      sum += r;
      sumSquares += r * r;
    }
    const redStd = Math.sqrt(sumSquares / plane - (sum / plane) ** 2);
    assert.ok(chroma / plane > 0.15, `mean chroma ${(chroma / plane).toFixed(3)} is too grey`);
    assert.ok(redStd > 0.2, `red channel std ${redStd.toFixed(3)}: the picture is too flat`);
  });

  test('vae encoder: 8x downsampled latents with SD-like spread', async () => {
    const s = await session(model, 'vae_encoder');
    assert.deepEqual(s.inputNames, ['sample']);
    assert.deepEqual(s.outputNames, ['latent_sample']);
    assert.deepEqual(types(s.inputMetadata), { sample: 'float32' });
    const out = await s.run({ sample: new ort.Tensor('float32', values(2 * 3 * 64 * 96, 6), [2, 3, 64, 96]) });
    const latents = out.latent_sample!;
    assert.deepEqual(latents.dims, [2, 4, 8, 12]);
    const data = latents.data as Float32Array;
    const std = Math.sqrt(data.reduce((a, v) => a + v * v, 0) / data.length) * 0.18215;
    assert.ok(std > 0.5 && std < 2, `scaled latent std ${std.toFixed(3)}`);
  });
});

describe('tiny model variants', () => {
  test('float16 model with a float32 timestep: fp16 inputs and outputs, runs', async () => {
    const dir = path.join(root, 'fp16');
    await writeTinyModel(dir, { dtype: 'float16', timestepType: 'float32' });
    const text = await session(dir, 'text_encoder');
    assert.deepEqual(types(text.inputMetadata), { input_ids: 'int32' });
    assert.deepEqual(types(text.outputMetadata), { last_hidden_state: 'float16', pooler_output: 'float16' });
    const encoded = await text.run({ input_ids: new ort.Tensor('int32', new Int32Array(2 * 77).fill(5), [2, 77]) });
    assert.equal(encoded.last_hidden_state!.type, 'float16');

    const unet = await session(dir, 'unet');
    assert.deepEqual(types(unet.inputMetadata), { sample: 'float16', timestep: 'float32', encoder_hidden_states: 'float16' });
    const half = (count: number) => new Uint16Array(count).fill(0x3c00); // 1.0 in float16
    const out = await unet.run({
      sample: new ort.Tensor('float16', half(2 * 4 * 8 * 12), [2, 4, 8, 12]),
      timestep: new ort.Tensor('float32', Float32Array.from([981.5, 20]), [2]),
      encoder_hidden_states: encoded.last_hidden_state!,
    });
    assert.equal(out.out_sample!.type, 'float16');
    assert.deepEqual(out.out_sample!.dims, [2, 4, 8, 12]);

    const decoder = await session(dir, 'vae_decoder');
    assert.deepEqual(types(decoder.inputMetadata), { latent_sample: 'float16' });
    const image = await decoder.run({ latent_sample: out.out_sample! });
    assert.equal(image.sample!.type, 'float16');
    assert.deepEqual(image.sample!.dims, [2, 3, 64, 96]);

    const encoder = await session(dir, 'vae_encoder');
    assert.deepEqual(types(encoder.inputMetadata), { sample: 'float16' });
    const latents = await encoder.run({ sample: image.sample! });
    assert.equal(latents.latent_sample!.type, 'float16');
    assert.deepEqual(latents.latent_sample!.dims, [2, 4, 8, 12]);
  });

  test('float32 timestep on a float32 model', async () => {
    const dir = path.join(root, 'float-timestep');
    await writeTinyModel(dir, { timestepType: 'float32' });
    const unet = await session(dir, 'unet');
    assert.deepEqual(types(unet.inputMetadata), { sample: 'float32', timestep: 'float32', encoder_hidden_states: 'float32' });
    const hidden = (await readJson(path.join(dir, 'unet/config.json'))).cross_attention_dim as number;
    const out = await unet.run({
      sample: new ort.Tensor('float32', values(2 * 4 * 8 * 8, 7), [2, 4, 8, 8]),
      timestep: new ort.Tensor('float32', Float32Array.from([999, 999]), [2]),
      encoder_hidden_states: new ort.Tensor('float32', values(2 * 77 * hidden, 8), [2, 77, hidden]),
    });
    assert.deepEqual(out.out_sample!.dims, [2, 4, 8, 8]);
    assert.ok(allFinite(out.out_sample!.data as Float32Array));
  });
});

describe('tiny tokenizer with transformers.js (local files only)', () => {
  let tokenizer: PreTrainedTokenizer;
  let vocab: Record<string, number>;

  before(async () => {
    // An absolute path is read as a folder; a relative one would be taken for a hub id.
    tokenizer = await AutoTokenizer.from_pretrained(path.join(model, 'tokenizer'), { local_files_only: true });
    vocab = (await readJson(path.join(model, 'tokenizer/vocab.json'))) as Record<string, number>;
  });

  test('start and end tokens are the last two ids, around the prompt', () => {
    const size = Object.keys(vocab).length;
    assert.ok(size >= 600 && size <= 1500, `vocabulary of ${size}`);
    assert.equal(vocab['<|startoftext|>'], size - 2);
    assert.equal(vocab['<|endoftext|>'], size - 1);
    const ids = tokenizer.encode('a red circle on a blue background');
    assert.equal(ids[0], size - 2);
    assert.equal(ids.at(-1), size - 1);
    assert.deepEqual(ids.slice(1, -1), ['a', 'red', 'circle', 'on', 'a', 'blue', 'background'].map((w) => vocab[`${w}</w>`]));
  });

  test('lowercases and collapses whitespace like CLIP; words round-trip through decode', () => {
    assert.deepEqual(tokenizer.encode('  A   RED\tCircle\n'), tokenizer.encode('a red circle'));
    const red = tokenizer.encode('red', { add_special_tokens: false });
    assert.deepEqual(red, [vocab['red</w>']]);
    assert.equal(tokenizer.decode(red).trim(), 'red');
    assert.equal(tokenizer.decode(tokenizer.encode('A Red Circle, on blue!'), { skip_special_tokens: true }), 'a red circle, on blue!');
    // A word not in the corpus is spelled from smaller pieces and still decodes to itself.
    const unknown = tokenizer.encode('xylophone', { add_special_tokens: false });
    assert.ok(unknown.length > 1);
    assert.equal(tokenizer.decode(unknown).trim(), 'xylophone');
  });

  test('every built-in prompt word is a single token', () => {
    const split = PROMPT_WORDS.filter((word) => tokenizer.encode(word, { add_special_tokens: false }).length !== 1);
    assert.deepEqual(split, []);
  });

  test('the slow files (vocab.json, merges.txt) and tokenizer_config.json agree with tokenizer.json', async () => {
    const fast = await readJson(path.join(model, 'tokenizer/tokenizer.json'));
    assert.deepEqual(fast.model.vocab, vocab);
    assert.equal(fast.model.end_of_word_suffix, '</w>');
    const merges = (await fs.readFile(path.join(model, 'tokenizer/merges.txt'), 'utf8')).split('\n').filter(Boolean);
    assert.equal(merges[0], '#version: 0.2');
    assert.deepEqual(merges.slice(1), fast.model.merges);
    // CLIP's slow tokenizer: vocab = bytes, bytes + "</w>", one token per merge, then the two special tokens.
    assert.equal(Object.keys(vocab).length, 512 + merges.length - 1 + 2);
    const config = await readJson(path.join(model, 'tokenizer/tokenizer_config.json'));
    assert.deepEqual(
      [config.tokenizer_class, config.model_max_length, config.pad_token, config.bos_token.content, config.eos_token.content],
      ['CLIPTokenizer', 77, '<|endoftext|>', '<|startoftext|>', '<|endoftext|>'],
    );
  });
});
