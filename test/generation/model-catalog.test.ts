/** The model catalogue keeps its scan and rescans only when the models folder changed. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { folderFingerprint, ModelCatalog } from '../../src/generation/model-catalog.js';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-catalog-'));
after(() => fs.rm(root, { recursive: true, force: true }));

/** The files a scan reads to accept a folder as a model; the ONNX files only need to exist. */
async function writeModel(dir: string, sampleSize = 64): Promise<void> {
  const files: Record<string, string> = {
    'model_index.json': JSON.stringify({ _class_name: 'StableDiffusionPipeline' }),
    'scheduler/scheduler_config.json': JSON.stringify({ _class_name: 'EulerDiscreteScheduler' }),
    'unet/config.json': JSON.stringify({ sample_size: sampleSize }),
    'unet/model.onnx': '',
    'vae_decoder/model.onnx': '',
    'text_encoder/model.onnx': '',
    'tokenizer/vocab.json': '{}',
  };
  for (const [file, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), text);
  }
}

const names = async (catalog: ModelCatalog) => (await catalog.list()).map((m) => m.name);

test('the same scan is served while nothing changes', async () => {
  const dir = path.join(root, 'same');
  await writeModel(path.join(dir, 'a'));
  const catalog = new ModelCatalog(dir, 'a');
  const first = await catalog.scan();
  assert.equal(await catalog.scan(), first);
  assert.deepEqual(await names(catalog), ['a']);
  assert.equal((await catalog.find('a'))?.defaultSize, 512);
  assert.equal(await catalog.find('b'), undefined);
});

test('a model copied in appears, a removed one goes, a half-copied one is unusable until complete', async () => {
  const dir = path.join(root, 'changes');
  await writeModel(path.join(dir, 'a'));
  const catalog = new ModelCatalog(dir, 'a');
  assert.deepEqual(await names(catalog), ['a']);
  await writeModel(path.join(dir, 'b'));
  assert.deepEqual(await names(catalog), ['a', 'b']);
  await fs.rm(path.join(dir, 'a'), { recursive: true });
  assert.deepEqual(await names(catalog), ['b']);
  await fs.rm(path.join(dir, 'b', 'unet', 'model.onnx'));
  assert.deepEqual((await catalog.scan()).unusable, [{ name: 'b', problem: 'unet/model.onnx is missing' }]);
  await fs.writeFile(path.join(dir, 'b', 'unet', 'model.onnx'), '');
  assert.deepEqual(await names(catalog), ['b']);
});

test('a config rewritten in place is read again', async () => {
  const dir = path.join(root, 'rewrite');
  await writeModel(path.join(dir, 'a'));
  const catalog = new ModelCatalog(dir, 'a');
  assert.equal((await catalog.find('a'))?.defaultSize, 512);
  const config = path.join(dir, 'a', 'unet', 'config.json');
  await fs.writeFile(config, JSON.stringify({ sample_size: 128 }));
  // Same size and possibly the same millisecond: move the time on so the check cannot miss it.
  const later = new Date(Date.now() + 5_000);
  await fs.utimes(config, later, later);
  assert.equal((await catalog.find('a'))?.defaultSize, 1024);
});

test('a missing models folder is an empty catalogue, and one created later is seen', async () => {
  const dir = path.join(root, 'later');
  const catalog = new ModelCatalog(dir, 'a');
  assert.deepEqual(await catalog.scan(), { models: [], unusable: [] });
  await writeModel(path.join(dir, 'a'));
  assert.deepEqual(await names(catalog), ['a']);
});

test('the fingerprint changes with the entries and files, not when nothing happened', async () => {
  const dir = path.join(root, 'print');
  await writeModel(path.join(dir, 'a'));
  const before = await folderFingerprint(dir);
  assert.equal(await folderFingerprint(dir), before);
  await fs.writeFile(path.join(dir, 'a', 'text_encoder', 'model.onnx_data'), 'x');
  assert.notEqual(await folderFingerprint(dir), before);
});
