/**
 * The tiny SD3 and FLUX models: files in optimum's ONNX layout whose components load in onnxruntime with
 * the names, dtypes and axes of optimum's exports, whose transformers are small real networks (every input
 * matters, any batch and even latent size), and whose folders the project reads as their families.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ort from 'onnxruntime-node';
import { readModelFolder, scanModelFolders, StableDiffusionPipeline } from '../../src/diffusion/index.js';
import { detectTraits, type FamilyEvidence } from '../../src/diffusion/model/family.js';
import { PromptTokenizer } from '../../src/diffusion/text/tokenizer.js';
import { tinyModelFiles, writeTinyModel, type TinyModelOptions } from '../../src/test-models/tiny/write-tiny-model.js';

const VARIANTS: Record<string, TinyModelOptions> = {
  sd3: { family: 'sd3' },
  'sd3-no-t5': { family: 'sd3', withoutT5: true },
  'flux-dev': { family: 'flux' },
  'flux-schnell': { family: 'flux', schnell: true },
};

let root: string;
const dir = (name: string) => path.join(root, name);

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-tiny-flow-'));
  for (const [name, options] of Object.entries(VARIANTS)) await writeTinyModel(dir(name), options);
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function readJson(file: string): Promise<Record<string, any>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, any>;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
function session(model: string, component: string): Promise<ort.InferenceSession> {
  const file = path.join(dir(model), component, 'model.onnx');
  if (!sessions.has(file)) sessions.set(file, ort.InferenceSession.create(file, { executionProviders: ['cpu'], intraOpNumThreads: 1 }));
  return sessions.get(file)!;
}

/** name -> "type[dims]" of a session's inputs or outputs, in their order. */
function signature(metadata: readonly ort.InferenceSession.ValueMetadata[]): Array<[string, string]> {
  return metadata.map((m) => [m.name, m.isTensor ? `${m.type}[${m.shape.join(',')}]` : 'not a tensor']);
}

/** Deterministic pseudo-random values in [-scale, scale). */
function values(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
}

const float = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const int64 = (data: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(data, (v) => BigInt(v)), dims);

