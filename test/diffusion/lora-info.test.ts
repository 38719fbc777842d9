import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LoraFileError, readLoraFileInfo } from '../../src/diffusion/lora/lora-info.js';
import { encodeSafetensors, type TensorSpec } from '../support/safetensors-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lora-info-'));
let counter = 0;
function write(bytes: Buffer, name = `lora${++counter}.safetensors`): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}
const zeros = (shape: number[]): TensorSpec => ({ shape, values: new Array(shape.reduce((a, b) => a * b, 1)).fill(0.5) });

test('a kohya LoRA: name, size, the A1111 short hash, family and base model from ss_* metadata, tags by frequency', async () => {
  const tags = { '10_subject': { ring: 12, 'blue background': 3, outline: 7 }, '5_style': { outline: 9, ' ': 4 } };
  const bytes = encodeSafetensors(
    { 'lora_unet_down0_attn_attn1_to_q.lora_down.weight': zeros([4, 32]), 'lora_unet_down0_attn_attn1_to_q.alpha': zeros([]) },
    { ss_base_model_version: 'sd_v1', ss_sd_model_name: 'v1-5-pruned-emaonly.safetensors', ss_tag_frequency: JSON.stringify(tags) },
  );
  const file = write(bytes, 'Ring Maker.safetensors');
  const info = await readLoraFileInfo(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const expectedHash = createHash('sha256').update(bytes.subarray(8 + headerLength)).digest('hex').slice(0, 12);
  assert.equal(info.name, 'Ring Maker');
  assert.equal(info.file, file);
  assert.equal(info.sizeBytes, bytes.length);
  assert.equal(info.hash, expectedHash);
  assert.match(info.hash, /^[0-9a-f]{12}$/);
  assert.equal(info.family, 'sd1');
  assert.equal(info.baseModel, 'v1-5-pruned-emaonly.safetensors');
  assert.deepEqual(info.triggerWords, ['outline', 'ring', 'blue background']);
  assert.equal(info.preview, null);
  assert.equal(info.metadata.ss_base_model_version, 'sd_v1');
});

test('the hash covers the tensor data only: editing the metadata keeps it, editing a weight changes it', async () => {
  const tensors = { 'lora_unet_x.lora_down.weight': zeros([2, 2]) };
  const a = await readLoraFileInfo(write(encodeSafetensors(tensors, { ss_output_name: 'a' })));
  const b = await readLoraFileInfo(write(encodeSafetensors(tensors, { ss_output_name: 'a much longer name' })));
  const c = await readLoraFileInfo(write(encodeSafetensors({ 'lora_unet_x.lora_down.weight': { shape: [2, 2], values: [0.5, 0.5, 0.5, 0.25] } })));
  assert.equal(a.hash, b.hash);
  assert.notEqual(a.hash, c.hash);
});

test('SDXL is recognised by its two text encoders in kohya and diffusers keys', async () => {
  for (const key of ['lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight', 'lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight', 'text_encoder_2.text_model.encoder.layers.0.mlp.fc1.lora_A.weight']) {
    const info = await readLoraFileInfo(write(encodeSafetensors({ [key]: zeros([4, 8]) }, { ss_base_model_version: 'sd_v1' })));
    assert.equal(info.family, 'sdxl', key);
  }
});

test('without telling keys or metadata, the width of the cross-attention key projection gives the family', async () => {
  const cases: [string, number, string | null][] = [
    ['lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight', 768, 'sd1'],
    ['unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight', 1024, 'sd2'],
    ['lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_down.weight', 2048, 'sdxl'],
    ['lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_k.lora_down.weight', 768, null], // self-attention says nothing
    ['lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight', 512, null],
  ];
  for (const [key, width, family] of cases) {
    const info = await readLoraFileInfo(write(encodeSafetensors({ [key]: zeros([2, width]) })));
    assert.equal(info.family, family, `${key} [2, ${width}]`);
  }
});

test('modelspec metadata: architecture as family and base model, trigger phrase before tags, thumbnail as preview', async () => {
  const thumbnail = 'data:image/png;base64,iVBORw0KGgo=';
  const info = await readLoraFileInfo(write(encodeSafetensors({ 'lora_unet_x.lora_down.weight': zeros([1, 1]) }, {
    'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora',
    'modelspec.trigger_phrase': 'star shape, gold outline',
    'modelspec.thumbnail': thumbnail,
    ss_tag_frequency: JSON.stringify({ d: { other: 3 } }),
  })));
  assert.equal(info.family, 'sdxl');
  assert.equal(info.baseModel, 'stable-diffusion-xl-v1-base/lora');
  assert.deepEqual(info.triggerWords, ['star shape', 'gold outline']);
  assert.equal(info.preview, thumbnail);
});

test('at most 10 trigger words, and malformed tag metadata gives none instead of an error', async () => {
  const many = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`tag${i}`, i]));
  const info = await readLoraFileInfo(write(encodeSafetensors({}, { ss_tag_frequency: JSON.stringify({ d: many }) })));
  assert.deepEqual(info.triggerWords, ['tag14', 'tag13', 'tag12', 'tag11', 'tag10', 'tag9', 'tag8', 'tag7', 'tag6', 'tag5']);
  const broken = await readLoraFileInfo(write(encodeSafetensors({}, { ss_tag_frequency: '{not json' })));
  assert.deepEqual(broken.triggerWords, []);
  assert.equal(broken.family, null);
});

test('pickles are refused by name, before anything is read', async () => {
  for (const name of ['evil.ckpt', 'evil.pt', 'evil.bin']) {
    const file = write(encodeSafetensors({}), name);
    await assert.rejects(readLoraFileInfo(file), (e: unknown) => e instanceof LoraFileError && /only \.safetensors/.test(e.message));
  }
});

test('malformed files: a clear LoraFileError, and a huge claimed header is refused without reading it', async () => {
  const huge = Buffer.alloc(16);
  huge.writeBigUInt64LE(2n ** 40n);
  const pastEnd = Buffer.alloc(16);
  pastEnd.writeBigUInt64LE(1000n);
  const notJson = Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{{')]);
  const good = encodeSafetensors({ 'lora_unet_x.lora_down.weight': zeros([2, 2]) });
  const outside = Buffer.from(good.toString('latin1').replace('[0,16]', '[0,99]'), 'latin1');
  const wrongSize = Buffer.from(good.toString('latin1').replace('[0,16]', '[0,12]'), 'latin1');
  const cases: [Buffer, RegExp][] = [
    [Buffer.from('tiny'), /too short/],
    [huge, /header claims 1099511627776 bytes/],
    [pastEnd, /runs past the end/],
    [notJson, /not JSON/],
    [outside, /outside the file/],
    [wrongSize, /12 bytes for shape \[2,2\]/],
  ];
  for (const [bytes, message] of cases) {
    await assert.rejects(readLoraFileInfo(write(bytes)), (e: unknown) => e instanceof LoraFileError && message.test(e.message) && e.message.includes('safetensors'), String(message));
  }
});
