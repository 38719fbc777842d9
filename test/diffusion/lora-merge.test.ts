/**
 * LoRA merged into the tiny SD1 and SDXL models and run by onnxruntime: the two file layouts agree, weight 0
 * is the base model exactly, the merge equals one computed independently (float64, on the decoded model),
 * for fp32 and fp16 weights, inline and external data.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ort from 'onnxruntime-node';
import { StableDiffusionPipeline, type Txt2ImgRequest } from '../../src/diffusion/index.js';
import { readLoraFile } from '../../src/diffusion/lora/lora-file.js';
import { mergeIntoComponent } from '../../src/diffusion/lora/lora-merge.js';
import { buildModuleIndex } from '../../src/diffusion/lora/module-index.js';
import { EditableOnnxModel } from '../../src/diffusion/model/editable-onnx.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';
import { savedSession } from '../support/saved-session.js';
import { kohyaLora, peftLora, randomModule, withFloat16Weights, writeMergedIndependently, type SyntheticModule } from '../support/lora-files.js';

const REQUEST: Txt2ImgRequest = { prompt: 'a red circle', negativePrompt: 'blue', sampler: 'euler', steps: 3, guidanceScale: 6, width: 64, height: 64, seeds: [7n] };
const CPU = { device: 'cpu' as const, cpuThreads: 1 };

/** Linear (MatMul, [in, out]), a 3x3 LoCon conv, a 1x1 conv given as a linear LoRA, and a text-encoder layer. */
const MODULES: SyntheticModule[] = [
  randomModule('unet', 'down_blocks.0.attentions.0.attn2.to_q', [4, 32], [32, 4], 1, 2),
  randomModule('unet', 'down_blocks.0.attentions.0.attn2.to_k', [4, 32], [32, 4], 2),
  randomModule('unet', 'down_blocks.0.resnets.0.conv1', [4, 32, 3, 3], [32, 4, 1, 1], 3, 1),
  randomModule('unet', 'mid_block.resnets.0.conv_shortcut', [2, 32], [64, 2], 4),
  randomModule('text_encoder', 'text_model.encoder.layers.0.self_attn.to_q', [4, 32], [32, 4], 5, 4),
];
/** Where the independent merge finds each module's weight in the tiny model (MatMul weights are [in, out]). */
const WHERE = (m: SyntheticModule) => ({ initializer: `${m.path}.weight`, transposed: !m.path.includes('conv') });
const scaleOf = (m: SyntheticModule, weight: number) => (weight * (m.alpha ?? m.downShape[0]!)) / m.downShape[0]!;

let root: string;
const file = (name: string) => path.join(root, name);

async function images(dir: string, loras: { file: string; weight: number; name: string }[] = []) {
  const pipeline = await StableDiffusionPipeline.load(dir, CPU, { loras });
  try {
    return { images: (await pipeline.txt2img(REQUEST)).images.map((i) => Buffer.from(i.data)), warnings: pipeline.loraWarnings };
  } finally {
    await pipeline.release();
  }
}

/** The UNet's output for fixed inputs, from a file or from an edited model. */
async function unetOutput(model: string | EditableOnnxModel, contextDim = 32): Promise<Float32Array> {
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await savedSession(model);
  try {
    return await runUnet(session, contextDim);
  } finally {
    await session.release();
  }
}

async function runUnet(session: ort.InferenceSession, contextDim = 32): Promise<Float32Array> {
  const feeds = {
    sample: new ort.Tensor('float32', Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 0.37)), [1, 4, 8, 8]),
    timestep: new ort.Tensor('int64', BigInt64Array.from([400n]), [1]),
    encoder_hidden_states: new ort.Tensor('float32', Float32Array.from({ length: 77 * contextDim }, (_, i) => Math.cos(i * 0.11)), [1, 77, contextDim]),
  };
  return (await session.run(feeds)).out_sample!.data as Float32Array;
}

async function mergedUnet(modelFile: string, loraFile: string, weight: number) {
  const model = await EditableOnnxModel.read(modelFile);
  const [report] = await mergeIntoComponent({ component: 'unet', model, index: buildModuleIndex(model.scan, { unet: true }) }, [{ name: 'l', weight, lora: await readLoraFile(loraFile) }]);
  return { model, report: report! };
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-lora-'));
  await writeTinyModel(file('sd1'));
  await writeTinyModel(file('sd1-external'), { externalData: 'model.onnx_data' });
  await fs.writeFile(file('kohya.safetensors'), kohyaLora(MODULES));
  await fs.writeFile(file('peft.safetensors'), peftLora(MODULES));
});
after(() => fs.rm(root, { recursive: true, force: true }));

