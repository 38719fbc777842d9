import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { readModelFolder } from '../../src/diffusion/model/model-folder.js';
import { PromptTokenizer } from '../../src/diffusion/text/tokenizer.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';

/**
 * The bundled toy-shapes model as exported from PyTorch: onnxruntime-node must compute what PyTorch computed
 * (test/fixtures/toy-shapes-parity.json, written by tools/toy-model/export.py), and our tokenizer must give
 * the ids the training used.
 */
interface Parity {
  prompts: string[];
  input_ids: number[][];
  text_encoder: { last_hidden_state_first_tokens: number[]; pooler_output: number[] };
  unet: { sample: number[]; timestep: number[]; out_sample: number[] };
  vae_decoder: { sample: number[] };
  vae_encoder: { image: number[]; latent_sample: number[] };
}

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/toy-shapes-parity.json');
const parity = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Parity;
const TOLERANCE = 2e-4;

function maxDifference(actual: ArrayLike<number>, expected: readonly number[]): number {
  assert.equal(actual.length, expected.length, 'element count');
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  return max;
}

async function session(component: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path.join(TOY_MODEL_DIR, component, 'model.onnx'), { executionProviders: ['cpu'] });
}

describe('toy-shapes model: the ONNX export equals PyTorch', () => {
  test('is a diffusers ONNX folder under 25 MB, 64x64 native, with a measured VAE scaling factor', async () => {
    const model = await readModelFolder(TOY_MODEL_DIR);
    assert.equal(model.pipelineClass, 'OnnxStableDiffusionPipeline');
    assert.equal(model.defaultSize, 64);
    assert.notEqual(model.vaeScalingFactor, 0.18215, 'scaling factor computed from the latents, not SD 1.x default');
    assert.ok(model.paths.vaeEncoder);
    const bytes = (dir: string): number =>
      fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
    assert.ok(bytes(TOY_MODEL_DIR) < 25e6, `${bytes(TOY_MODEL_DIR)} bytes`);
  });

  test('our tokenizer gives the ids the model was trained on', async () => {
    const tokenizer = await PromptTokenizer.load(path.join(TOY_MODEL_DIR, 'tokenizer'));
    const { inputIds } = tokenizer.encode(parity.prompts);
    assert.deepEqual(
      parity.prompts.map((_, i) => [...inputIds.subarray(i * 77, (i + 1) * 77)]),
      parity.input_ids,
    );
  });

  test('text encoder', async () => {
    const s = await session('text_encoder');
    const rows = parity.input_ids.length;
    const out = await s.run({ input_ids: new ort.Tensor('int32', Int32Array.from(parity.input_ids.flat()), [rows, 77]) });
    const hidden = out.last_hidden_state!.data as Float32Array;
    const width = out.last_hidden_state!.dims[2]!;
    const firstTokens = Array.from({ length: rows }, (_, r) => [...hidden.subarray(r * 77 * width, (r * 77 + 8) * width)]).flat();
    assert.ok(maxDifference(firstTokens, parity.text_encoder.last_hidden_state_first_tokens) < TOLERANCE);
    assert.ok(maxDifference(out.pooler_output!.data as Float32Array, parity.text_encoder.pooler_output) < TOLERANCE);
  });

  test('UNet (fed the text encoder output computed here)', async () => {
    const text = await session('text_encoder');
    const rows = parity.input_ids.length;
    const { last_hidden_state: context } = await text.run({ input_ids: new ort.Tensor('int32', Int32Array.from(parity.input_ids.flat()), [rows, 77]) });
    const unet = await session('unet');
    const out = await unet.run({
      sample: new ort.Tensor('float32', Float32Array.from(parity.unet.sample), [rows, 4, 8, 8]),
      timestep: new ort.Tensor('float32', Float32Array.from(parity.unet.timestep), [rows]),
      encoder_hidden_states: context!,
    });
    assert.ok(maxDifference(out.out_sample!.data as Float32Array, parity.unet.out_sample) < TOLERANCE);
  });

  test('VAE decoder and encoder', async () => {
    const decoder = await session('vae_decoder');
    const latents = Float32Array.from(parity.unet.sample.slice(0, 256));
    const decoded = await decoder.run({ latent_sample: new ort.Tensor('float32', latents, [1, 4, 8, 8]) });
    assert.ok(maxDifference(decoded.sample!.data as Float32Array, parity.vae_decoder.sample) < TOLERANCE);
    const encoder = await session('vae_encoder');
    const encoded = await encoder.run({ sample: new ort.Tensor('float32', Float32Array.from(parity.vae_encoder.image), [1, 3, 64, 64]) });
    assert.ok(maxDifference(encoded.latent_sample!.data as Float32Array, parity.vae_encoder.latent_sample) < TOLERANCE);
  });
});
