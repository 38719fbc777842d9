/**
 * LoRA key mapping: every layer of the torch-exported toy-shapes model is found under its kohya name (Gemm,
 * anonymous transposed MatMul weights, convs), a merged toy UNet equals one merged independently, a fused
 * q/k/v projection takes each delta in its own slice, and the file parser sorts keys into modules, kinds it
 * cannot merge, and noise.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../../src/diffusion/graph/onnx-graph.js';
import { parseLora, readLoraFile } from '../../src/diffusion/lora/lora-file.js';
import { mergeIntoComponent } from '../../src/diffusion/lora/lora-merge.js';
import { buildModuleIndex, modulePathOfNode } from '../../src/diffusion/lora/module-index.js';
import { EditableOnnxModel } from '../../src/diffusion/model/editable-onnx.js';
import { parseSafetensors } from '../../src/diffusion/model/safetensors.js';
import { savedSession } from '../support/saved-session.js';
import { kohyaLora, randomModule, writeMergedIndependently } from '../support/lora-files.js';
import { encodeSafetensors } from '../support/safetensors-file.js';

const TOY = fileURLToPath(new URL('../../../models/toy-shapes', import.meta.url));
let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-lora-map-'));
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('node names give module paths as torch.onnx.export writes them, nn.Sequential scopes included', () => {
  assert.equal(modulePathOfNode('/down_blocks.0/attentions.0/transformer_blocks.0/attn1/to_q/MatMul'), 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q');
  assert.equal(modulePathOfNode('/time_embedding/time_embedding.0/Gemm'), 'time_embedding.0');
  assert.equal(modulePathOfNode('/attn1/to_out.0/MatMul_1'), 'attn1.to_out.0');
  assert.equal(modulePathOfNode('MatMul_12'), undefined);
});

test('every attention, projection, feed-forward, conv and time-embedding layer of toy-shapes is found by its kohya name', async () => {
  const unet = buildModuleIndex((await EditableOnnxModel.read(path.join(TOY, 'unet/model.onnx'))).scan, { unet: true });
  const attention = ['down0_attn', 'down1_attn', 'mid_attn', 'up1_attn', 'up0_attn'].flatMap((block) => [
    ...['attn1', 'attn2'].flatMap((a) => ['to_q', 'to_k', 'to_v', 'to_out'].map((p) => `${block}_${a}_${p}`)),
    ...['proj_in', 'proj_out', 'ff_in', 'ff_out'].map((p) => `${block}_${p}`),
  ]);
  const resnets = ['down0', 'down1', 'mid1', 'mid2', 'up1', 'up0'].flatMap((block) => ['conv1', 'conv2', 'time_emb_proj'].map((p) => `${block}_${p}`));
  const others = ['conv_in', 'conv_out', 'downsample', 'upsample', 'down1_skip', 'up1_skip', 'up0_skip', 'time_embedding_0', 'time_embedding_2'];
  const missing = [...attention, ...resnets, ...others].filter((name) => !unet.resolve(name, 'underscored'));
  assert.deepEqual(missing, []);
  assert.equal(unet.resolve('down0_attn_attn1_to_q', 'underscored')!.layout, 'in-out'); // onnx::MatMul_*, [in, out]
  assert.equal(unet.resolve('down0_time_emb_proj', 'underscored')!.layout, 'out-in'); // Gemm transB=1
  assert.deepEqual(unet.resolve('conv_in', 'underscored')!.kernel, [3, 3]);
  assert.equal(unet.resolve('down0_attn.attn2.to_k', 'dotted')!.inFeatures, 128, 'cross-attention reads the text width');

  const text = buildModuleIndex((await EditableOnnxModel.read(path.join(TOY, 'text_encoder/model.onnx'))).scan);
  const textLayers = [0, 1].flatMap((i) => [...['to_q', 'to_k', 'to_v', 'to_out'].map((p) => `layers_${i}_self_attn_${p}`), `layers_${i}_fc1`, `layers_${i}_fc2`]);
  assert.deepEqual(textLayers.filter((name) => !text.resolve(name, 'underscored')), []);
  assert.ok(text.resolve('text_model_layers_0_fc1', 'underscored'), 'CLIP files name layers under text_model');
});

test('a LoRA on toy-shapes (Gemm, anonymous MatMul, conv) merges as the independent computation does', async () => {
  const unet = path.join(TOY, 'unet/model.onnx');
  const model = await EditableOnnxModel.read(unet);
  const index = buildModuleIndex(model.scan, { unet: true });
  const modules = [
    randomModule('unet', 'down0.time_emb_proj', [4, 256], [64, 4], 30, 8),
    randomModule('unet', 'down0_attn.attn2.to_k', [4, 128], [64, 4], 31),
    randomModule('unet', 'up0.conv1', [2, 192, 3, 3], [64, 2, 1, 1], 32),
  ];
  const loraFile = path.join(root, 'toy.safetensors');
  await fs.writeFile(loraFile, kohyaLora(modules));
  const [report] = await mergeIntoComponent({ component: 'unet', model, index }, [{ name: 'toy', weight: 0.6, lora: await readLoraFile(loraFile) }]);
  assert.equal(report!.merged, 3);
  const expected = path.join(root, 'toy-independent.onnx');
  await writeMergedIndependently(unet, expected, modules.map((module) => {
    const target = index.resolve(module.path, 'dotted')!;
    return { module, scale: (0.6 * (module.alpha ?? module.downShape[0]!)) / module.downShape[0]!, where: { initializer: target.initializer, transposed: target.layout === 'in-out' } };
  }));
  assert.equal(index.resolve('down0_attn.attn2.to_k', 'dotted')!.initializer.startsWith('onnx::MatMul_'), true);
  const feeds = {
    sample: new ort.Tensor('float32', Float32Array.from({ length: 4 * 16 * 16 }, (_, i) => Math.sin(i * 0.3)), [1, 4, 16, 16]),
    timestep: new ort.Tensor('float32', Float32Array.from([300]), [1]), // the toy export takes a float timestep
    encoder_hidden_states: new ort.Tensor('float32', Float32Array.from({ length: 77 * 128 }, (_, i) => Math.cos(i * 0.07)), [1, 77, 128]),
  };
  const inputs = (await ort.InferenceSession.create(unet)).inputNames;
  const feed = Object.fromEntries(inputs.map((n) => [n, feeds[n as keyof typeof feeds]]));
  const run = async (s: ort.InferenceSession) => (await s.run(feed))[s.outputNames[0]!]!.data as Float32Array;
  const merged = await run(await savedSession(model));
  const reference = await run(await ort.InferenceSession.create(expected));
  const base = await run(await ort.InferenceSession.create(unet));
  const difference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  assert.ok(difference(merged, reference) < 1e-5, `merged against independent: ${difference(merged, reference)}`);
  assert.ok(difference(base, reference) > 1e-3);
});

test('a fused q/k/v projection takes each LoRA delta in its own slice of the outputs', async () => {
  const g = new GraphBuilder('fused');
  const x = g.input('x', 'float32', [1, 5, 8]);
  const weights = Float32Array.from({ length: 8 * 24 }, (_, i) => Math.sin(i));
  const y = g.scope('blocks.0.attn1.to_qkv', () => g.op('MatMul', [x, g.initializer('weight', weights, [8, 24])]));
  g.output('y', y, 'float32', [1, 5, 24]);
  const file = path.join(root, 'fused.onnx');
  await fs.writeFile(file, g.toBytes());
  const modules = ['to_q', 'to_k', 'to_v'].map((p, i) => randomModule('unet', `blocks.0.attn1.${p}`, [2, 8], [8, 2], 40 + i, 1));
  const loraFile = path.join(root, 'fused.safetensors');
  await fs.writeFile(loraFile, kohyaLora(modules));
  const model = await EditableOnnxModel.read(file);
  const [report] = await mergeIntoComponent({ component: 'unet', model, index: buildModuleIndex(model.scan, { unet: true }) }, [{ name: 'qkv', weight: 1, lora: await readLoraFile(loraFile) }]);
  assert.equal(report!.merged, 3);
  const expected = path.join(root, 'fused-independent.onnx');
  await writeMergedIndependently(file, expected, modules.map((module, i) => ({ module, scale: 0.5, where: { initializer: 'blocks.0.attn1.to_qkv.weight', transposed: true, firstOutput: 8 * i } })));
  const input = { x: new ort.Tensor('float32', Float32Array.from({ length: 40 }, (_, i) => Math.cos(i)), [1, 5, 8]) };
  const merged = (await (await savedSession(model)).run(input)).y!.data as Float32Array;
  const reference = (await (await ort.InferenceSession.create(expected)).run(input)).y!.data as Float32Array;
  assert.ok(merged.every((v, i) => Math.abs(v - reference[i]!) < 1e-5));
  const base = (await (await ort.InferenceSession.create(file)).run(input)).y!.data as Float32Array;
  for (const slice of [0, 1, 2]) {
    const changed = merged.some((v, i) => Math.floor((i % 24) / 8) === slice && Math.abs(v - base[i]!) > 1e-3);
    assert.ok(changed, `slice ${slice} (q, k, v) got its delta`);
  }
});

test('the parser: kohya, LoCon, PEFT, old diffusers and attention-processor keys; other kinds and noise reported', () => {
  const t = (shape: number[]) => ({ shape, values: new Array(shape.reduce((a, b) => a * b, 1)).fill(0.1) });
  const bytes = encodeSafetensors({
    'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight': t([4, 8]),
    'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight': t([8, 4]),
    'lora_unet_down_blocks_0_attentions_0_proj_in.alpha': t([]),
    'lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight': t([2, 8, 3, 3]),
    'lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight': t([8, 2, 1, 1]),
    'lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight': t([2, 8]),
    'lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_up.weight': t([16, 2]),
    'unet.mid_block.attentions.0.proj_out.lora_A.weight': t([2, 8]),
    'unet.mid_block.attentions.0.proj_out.lora_B.weight': t([8, 2]),
    'text_encoder_2.text_model.encoder.layers.1.self_attn.q_proj.lora.down.weight': t([2, 8]),
    'text_encoder_2.text_model.encoder.layers.1.self_attn.q_proj.lora.up.weight': t([8, 2]),
    'up_blocks.1.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.down.weight': t([2, 8]),
    'up_blocks.1.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.up.weight': t([8, 2]),
    'base_model.model.text_model.encoder.layers.0.mlp.fc2.lora_A.weight': t([2, 8]),
    'base_model.model.text_model.encoder.layers.0.mlp.fc2.lora_B.weight': t([8, 2]),
    'lora_unet_mid_block_attentions_0_proj_in.hada_w1_a': t([8, 2]),
    'lora_unet_mid_block_attentions_0_proj_in.hada_w1_b': t([2, 8]),
    'lora_unet_mid_block_attentions_0_proj_in.alpha': t([]),
    'lora_unet_conv_in.lora_mid.weight': t([2, 2, 3, 3]),
    'lora_unet_conv_in.lora_down.weight': t([2, 4, 1, 1]),
    'lora_unet_conv_in.lora_up.weight': t([8, 2, 1, 1]),
    'lora_unet_conv_out.lora_down.weight': t([2, 8]),
    'bundle_emb.star.string_to_param.*': t([1, 8]),
  });
  const lora = parseLora(parseSafetensors(bytes, 'test.safetensors'));
  const modules = Object.fromEntries(lora.modules.map((m) => [`${m.component}:${m.name}`, m]));
  assert.deepEqual(Object.keys(modules).sort(), [
    'text_encoder:text_model.encoder.layers.0.mlp.fc2',
    'text_encoder:text_model_encoder_layers_0_mlp_fc1',
    'text_encoder_2:text_model.encoder.layers.1.self_attn.q_proj',
    'unet:down_blocks_0_attentions_0_proj_in',
    'unet:down_blocks_0_resnets_0_conv1',
    'unet:mid_block.attentions.0.proj_out',
    'unet:up_blocks.1.attentions.0.transformer_blocks.0.attn1.to_out.0',
  ]);
  assert.equal(modules['unet:down_blocks_0_attentions_0_proj_in']!.alpha, Math.fround(0.1));
  assert.equal(modules['unet:down_blocks_0_attentions_0_proj_in']!.rank, 4);
  assert.equal(modules['unet:mid_block.attentions.0.proj_out']!.alpha, undefined);
  assert.deepEqual(modules['unet:down_blocks_0_resnets_0_conv1']!.down.shape, [2, 8, 3, 3]);
  assert.deepEqual(lora.unsupported.sort(), ['lora_unet_conv_in (LoCon with Tucker decomposition (lora_mid))', 'lora_unet_mid_block_attentions_0_proj_in (LoHa)']);
  assert.deepEqual(lora.unrecognised.sort(), ['bundle_emb.star.string_to_param.*', 'lora_unet_conv_out (no up weight)']);
});

test('pickles and malformed files are refused before anything is merged', async () => {
  await assert.rejects(readLoraFile(path.join(root, 'evil.ckpt')), /only \.safetensors/);
  const broken = path.join(root, 'broken.safetensors');
  await fs.writeFile(broken, Buffer.from([255, 255, 255, 255, 255, 255, 255, 255, 0]));
  await assert.rejects(readLoraFile(broken), (e: Error) => e.name === 'LoraFileError' && /header claims/.test(e.message));
});