function allFinite(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** FLUX's img_ids for a latent of height x width: (0, row, column) per 2x2 patch, as diffusers' _prepare_latent_image_ids. */
function imageIds(height: number, width: number): ort.Tensor {
  const ids: number[] = [];
  for (let row = 0; row < height / 2; row++) for (let col = 0; col < width / 2; col++) ids.push(0, row, col);
  return int64(ids, [ids.length / 3, 3]);
}

describe('tiny SD3 / FLUX files', () => {
  test('the layout of optimum exports: transformer/ instead of unet/, SD3 with or without T5', async () => {
    const components = (name: string) => [...tinyModelFiles(VARIANTS[name])].map(([file]) => file).filter((f) => f.endsWith('model.onnx')).sort();
    const vae = ['vae_decoder/model.onnx', 'vae_encoder/model.onnx'];
    assert.deepEqual(components('sd3'), ['text_encoder/model.onnx', 'text_encoder_2/model.onnx', 'text_encoder_3/model.onnx', 'transformer/model.onnx', ...vae]);
    assert.deepEqual(components('sd3-no-t5'), ['text_encoder/model.onnx', 'text_encoder_2/model.onnx', 'transformer/model.onnx', ...vae]);
    assert.deepEqual(components('flux-dev'), ['text_encoder/model.onnx', 'text_encoder_2/model.onnx', 'transformer/model.onnx', ...vae]);
    for (const name of Object.keys(VARIANTS)) {
      const files = [...tinyModelFiles(VARIANTS[name])].map(([file]) => file);
      assert.equal(files.at(-1), 'model_index.json', 'model_index.json is written last');
      for (const encoder of files.filter((f) => /^text_encoder(_\d)?\/model.onnx$/.test(f))) {
        const tokenizer = encoder.replace(/^text_encoder/, 'tokenizer').replace('/model.onnx', '/tokenizer.json');
        assert.ok(files.includes(tokenizer), `${tokenizer} goes with ${encoder}`);
      }
    }
  });

  test('the same options give byte-identical files; another seed other weights', () => {
    for (const options of Object.values(VARIANTS)) {
      const [a, b] = [tinyModelFiles(options), tinyModelFiles(options)];
      assert.deepEqual([...a.keys()], [...b.keys()]);
      for (const [file, contents] of a) assert.ok(Buffer.from(contents).equals(Buffer.from(b.get(file)!)), `${file} of ${JSON.stringify(options)}`);
    }
    const other = tinyModelFiles({ family: 'flux', seed: 1 }).get('transformer/model.onnx')!;
    assert.ok(!Buffer.from(other).equals(Buffer.from(tinyModelFiles({ family: 'flux' }).get('transformer/model.onnx')!)));
  });

  test('options of the SD tiny models, or of the other family, are refused', () => {
    assert.throws(() => tinyModelFiles({ family: 'flux', withoutT5: true }), /only an SD3 model can be written without T5/);
    assert.throws(() => tinyModelFiles({ family: 'sd3', schnell: true }), /schnell is a FLUX model/);
    assert.throws(() => tinyModelFiles({ family: 'sd3', lcm: true }), /takes only seed, schnell and withoutT5, not lcm/);
    assert.throws(() => tinyModelFiles({ family: 'flux', dtype: 'float16' }), /not dtype/);
    assert.throws(() => tinyModelFiles({ schnell: true }), /schnell and withoutT5 are for tiny sd3 \/ flux models/);
  });

  test("configs: the published models' scheduler, model_index and VAE constants, and what the graphs take", async () => {
    const sd3 = async (file: string) => readJson(path.join(dir('sd3'), file));
    const flux = async (file: string, name = 'flux-dev') => readJson(path.join(dir(name), file));

    assert.equal((await sd3('model_index.json'))._class_name, 'StableDiffusion3Pipeline');
    assert.deepEqual((await sd3('model_index.json')).transformer, ['diffusers', 'SD3Transformer2DModel']);
    assert.deepEqual((await readJson(path.join(dir('sd3-no-t5'), 'model_index.json'))).text_encoder_3, [null, null]);
    assert.equal((await flux('model_index.json'))._class_name, 'FluxPipeline');

    const sd3Scheduler = await sd3('scheduler/scheduler_config.json');
    assert.deepEqual([sd3Scheduler._class_name, sd3Scheduler.shift, sd3Scheduler.num_train_timesteps], ['FlowMatchEulerDiscreteScheduler', 3, 1000]);
    const dev = await flux('scheduler/scheduler_config.json');
    assert.deepEqual(
      [dev._class_name, dev.use_dynamic_shifting, dev.base_shift, dev.max_shift, dev.base_image_seq_len, dev.max_image_seq_len],
      ['FlowMatchEulerDiscreteScheduler', true, 0.5, 1.15, 256, 4096],
    );
    const schnell = await flux('scheduler/scheduler_config.json', 'flux-schnell');
    assert.deepEqual([schnell.use_dynamic_shifting, schnell.shift], [false, 1]);

    const sd3Vae = await sd3('vae_decoder/config.json');
    assert.deepEqual([sd3Vae.latent_channels, sd3Vae.scaling_factor, sd3Vae.shift_factor], [16, 1.5305, 0.0609]);
    const fluxVae = await flux('vae_decoder/config.json');
    assert.deepEqual([fluxVae.latent_channels, fluxVae.scaling_factor, fluxVae.shift_factor], [16, 0.3611, 0.1159]);

    const sd3Transformer = await sd3('transformer/config.json');
    assert.deepEqual(
      [sd3Transformer._class_name, sd3Transformer.in_channels, sd3Transformer.out_channels, sd3Transformer.patch_size, sd3Transformer.sample_size],
      ['SD3Transformer2DModel', 16, 16, 2, 8],
    );
    // Joint width = T5's; pooled = both CLIP projections side by side.
    assert.equal(sd3Transformer.joint_attention_dim, (await sd3('text_encoder_3/config.json')).d_model);
    assert.equal(sd3Transformer.pooled_projection_dim, (await sd3('text_encoder/config.json')).projection_dim + (await sd3('text_encoder_2/config.json')).projection_dim);

    const fluxTransformer = await flux('transformer/config.json');
    assert.deepEqual([fluxTransformer._class_name, fluxTransformer.in_channels, fluxTransformer.guidance_embeds], ['FluxTransformer2DModel', 64, true]);
    assert.equal((await flux('transformer/config.json', 'flux-schnell')).guidance_embeds, false);
    assert.equal(fluxTransformer.joint_attention_dim, (await flux('text_encoder_2/config.json')).d_model);
    assert.equal(fluxTransformer.pooled_projection_dim, (await flux('text_encoder/config.json')).hidden_size);
    // The T5 tokenizers give diffusers' default max_sequence_length, and the project's tokenizer reads them.
    assert.equal((await sd3('tokenizer_3/tokenizer_config.json')).model_max_length, 256);
    const t5 = await PromptTokenizer.load(path.join(dir('sd3'), 'tokenizer_3'), 't5');
    assert.equal(t5.maxLength, 256);
    // T5's conventions: no start token, </s> 1 after the prompt, <pad> 0; one piece per known word, the rest spelled.
    assert.deepEqual([t5.startTokenId, t5.endTokenId, t5.padTokenId], [null, 1, 0]);
    const t5Json = JSON.parse(await fs.readFile(path.join(dir('sd3'), 'tokenizer_3/tokenizer.json'), 'utf8')) as { model: { type: string; vocab: [string, number][] } };
    assert.equal(t5Json.model.type, 'Unigram');
    const pieceId = (piece: string) => t5Json.model.vocab.findIndex(([p]) => p === piece);
    assert.deepEqual(t5.tokenIds('a  red circle '), [pieceId('\u2581a'), pieceId('\u2581red'), pieceId('\u2581circle')]);
    assert.deepEqual(t5.tokenIds('Zq'), [pieceId('\u2581'), pieceId('Z'), pieceId('q')]);
    assert.equal((await sd3('text_encoder_3/config.json')).vocab_size, t5Json.model.vocab.length);
    assert.equal((await flux('tokenizer_2/tokenizer_config.json')).model_max_length, 512);
    assert.equal((await flux('tokenizer_2/tokenizer_config.json', 'flux-schnell')).model_max_length, 256);
  });
});

describe('tiny SD3 / FLUX ONNX interfaces (as optimum exports them)', () => {
  test('SD3: three text encoders, the transformer, the 16-channel VAE', async () => {
    const clipOutputs = (width: number) => [
      ['text_embeds', `float32[batch_size,${width}]`],
      ['last_hidden_state', `float32[batch_size,sequence_length,${width}]`],
      ...[0, 1, 2].map((i) => [`hidden_states.${i}`, `float32[batch_size,sequence_length,${width}]`]),
    ];
    const ids = [['input_ids', 'int64[batch_size,sequence_length]']];
    for (const [component, width] of [
      ['text_encoder', 32],
      ['text_encoder_2', 48],
    ] as const) {
      const s = await session('sd3', component);
      assert.deepEqual(signature(s.inputMetadata), ids);
      assert.deepEqual(signature(s.outputMetadata), clipOutputs(width));
    }
    const t5 = await session('sd3', 'text_encoder_3');
    assert.deepEqual(signature(t5.inputMetadata), ids);
    assert.deepEqual(signature(t5.outputMetadata), [['last_hidden_state', 'float32[batch_size,sequence_length,96]']]);

    const transformer = await session('sd3', 'transformer');
    assert.deepEqual(signature(transformer.inputMetadata), [
      ['hidden_states', 'float32[batch_size,16,height,width]'],
      ['encoder_hidden_states', 'float32[batch_size,sequence_length,96]'],
      ['pooled_projections', 'float32[batch_size,80]'],
      ['timestep', 'float32[step]'],
    ]);
    assert.deepEqual(signature(transformer.outputMetadata), [['out_hidden_states', 'float32[batch_size,16,height,width]']]);

    const decoder = await session('sd3', 'vae_decoder');
    assert.deepEqual(signature(decoder.inputMetadata), [['latent_sample', 'float32[batch,16,latent_height,latent_width]']]);
    assert.deepEqual(signature(decoder.outputMetadata), [['sample', 'float32[batch,3,height,width]']]);
    const encoder = await session('sd3', 'vae_encoder');
    assert.deepEqual(signature(encoder.outputMetadata), [['latent_parameters', 'float32[batch,32,latent_height,latent_width]']]);
  });

  test('FLUX: CLIP (pooler_output) and T5, the packed-latent transformer with ids (no batch axis) and, for dev, guidance', async () => {
    const clip = await session('flux-dev', 'text_encoder');
    assert.deepEqual(signature(clip.inputMetadata), [['input_ids', 'int64[batch_size,sequence_length]']]);
    assert.deepEqual(signature(clip.outputMetadata), [
      ['last_hidden_state', 'float32[batch_size,sequence_length,32]'],
      ['pooler_output', 'float32[batch_size,32]'],
    ]);
    assert.deepEqual(signature((await session('flux-dev', 'text_encoder_2')).outputMetadata), [['last_hidden_state', 'float32[batch_size,sequence_length,96]']]);

    const common = [
      ['hidden_states', 'float32[batch_size,packed_height_width,64]'],
      ['encoder_hidden_states', 'float32[batch_size,sequence_length,96]'],
      ['pooled_projections', 'float32[batch_size,32]'],
      ['timestep', 'float32[step]'],
      ['img_ids', 'int64[packed_height_width,3]'],
      ['txt_ids', 'int64[sequence_length,3]'],
    ];
    const dev = await session('flux-dev', 'transformer');
    assert.deepEqual(signature(dev.inputMetadata), [...common, ['guidance', 'float32[batch_size]']]);
    assert.deepEqual(signature(dev.outputMetadata), [['out_hidden_states', 'float32[batch_size,packed_height_width,64]']]);
    assert.deepEqual(signature((await session('flux-schnell', 'transformer')).inputMetadata), common);
  });
});

describe('tiny SD3 / FLUX networks', () => {
  test('text encoders: prompts of 77 (CLIP) and 256 (T5) tokens, every layer for SD3, finite', async () => {
    const prompt = (length: number) => int64(Array.from({ length: 2 * length }, (_, i) => (i * 37) % 500), [2, length]);
    const clip = await (await session('sd3', 'text_encoder_2')).run({ input_ids: prompt(77) });
    assert.deepEqual(clip.text_embeds!.dims, [2, 48]);
    assert.deepEqual(clip['hidden_states.1']!.dims, [2, 77, 48]);
    const t5 = await session('sd3', 'text_encoder_3');
    const encoded = (await t5.run({ input_ids: prompt(256) })).last_hidden_state!;
    assert.deepEqual(encoded.dims, [2, 256, 96]);
    assert.ok(allFinite(encoded.data as Float32Array));
    // Positions count: the same tokens in another order encode differently.
    const forward = (await t5.run({ input_ids: int64([5, 6, 7], [1, 3]) })).last_hidden_state!.data as Float32Array;
    const backward = (await t5.run({ input_ids: int64([7, 6, 5], [1, 3]) })).last_hidden_state!.data as Float32Array;
    assert.ok(maxAbsDifference(forward.subarray(0, 96), backward.subarray(192, 288)) > 1e-3);
  });

  test('SD3 transformer: 64x64 and 64x96 pictures, batch 2; the velocity depends on every input; deterministic; fast', async () => {
    const s = await session('sd3', 'transformer');
    const inputs = (height: number, width: number, change: Partial<Record<string, number>> = {}) => ({
      hidden_states: float(values(2 * 16 * height * width, 1 + (change.hidden_states ?? 0)), [2, 16, height, width]),
      encoder_hidden_states: float(values(2 * 333 * 96, 2 + (change.encoder_hidden_states ?? 0)), [2, 333, 96]), // 77 CLIP + 256 T5 tokens
      pooled_projections: float(values(2 * 80, 3 + (change.pooled_projections ?? 0)), [2, 80]),
      timestep: float(Float32Array.from([900 + (change.timestep ?? 0), 900 + (change.timestep ?? 0)]), [2]),
    });
    const run = async (feeds: Record<string, ort.Tensor>) => (await s.run(feeds)).out_hidden_states!;
    for (const [height, width] of [
      [8, 8],
      [8, 12],
    ] as const) {
      const out = await run(inputs(height, width));
      assert.deepEqual(out.dims, [2, 16, height, width]);
      assert.ok(allFinite(out.data as Float32Array));
    }
    const base = (await run(inputs(8, 12))).data as Float32Array;
    assert.deepEqual((await run(inputs(8, 12))).data, base, 'the same inputs give the same output');
    for (const input of ['hidden_states', 'encoder_hidden_states', 'pooled_projections', 'timestep']) {
      const changed = (await run(inputs(8, 12, { [input]: 10 }))).data as Float32Array;
      assert.ok(maxAbsDifference(base, changed) > 1e-3, `the output should depend on ${input}`);
    }
    const started = performance.now();
    for (let step = 0; step < 10; step++) await run(inputs(8, 8, { timestep: -step * 80 }));
    const perStep = (performance.now() - started) / 10;
    assert.ok(perStep < 250, `a 64x64 step (batch 2) took ${perStep.toFixed(0)} ms`);
  });

  test('FLUX transformer: packed 64x64 and 64x96 latents; the velocity depends on every input, guidance included; fast', async () => {
    const s = await session('flux-dev', 'transformer');
    const inputs = (height: number, width: number, change: Partial<Record<string, number>> = {}) => {
      const tokens = (height / 2) * (width / 2);
      const text = 512;
      const ids = imageIds(height, width);
      return {
        hidden_states: float(values(2 * tokens * 64, 1 + (change.hidden_states ?? 0)), [2, tokens, 64]),
        encoder_hidden_states: float(values(2 * text * 96, 2 + (change.encoder_hidden_states ?? 0)), [2, text, 96]),
        pooled_projections: float(values(2 * 32, 3 + (change.pooled_projections ?? 0)), [2, 32]),
        timestep: float(Float32Array.from([0.9, 0.9].map((t) => t - (change.timestep ?? 0))), [2]),
        img_ids: change.img_ids ? int64([...(ids.data as BigInt64Array)].map((v, i) => Number(v) + (i % 3 === 0 ? 1 : 0)), ids.dims as number[]) : ids,
        txt_ids: int64(Array<number>(text * 3).fill(change.txt_ids ?? 0), [text, 3]),
        guidance: float(Float32Array.from([3.5, 3.5].map((g) => g + (change.guidance ?? 0))), [2]),
      };
    };
    const run = async (feeds: Record<string, ort.Tensor>) => (await s.run(feeds)).out_hidden_states!;
    for (const [height, width] of [
      [8, 8],
      [8, 12],
    ] as const) {
      const out = await run(inputs(height, width));
      assert.deepEqual(out.dims, [2, (height / 2) * (width / 2), 64]);
      assert.ok(allFinite(out.data as Float32Array));
    }
    const base = (await run(inputs(8, 12))).data as Float32Array;
    assert.deepEqual((await run(inputs(8, 12))).data, base, 'the same inputs give the same output');
    for (const input of ['hidden_states', 'encoder_hidden_states', 'pooled_projections', 'timestep', 'img_ids', 'txt_ids', 'guidance']) {
      const changed = (await run(inputs(8, 12, { [input]: input === 'timestep' ? 0.3 : 1 }))).data as Float32Array;
      assert.ok(maxAbsDifference(base, changed) > 1e-3, `the output should depend on ${input}`);
    }
    const schnell = await session('flux-schnell', 'transformer');
    const { guidance: _unused, ...withoutGuidance } = inputs(8, 8);
    assert.ok(allFinite((await schnell.run(withoutGuidance)).out_hidden_states!.data as Float32Array));

    const started = performance.now();
    for (let step = 0; step < 10; step++) await run(inputs(8, 8, { timestep: step * 0.08 }));
    const perStep = (performance.now() - started) / 10;
    assert.ok(perStep < 250, `a 64x64 step (batch 2) took ${perStep.toFixed(0)} ms`);
  });

  test('the velocity walks a flow-matching Euler sampler to finite latents that the VAE decodes into [-1, 1]', async () => {
    const s = await session('sd3', 'transformer');
    let latents = values(16 * 8 * 8, 11);
    const context = float(values(333 * 96, 12), [1, 333, 96]);
    const pooled = float(values(80, 13), [1, 80]);
    const sigmas = [1, 0.75, 0.5, 0.25, 0];
    for (let i = 0; i + 1 < sigmas.length; i++) {
      const out = await s.run({ hidden_states: float(latents, [1, 16, 8, 8]), encoder_hidden_states: context, pooled_projections: pooled, timestep: float(Float32Array.from([sigmas[i]! * 1000]), [1]) });
      const velocity = out.out_hidden_states!.data as Float32Array;
      latents = latents.map((x, j) => x + (sigmas[i + 1]! - sigmas[i]!) * velocity[j]!);
    }
    assert.ok(allFinite(latents));
    const decoded = await (await session('sd3', 'vae_decoder')).run({ latent_sample: float(latents.map((z) => z / 1.5305 + 0.0609), [1, 16, 8, 8]) });
    assert.deepEqual(decoded.sample!.dims, [1, 3, 64, 64]);
    assert.ok((decoded.sample!.data as Float32Array).every((v) => v >= -1 && v <= 1));
    const encoded = await (await session('sd3', 'vae_encoder')).run({ sample: decoded.sample! });
    assert.deepEqual(encoded.latent_parameters!.dims, [1, 32, 8, 8]);
  });
});

describe('SD3 / FLUX family detection', () => {
  test('each tiny model is read as its family, with the defaults of its model card', async () => {
    const read = async (name: string) => readModelFolder(dir(name));
    const sd3 = await read('sd3');
    assert.deepEqual(
      [sd3.traits.family, sd3.traits.distillation, sd3.traits.embeddedGuidance, sd3.traits.defaults],
      ['sd3', 'none', false, { sampler: 'euler', steps: 28, guidanceScale: 7 }],
    );
    assert.deepEqual([sd3.denoiser, sd3.pipelineClass, sd3.vaeScalingFactor, sd3.vaeShiftFactor, sd3.latentChannels], ['transformer', 'StableDiffusion3Pipeline', 1.5305, 0.0609, 16]);
    assert.deepEqual([sd3.defaultSize, sd3.latentMultiple, sd3.paths.unet], [64, 2, path.join(dir('sd3'), 'transformer/model.onnx')]);
    assert.deepEqual(sd3.paths.textEncoders.map((e) => path.basename(e.tokenizer)), ['tokenizer', 'tokenizer_2', 'tokenizer_3']);

    const noT5 = await read('sd3-no-t5');
    assert.deepEqual([noT5.traits.family, noT5.paths.textEncoders.length], ['sd3', 2]);

    const dev = await read('flux-dev');
    assert.deepEqual(
      [dev.traits.family, dev.traits.distillation, dev.traits.embeddedGuidance, dev.traits.defaults],
      ['flux', 'none', true, { sampler: 'euler', steps: 28, guidanceScale: 3.5 }],
    );
    assert.deepEqual([dev.vaeScalingFactor, dev.vaeShiftFactor, dev.defaultSize], [0.3611, 0.1159, 64]);
    const schnell = await read('flux-schnell');
    assert.deepEqual(
      [schnell.traits.family, schnell.traits.distillation, schnell.traits.embeddedGuidance, schnell.traits.defaults],
      ['flux', 'turbo', false, { sampler: 'euler', steps: 4, guidanceScale: 0 }],
    );
  });

  test("published models' configs are read as their families", () => {
    const evidence = (name: string, parts: Partial<FamilyEvidence>): FamilyEvidence => ({ name, index: {}, scheduler: {}, unet: {}, hasSecondTextEncoder: true, ...parts });
    const sd3Transformer = { _class_name: 'SD3Transformer2DModel', in_channels: 16, joint_attention_dim: 4096, pooled_projection_dim: 2048 };
    // stable-diffusion-3-medium-diffusers: CFG 7 (its card, diffusers' default).
    const medium = detectTraits(evidence('stable-diffusion-3-medium', { index: { _class_name: 'StableDiffusion3Pipeline' }, transformer: sd3Transformer, hasThirdTextEncoder: true }));
    assert.deepEqual([medium.family, medium.defaults], ['sd3', { sampler: 'euler', steps: 28, guidanceScale: 7 }]);
    // SD3.5's transformer normalises q and k.
    const large = detectTraits(evidence('stable-diffusion-3.5-large', { index: { _class_name: 'StableDiffusion3Pipeline' }, transformer: { ...sd3Transformer, qk_norm: 'rms_norm' } }));
    assert.deepEqual([large.family, large.defaults.guidanceScale], ['sd3', 4.5]);
    const turbo = detectTraits(evidence('stable-diffusion-3.5-large-turbo', { index: { _class_name: 'StableDiffusion3Pipeline' }, transformer: { ...sd3Transformer, qk_norm: 'rms_norm' } }));
    assert.deepEqual([turbo.distillation, turbo.defaults], ['turbo', { sampler: 'euler', steps: 4, guidanceScale: 0 }]);
    // FLUX.1 dev and schnell: the same files but for guidance_embeds; not SDXL although both have text_encoder_2.
    const fluxTransformer = { _class_name: 'FluxTransformer2DModel', in_channels: 64, joint_attention_dim: 4096, pooled_projection_dim: 768 };
    const dev = detectTraits(evidence('FLUX.1-dev', { index: { _class_name: 'FluxPipeline' }, transformer: { ...fluxTransformer, guidance_embeds: true } }));
    assert.deepEqual([dev.family, dev.distillation, dev.embeddedGuidance, dev.zeroEmptyNegative], ['flux', 'none', true, false]);
    const schnell = detectTraits(evidence('FLUX.1-schnell', { index: { _class_name: 'FluxPipeline' }, transformer: { ...fluxTransformer, guidance_embeds: false } }));
    assert.deepEqual([schnell.family, schnell.distillation, schnell.defaults.steps], ['flux', 'turbo', 4]);
    // Only the pipeline class to go by: the name tells schnell.
    assert.equal(detectTraits(evidence('flux1-schnell-onnx', { index: { _class_name: 'FluxPipeline' } })).distillation, 'turbo');
  });

  test('the scan lists them as usable models, and the pipeline loads each', async () => {
    const { models, unusable } = await scanModelFolders(root);
    assert.deepEqual(unusable, []);
    assert.deepEqual(
      models.map((m) => [m.name, m.traits.family, m.denoiser, m.latentChannels]),
      Object.keys(VARIANTS)
        .sort()
        .map((name) => [name, name.startsWith('flux') ? 'flux' : 'sd3', 'transformer', 16]),
    );
    const pipeline = await StableDiffusionPipeline.load(dir('flux-dev'), { device: 'cpu', cpuThreads: 1 });
    try {
      const { images } = await pipeline.txt2img({ prompt: 'a red fox', sampler: 'euler', steps: 2, guidanceScale: 3.5, width: 64, height: 64, seeds: [1n] });
      assert.deepEqual([images[0]!.width, images[0]!.height], [64, 64]);
    } finally {
      await pipeline.release();
    }
  });

  test('folders that are almost right are reported with what is wrong', async () => {
    const broken = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-flow-broken-'));
    try {
      const copy = async (from: string, name: string, change: (folder: string) => Promise<void>) => {
        await fs.cp(dir(from), path.join(broken, name), { recursive: true });
        await change(path.join(broken, name));
      };
      await copy('sd3', 'sd3-no-vae', (f) => fs.rm(path.join(f, 'vae_decoder'), { recursive: true }));
      await copy('flux-dev', 'flux-no-t5', (f) => fs.rm(path.join(f, 'text_encoder_2'), { recursive: true }));
      await copy('flux-dev', 'flux-no-clip', (f) => fs.rm(path.join(f, 'text_encoder'), { recursive: true }));
      await copy('sd3', 'sd3-no-bigg', (f) => fs.rm(path.join(f, 'text_encoder_2'), { recursive: true }));
      await copy('sd3', 'sd3-no-tokenizer-3', (f) => fs.rm(path.join(f, 'tokenizer_3'), { recursive: true }));
      await copy('sd3', 'sd3-half-copied', (f) => fs.rm(path.join(f, 'transformer/model.onnx')));
      await copy('flux-dev', 'flux-sd-vae', async (f) => {
        const file = path.join(f, 'vae_decoder/config.json');
        await fs.writeFile(file, JSON.stringify({ ...(await readJson(file)), latent_channels: 4 }));
      });
      await copy('sd3', 'pixart', async (f) => {
        await fs.writeFile(path.join(f, 'model_index.json'), JSON.stringify({ _class_name: 'PixArtSigmaPipeline' }));
        await fs.writeFile(path.join(f, 'transformer/config.json'), JSON.stringify({ _class_name: 'PixArtTransformer2DModel' }));
        await fs.rm(path.join(f, 'text_encoder_3'), { recursive: true });
      });
      const { models, unusable } = await scanModelFolders(broken);
      assert.deepEqual(models, []);
      assert.deepEqual(Object.fromEntries(unusable.map((u) => [u.name, u.problem])), {
        'flux-no-clip': 'FLUX needs text_encoder/model.onnx (CLIP-L, its pooled projection), which is missing',
        'flux-no-t5': 'FLUX needs text_encoder_2/model.onnx (T5, its text tokens), which is missing',
        'flux-sd-vae': 'vae_decoder/config.json has 4 latent channels, but the FLUX transformer takes 16',
        pixart: "transformer/ holds PixArtTransformer2DModel, which is neither SD3's nor FLUX's transformer",
        'sd3-half-copied': 'transformer/model.onnx is missing',
        'sd3-no-bigg': 'SD3 needs text_encoder_2/model.onnx (CLIP-bigG, the other half), which is missing',
        'sd3-no-tokenizer-3': 'tokenizer_3/ has no tokenizer.json, vocab.json or spiece.model (needed by text_encoder_3/)',
        'sd3-no-vae': 'vae_decoder/model.onnx is missing',
      });
    } finally {
      await fs.rm(broken, { recursive: true, force: true });
    }
  });
});