describe('LoRA on the tiny SD1 model', () => {
  test('kohya and PEFT files of the same matrices give identical weights and pictures, and change the picture', async () => {
    const base = await images(file('sd1'));
    const kohya = await images(file('sd1'), [{ file: file('kohya.safetensors'), weight: 0.8, name: 'kohya' }]);
    const peft = await images(file('sd1'), [{ file: file('peft.safetensors'), weight: 0.8, name: 'peft' }]);
    assert.deepEqual(kohya.warnings, []);
    assert.deepEqual(peft.warnings, []);
    assert.deepEqual(kohya.images, peft.images);
    assert.notDeepEqual(kohya.images, base.images);
    const a = await mergedUnet(path.join(file('sd1'), 'unet/model.onnx'), file('kohya.safetensors'), 0.8);
    const b = await mergedUnet(path.join(file('sd1'), 'unet/model.onnx'), file('peft.safetensors'), 0.8);
    assert.equal(a.report.merged, 4);
    for (const m of MODULES.filter((m) => m.component === 'unet')) assert.deepEqual(await a.model.float32(`${m.path}.weight`), await b.model.float32(`${m.path}.weight`), m.path);
    await Promise.all([a.model.discard(), b.model.discard()]);
  });

  test('weight 0 gives the base model\'s pictures exactly, from its own files', async () => {
    const base = await images(file('sd1'));
    const zero = await images(file('sd1'), [{ file: file('kohya.safetensors'), weight: 0, name: 'zero' }]);
    assert.deepEqual(zero, base);
  });

  test('the merged UNet computes what a model written with independently merged weights computes', async () => {
    const unet = path.join(file('sd1'), 'unet/model.onnx');
    const expected = file('independent-unet.onnx');
    const weight = 0.7;
    const unetModules = MODULES.filter((m) => m.component === 'unet');
    await writeMergedIndependently(unet, expected, unetModules.map((module) => ({ module, scale: scaleOf(module, weight), where: WHERE(module) })));
    const { model } = await mergedUnet(unet, file('kohya.safetensors'), weight);
    const merged = await unetOutput(model);
    const reference = await unetOutput(expected);
    const base = await unetOutput(unet);
    assert.ok(maxDifference(merged, reference) < 1e-5, `merged against independent: ${maxDifference(merged, reference)}`);
    assert.ok(maxDifference(base, reference) > 1e-2, 'the LoRA changes the output');
  });

  test('fp16 weights: merged in float32 and stored back as float16, as the independent merge rounds them', async () => {
    const unet = file('unet-fp16.onnx');
    await withFloat16Weights(path.join(file('sd1'), 'unet/model.onnx'), unet);
    const expected = file('independent-fp16.onnx');
    const unetModules = MODULES.filter((m) => m.component === 'unet');
    await writeMergedIndependently(unet, expected, unetModules.map((module) => ({ module, scale: scaleOf(module, 1), where: { ...WHERE(module), initializer: `${module.path}.weight_fp16` } })));
    const { model, report } = await mergedUnet(unet, file('kohya.safetensors'), 1);
    assert.equal(report.merged, 4);
    assert.equal(model.initializer('down_blocks.0.resnets.0.conv1.weight_fp16')!.dataType, 10, 'still float16');
    const merged = await unetOutput(model);
    const reference = await unetOutput(expected);
    // Both round W + delta to float16; float32 against float64 sums can land on neighbouring halves.
    assert.ok(maxDifference(merged, reference) < 1e-3, `merged against independent: ${maxDifference(merged, reference)}`);
    assert.ok(maxDifference(await unetOutput(unet), reference) > 1e-2);
  });

  test('external data: the same merge as inline; the originals stay as they were and the saved files may go once the session exists', async () => {
    const inline = await mergedUnet(path.join(file('sd1'), 'unet/model.onnx'), file('kohya.safetensors'), 0.9);
    const expected = await unetOutput(inline.model);
    const originalDir = path.join(file('sd1-external'), 'unet');
    const original = await fs.readFile(path.join(originalDir, 'model.onnx_data'));
    const external = await mergedUnet(path.join(originalDir, 'model.onnx'), file('kohya.safetensors'), 0.9);
    const saved = await external.model.save();
    const folder = path.dirname(saved.path);
    assert.deepEqual((await fs.readdir(folder)).sort(), ['atelier-changed.data', 'model.onnx', 'model.onnx_data']);
    const inode = async (f: string) => (await fs.stat(f)).ino;
    assert.equal(await inode(path.join(folder, 'model.onnx_data')), await inode(path.join(originalDir, 'model.onnx_data')), 'a hard link on one filesystem, not a copy');
    const session = await ort.InferenceSession.create(saved.path);
    await saved.remove();
    await assert.rejects(fs.access(folder), 'the scratch folder is gone');
    assert.deepEqual(await runUnet(session), expected);
    await session.release();
    assert.deepEqual(await fs.readFile(path.join(originalDir, 'model.onnx_data')), original, 'nothing was written through the link');
  });

  test('keys that match nothing: one warning per LoRA with the count and examples; the rest still applies', async () => {
    const stray = [randomModule('unet', 'down_blocks.3.attentions.9.attn1.to_q', [2, 32], [32, 2], 9), randomModule('text_encoder_2', 'text_model.encoder.layers.0.mlp.fc1', [2, 32], [128, 2], 10)];
    const misfit = randomModule('unet', 'down_blocks.0.attentions.0.attn2.to_v', [2, 48], [32, 2], 11);
    const tensors = kohyaLora([MODULES[0]!, ...stray, misfit]);
    await fs.writeFile(file('stray.safetensors'), tensors);
    const result = await images(file('sd1'), [{ file: file('stray.safetensors'), weight: 1, name: 'stray' }]);
    assert.equal(result.warnings.length, 1);
    const [warning] = result.warnings;
    assert.match(warning!, /^LoRA "stray": 1 of 4 modules applied/);
    assert.match(warning!, /2 match no layer of this model \(e\.g\. lora_te2_text_model_encoder_layers_0_mlp_fc1, lora_unet_down_blocks_3_attentions_9_attn1_to_q\)/);
    assert.match(warning!, /1 do not fit the shapes of their layers \(e\.g\. lora_unet_down_blocks_0_attentions_0_attn2_to_v \(\[32, 48\] against the model's \[32, 32\]\)\)/);
    assert.notDeepEqual(result.images, (await images(file('sd1'))).images, 'the module that maps is applied');
  });
});

describe('LoRA on the tiny SDXL model', () => {
  before(() => writeTinyModel(file('sdxl'), { family: 'sdxl' }));

  test('SGM (LDM) names and diffusers names of a UNet layer denote the same weight', async () => {
    const model = await EditableOnnxModel.read(path.join(file('sdxl'), 'unet/model.onnx'));
    const index = buildModuleIndex(model.scan, { unet: true });
    const pairs: [string, string][] = [
      ['input_blocks_1_1_attn2_to_q', 'down_blocks_0_attentions_0_attn2_to_q'],
      ['input_blocks_1_0_in_layers_2', 'down_blocks_0_resnets_0_conv1'],
      ['input_blocks_2_0_op', 'down_blocks_0_downsamplers_0_conv'],
      ['middle_block_0_skip_connection', 'mid_block_resnets_0_conv_shortcut'],
      ['middle_block_1_attn2_to_out', 'mid_block_attentions_0_attn2_to_out'],
      ['output_blocks_2_0_emb_layers_1', 'up_blocks_1_resnets_0_time_emb_proj'],
      ['time_embed_0', 'time_embedding_linear_1'],
      ['label_emb_0_2', 'add_embedding_linear_2'],
      ['out_2', 'conv_out'],
    ];
    for (const [sgm, diffusers] of pairs) {
      const target = index.resolve(diffusers, 'underscored');
      assert.ok(target, diffusers);
      assert.equal(index.resolve(sgm, 'underscored')?.initializer, target.initializer, sgm);
    }
  });

  test('an SDXL kohya LoRA (SGM names, lora_te1_ and lora_te2_) merges as its diffusers-named twin', async () => {
    const modules = [
      randomModule('unet', 'down_blocks.0.attentions.0.attn2.to_k', [4, 80], [32, 4], 20, 2),
      randomModule('unet', 'add_embedding.linear_1', [3, 88], [64, 3], 21),
      randomModule('text_encoder', 'text_model.encoder.layers.0.self_attn.to_v', [2, 32], [32, 2], 22),
      randomModule('text_encoder_2', 'text_model.encoder.layers.1.mlp.fc2', [2, 192], [48, 2], 23),
    ];
    const sgm = { 'down_blocks.0.attentions.0.attn2.to_k': 'input_blocks.1.1.attn2.to_k', 'add_embedding.linear_1': 'label_emb.0.0' };
    await fs.writeFile(file('xl-sgm.safetensors'), kohyaLora(modules, { sdxl: true, names: sgm }));
    await fs.writeFile(file('xl-peft.safetensors'), peftLora(modules, { dtype: 'F16' }));
    const viaSgm = await images(file('sdxl'), [{ file: file('xl-sgm.safetensors'), weight: 1, name: 'sgm' }]);
    // The PEFT twin holds float16 copies of the matrices: close pictures, not identical ones.
    await fs.writeFile(file('xl-diffusers.safetensors'), kohyaLora(modules, { sdxl: true }));
    const viaDiffusers = await images(file('sdxl'), [{ file: file('xl-diffusers.safetensors'), weight: 1, name: 'diffusers' }]);
    const viaPeft = await images(file('sdxl'), [{ file: file('xl-peft.safetensors'), weight: 1, name: 'peft' }]);
    assert.deepEqual(viaSgm.warnings, []);
    assert.deepEqual(viaPeft.warnings, []);
    assert.deepEqual(viaSgm.images, viaDiffusers.images);
    assert.notDeepEqual(viaSgm.images, (await images(file('sdxl'))).images);
    const difference = viaSgm.images[0]!.reduce((sum, v, i) => sum + Math.abs(v - viaPeft.images[0]![i]!), 0) / viaSgm.images[0]!.length;
    assert.ok(difference < 1, `PEFT float16 twin differs by ${difference} per channel`);
  });
});
