import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { guidanceScaleEmbedding, sdxlTimeIds } from '../../src/diffusion/added-conditions.js';
import { readModelFolder, scanModelFolders, StableDiffusionPipeline, type Txt2ImgRequest } from '../../src/diffusion/index.js';
import { detectTraits, type FamilyEvidence } from '../../src/diffusion/model/family.js';
import { writeTinyModel, type TinyModelOptions } from '../../src/test-models/tiny/write-tiny-model.js';
import { scrambleOnnxWeights } from '../support/scramble-onnx.js';
import { meanAbsDifference } from '../support/pixels.js';

const REQUEST: Txt2ImgRequest = {
  prompt: 'a red circle on a blue background',
  sampler: 'euler',
  steps: 4,
  guidanceScale: 5,
  width: 64,
  height: 64,
  seeds: [3n],
};

/** Evidence shaped like the JSON files of published models (values from their model_index/scheduler/unet configs). */
function evidence(name: string, parts: Partial<FamilyEvidence>): FamilyEvidence {
  return { name, index: {}, scheduler: {}, unet: {}, hasSecondTextEncoder: false, ...parts };
}

describe('model families', () => {
  let root: string;
  const folders: Record<string, TinyModelOptions> = {
    sd1: {},
    sdxl: { family: 'sdxl' },
    lcm: { lcm: true },
    'sdxl-lcm': { family: 'sdxl', lcm: true },
    'tiny-turbo': { turbo: true },
    'sdxl-turbo-tiny': { family: 'sdxl', turbo: true },
    'sdxl-fp16': { family: 'sdxl', dtype: 'float16' },
  };
  const pipelines = new Map<string, StableDiffusionPipeline>();
  const pipeline = async (name: string, dir = path.join(root, name)) => {
    if (!pipelines.has(dir)) pipelines.set(dir, await StableDiffusionPipeline.load(dir, { device: 'cpu', cpuThreads: 1 }));
    return pipelines.get(dir)!;
  };

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-families-'));
    for (const [name, options] of Object.entries(folders)) await writeTinyModel(path.join(root, name), options);
  });
  after(async () => {
    for (const p of pipelines.values()) await p.release();
    await fs.rm(root, { recursive: true, force: true });
  });

  test('each tiny model is detected as its family, with the defaults that family wants', async () => {
    const traits = async (name: string) => (await readModelFolder(path.join(root, name))).traits;
    assert.deepEqual(
      { ...(await traits('sd1')), defaults: undefined },
      { family: 'sd1', distillation: 'none', predictionType: 'epsilon', inpainting: false, embeddedGuidance: false, zeroEmptyNegative: false, defaults: undefined },
    );
    assert.deepEqual((await traits('sd1')).defaults, { sampler: 'euler', steps: 20, guidanceScale: 7 });
    const sdxl = await traits('sdxl');
    assert.deepEqual([sdxl.family, sdxl.distillation, sdxl.zeroEmptyNegative, sdxl.defaults.guidanceScale], ['sdxl', 'none', true, 5]);
    const lcm = await traits('lcm');
    assert.deepEqual([lcm.family, lcm.distillation, lcm.embeddedGuidance, lcm.defaults], ['sd1', 'lcm', true, { sampler: 'lcm', steps: 4, guidanceScale: 8.5 }]);
    assert.deepEqual([(await traits('sdxl-lcm')).family, (await traits('sdxl-lcm')).distillation], ['sdxl', 'lcm']);
    for (const turbo of ['tiny-turbo', 'sdxl-turbo-tiny']) {
      assert.deepEqual((await traits(turbo)).defaults, { sampler: 'euler_a', steps: 1, guidanceScale: 0 }, turbo);
    }
    assert.equal((await traits('sdxl-turbo-tiny')).family, 'sdxl');
  });

  test("published models' configs are read as their families", () => {
    // SD 2.1 (768, v-prediction): OpenCLIP-H conditioning, 1024 wide.
    const sd21 = detectTraits(evidence('stable-diffusion-2-1', { unet: { cross_attention_dim: 1024 }, scheduler: { prediction_type: 'v_prediction' } }));
    assert.deepEqual([sd21.family, sd21.predictionType, sd21.distillation], ['sd2', 'v_prediction', 'none']);
    // SDXL base 1.0.
    const xl = detectTraits(
      evidence('stable-diffusion-xl-base-1.0', {
        index: { _class_name: 'StableDiffusionXLPipeline', force_zeros_for_empty_prompt: true },
        unet: { addition_embed_type: 'text_time', cross_attention_dim: 2048 },
        hasSecondTextEncoder: true,
      }),
    );
    assert.deepEqual([xl.family, xl.zeroEmptyNegative], ['sdxl', true]);
    // An SDXL refiner: only text_encoder_2, still SDXL.
    assert.equal(detectTraits(evidence('refiner', { index: { _class_name: 'StableDiffusionXLImg2ImgPipeline' }, hasSecondTextEncoder: true })).family, 'sdxl');
    // LCM Dreamshaper v7: an SD 1.5 UNet distilled with a 256-wide guidance embedding.
    const lcm = detectTraits(
      evidence('lcm-dreamshaper-v7', { index: { _class_name: 'LatentConsistencyModelPipeline' }, scheduler: { _class_name: 'LCMScheduler' }, unet: { time_cond_proj_dim: 256, cross_attention_dim: 768 } }),
    );
    assert.deepEqual([lcm.family, lcm.distillation, lcm.embeddedGuidance], ['sd1', 'lcm', true]);
    // An LCM-LoRA fused into SD 1.5: LCM sampler, no embedding, so no guidance by default.
    const lora = detectTraits(evidence('sd15-lcm-lora', { scheduler: { _class_name: 'LCMScheduler' }, unet: { cross_attention_dim: 768 } }));
    assert.deepEqual([lora.distillation, lora.embeddedGuidance, lora.defaults.guidanceScale], ['lcm', false, 1]);
    // SD-Turbo is SD 2.1's files; the name says Turbo.
    const turbo = detectTraits(evidence('sd-turbo', { unet: { cross_attention_dim: 1024 } }));
    assert.deepEqual([turbo.family, turbo.distillation], ['sd2', 'turbo']);
  });

  test('folders that are not usable models are listed with what is wrong, and usable ones are not affected', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-unusable-'));
    try {
      await writeTinyModel(path.join(dir, 'good'));
      await writeTinyModel(path.join(dir, 'no-unet'));
      await fs.rm(path.join(dir, 'no-unet', 'unet'), { recursive: true });
      await writeTinyModel(path.join(dir, 'xl-no-tokenizer-2'), { family: 'sdxl' });
      await fs.rm(path.join(dir, 'xl-no-tokenizer-2', 'tokenizer_2'), { recursive: true });
      await fs.mkdir(path.join(dir, 'checkpoint'));
      await fs.writeFile(path.join(dir, 'checkpoint', 'model.safetensors'), 'not an export');
      await writeTinyModel(path.join(dir, 'bad-json'));
      await fs.writeFile(path.join(dir, 'bad-json', 'scheduler', 'scheduler_config.json'), '{ "beta_start": ');

      const { models, unusable } = await scanModelFolders(dir);
      assert.deepEqual(models.map((m) => m.name), ['good']);
      assert.deepEqual(
        Object.fromEntries(unusable.map((u) => [u.name, u.problem])),
        {
          'bad-json': 'scheduler/scheduler_config.json is not a JSON object',
          checkpoint: 'model_index.json is missing',
          'no-unet': 'unet/model.onnx is missing',
          'xl-no-tokenizer-2': 'tokenizer_2/ has no tokenizer.json, vocab.json or spiece.model (needed by text_encoder_2/)',
        },
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('an SDXL UNet without the second text encoder is refused at load with the reason', async () => {
    const dir = path.join(root, 'xl-one-encoder');
    await writeTinyModel(dir, { family: 'sdxl' });
    await fs.rm(path.join(dir, 'text_encoder_2'), { recursive: true });
    await assert.rejects(StableDiffusionPipeline.load(dir, { device: 'cpu' }), /SDXL UNet \(text_embeds, time_ids\) but no text encoder gives the pooled projection/);
  });

  test('SDXL is conditioned on the first encoder\'s penultimate layer and the second encoder\'s pooled projection', async () => {
    const reference = (await (await pipeline('sdxl')).txt2img(REQUEST)).images[0]!.data;
    const variant = async (name: string, file: string, only: (initializer: string) => boolean) => {
      const dir = path.join(root, name);
      await fs.cp(path.join(root, 'sdxl'), dir, { recursive: true });
      await scrambleOnnxWeights(path.join(root, 'sdxl', file), path.join(dir, file), 7, only);
      return (await (await pipeline(name)).txt2img(REQUEST)).images[0]!.data;
    };
    // The first encoder's last layer feeds only last_hidden_state and pooler_output, neither of which SDXL uses.
    const lastLayer = await variant('xl-last-layer', 'text_encoder/model.onnx', (n) => n.startsWith('text_model.encoder.layers.1.'));
    assert.deepEqual(lastLayer, reference);
    const firstLayer = await variant('xl-first-layer', 'text_encoder/model.onnx', (n) => n.startsWith('text_model.encoder.layers.0.'));
    assert.ok(meanAbsDifference(firstLayer, reference) > 1, 'the penultimate layer conditions the UNet');
    const projection = await variant('xl-projection', 'text_encoder_2/model.onnx', (n) => n === 'text_projection.weight');
    assert.ok(meanAbsDifference(projection, reference) > 1, 'the pooled text_embeds condition the UNet');
  });

  test('SDXL: an empty negative prompt is zero embeddings (force_zeros_for_empty_prompt), as diffusers', async () => {
    const dir = path.join(root, 'xl-no-zeros');
    await fs.cp(path.join(root, 'sdxl'), dir, { recursive: true });
    const indexFile = path.join(dir, 'model_index.json');
    await fs.writeFile(indexFile, JSON.stringify({ ...JSON.parse(await fs.readFile(indexFile, 'utf8')), force_zeros_for_empty_prompt: false }));
    const zeros = await pipeline('sdxl');
    const encoded = await pipeline('xl-no-zeros', dir);
    const empty = { ...REQUEST, negativePrompt: '' };
    assert.ok(meanAbsDifference((await zeros.txt2img(empty)).images[0]!.data, (await encoded.txt2img(empty)).images[0]!.data) > 0.5);
    const given = { ...REQUEST, negativePrompt: 'green' };
    assert.deepEqual((await zeros.txt2img(given)).images[0]!.data, (await encoded.txt2img(given)).images[0]!.data);
  });

  test('SDXL size conditioning is height first, as diffusers: (original, crop top-left, target); a refiner takes an aesthetic score', () => {
    assert.deepEqual(sdxlTimeIds({ width: 96, height: 64 }, 6, false), [64, 96, 0, 0, 64, 96]);
    assert.deepEqual(sdxlTimeIds({ width: 96, height: 64 }, 5, false), [64, 96, 0, 0, 6]);
    assert.deepEqual(sdxlTimeIds({ width: 96, height: 64 }, 5, true), [64, 96, 0, 0, 2.5]);
  });

  test('SDXL runs with every kind of export detail: fp16 agrees with fp32, batches and long prompts work', async () => {
    const fp32 = await (await pipeline('sdxl')).txt2img(REQUEST);
    const fp16 = await (await pipeline('sdxl-fp16')).txt2img(REQUEST);
    assert.ok(meanAbsDifference(fp32.images[0]!.data, fp16.images[0]!.data) < 4);
    const long = Array.from({ length: 100 }, () => 'red').join(' ');
    const batch = await (await pipeline('sdxl')).txt2img({ ...REQUEST, prompt: long, negativePrompt: 'blue BREAK green', seeds: [3n, 4n] });
    assert.equal(batch.images.length, 2);
    assert.deepEqual(batch.warnings, []);
  });

  test('LCM: the guidance scale reaches the UNet as timestep_cond and there is no unconditional pass', async () => {
    const lcm = await pipeline('lcm');
    const base = { ...REQUEST, sampler: 'lcm', steps: 4, guidanceScale: 8.5 };
    const picture = (await lcm.txt2img(base)).images[0]!.data;
    assert.ok(meanAbsDifference(picture, (await lcm.txt2img({ ...base, guidanceScale: 2 })).images[0]!.data) > 1, 'guidance changes the picture');
    // No unconditional pass: the negative prompt is never encoded into the prediction (as diffusers' LCM pipeline).
    assert.deepEqual((await lcm.txt2img({ ...base, negativePrompt: 'a green square' })).images[0]!.data, picture);
    const xl = await pipeline('sdxl-lcm');
    assert.equal((await xl.txt2img(base)).images.length, 1);
  });

  test("LCM's guidance embedding equals diffusers' get_guidance_scale_embedding (values from PyTorch)", () => {
    // tools/torch-fixtures/guidance_embedding.py (torch 1.13, float32).
    const w75 = [
      -0.8512359, 0.9859008, -0.5560737, 0.2850955, 0.9115137, -0.8395416, 0.3390399, 0.6816387, -0.5247833, 0.1673311, 0.831133, 0.9584991,
      0.4112696, -0.5432953, -0.940772, 0.7316889,
    ];
    guidanceScaleEmbedding(7.5, 16).forEach((v, i) => assert.ok(Math.abs(v - w75[i]!) < 1e-5, `dim 16 value ${i}: ${v} vs ${w75[i]}`));
    const at = [0, 1, 2, 63, 127, 128, 129, 200, 255];
    const w05 = [-0.4677718, 0.0666987, -0.8664088, -0.8905501, 0.0499792, -0.8838493, 0.9977732, -0.9037792, 0.9987503];
    const wide = guidanceScaleEmbedding(0.5, 256);
    at.forEach((index, i) => assert.ok(Math.abs(wide[index]! - w05[i]!) < 1e-5, `dim 256 value ${index}: ${wide[index]} vs ${w05[i]}`));
  });

  test('Turbo: one Euler ancestral step from the last training timestep (trailing spacing) gives a picture', async () => {
    const turbo = await pipeline('tiny-turbo');
    const timesteps: number[] = [];
    const result = await turbo.txt2img({ ...REQUEST, sampler: 'euler_a', steps: 1, guidanceScale: 0, onStep: (p) => void timesteps.push(p.timestep) });
    assert.deepEqual(timesteps, [999]);
    assert.equal(result.images.length, 1);
    // Guidance 0 and 1 both skip the unconditional pass: the negative prompt has no effect.
    const negative = await turbo.txt2img({ ...REQUEST, sampler: 'euler_a', steps: 1, guidanceScale: 0, negativePrompt: 'green' });
    assert.deepEqual(negative.images[0]!.data, result.images[0]!.data);
  });
});
