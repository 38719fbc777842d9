import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { samplerLabels } from '../../src/generation/samplers.js';
import { FileImageStore, FileImporter, LibraryImporter, openDatabase, SamplerNames, type Database, type ImportReport } from '../../src/library/index.js';
import { pngWithText } from '../support/png-text.js';
import { tempDataDir } from '../support/test-server.js';

/**
 * Each metadata format on real PNG files written here (sharp + a text-chunk encoder of the test's own), imported
 * from a folder into a real embedded database, then checked in the rows and files a user would see.
 */
let db: Database;
let dataDir: string;
let importer: FileImporter;

before(async () => {
  dataDir = await tempDataDir();
  db = await openDatabase({ dataDir: ':memory:' });
  importer = new FileImporter(new LibraryImporter(db.prisma, new FileImageStore(dataDir)), new SamplerNames(samplerLabels()));
});
after(async () => {
  await db.close();
});

async function importFiles(files: Record<string, Buffer>): Promise<ImportReport> {
  const folder = await fs.mkdtemp(path.join(dataDir, 'in-'));
  for (const [name, bytes] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(folder, name)), { recursive: true });
    await fs.writeFile(path.join(folder, name), bytes);
  }
  return importer.importPath(folder);
}

/** The generation stored for a picture, found by the picture's SHA-256, with its prompt and image. */
async function storedFor(png: Buffer) {
  const sha256 = createHash('sha256').update(png).digest('hex');
  const image = await db.prisma.image.findFirstOrThrow({ where: { sha256 }, include: { generation: { include: { prompt: true } } } });
  return { image, generation: image.generation, prompt: image.generation.prompt };
}

test('AUTOMATIC1111: multi-line prompt and negative prompt, quoted values with commas, Karras schedule, a 64-bit seed', async () => {
  const text = [
    'a lighthouse on a cliff, <lora:detail:0.6>',
    'dramatic sky, (masterpiece:1.2) <lora:style>',
    'Negative prompt: blurry, lowres',
    'watermark',
    'Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 18446744073709551615, Size: 512x768, ' +
      'Model hash: abc123, Lora hashes: "detail: 1a2b, style: 3c4d", Model: dreamshaper_8, Version: v1.9.4',
  ].join('\n');
  const png = await pngWithText([{ keyword: 'parameters', text }]);
  // An unknown sampler is kept under its own name; the file is in a subfolder (the walk is recursive).
  const other = await pngWithText([{ keyword: 'parameters', text: 'a red fox\nSteps: 20, Sampler: DPM++ 3M SDE, CFG scale: 7, Seed: 5, Size: 512x512' }], '#aa0000');
  const report = await importFiles({ 'a1111.png': png, 'nested/deeper/fox.png': other });
  assert.deepEqual(report.skipped, []);
  assert.deepEqual(report.imported.map((i) => i.item).sort(), ['a1111.png', path.join('nested', 'deeper', 'fox.png')]);

  const { image, generation, prompt } = await storedFor(png);
  // The LoRA tags leave the prompt, as generate takes them out, and are kept with their weights and the file hashes.
  assert.equal(prompt.text, 'a lighthouse on a cliff,\ndramatic sky, (masterpiece:1.2)');
  assert.deepEqual(generation.loras, [
    { name: 'detail', weight: 0.6, hash: '1a2b' },
    { name: 'style', weight: 1, hash: '3c4d' },
  ]);
  assert.equal(prompt.useCount, 1);
  assert.equal(generation.negativePrompt, 'blurry, lowres\nwatermark');
  assert.equal(generation.status, 'COMPLETED');
  assert.equal(generation.sampler, 'dpmpp_2m_karras');
  assert.equal(generation.steps, 28);
  assert.equal(generation.guidanceScale, 6.5);
  assert.equal(generation.seed.toFixed(), '18446744073709551615');
  assert.deepEqual([generation.width, generation.height, generation.model], [512, 768, 'dreamshaper_8']);
  // The picture is stored unchanged (its own metadata included), with a thumbnail.
  assert.deepEqual(await fs.readFile(path.join(dataDir, image.path)), png);
  assert.ok(image.thumbnailPath && (await fs.stat(path.join(dataDir, image.thumbnailPath))).size > 0);
  assert.deepEqual([image.width, image.height], [16, 16]);

  assert.equal((await storedFor(other)).generation.sampler, 'DPM++ 3M SDE');
});

test('ComfyUI: the KSampler graph is followed to its texts, latent size and checkpoint (through a LoRA loader)', async () => {
  const graph = {
    '3': {
      class_type: 'KSampler',
      inputs: { seed: 156680208700286, steps: 25, cfg: 8, sampler_name: 'dpmpp_2m', scheduler: 'karras', denoise: 1, model: ['10', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] },
    },
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 832, height: 1216, batch_size: 1 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a castle in the clouds, "golden hour"', clip: ['10', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'text, watermark', clip: ['10', 1] } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
    '10': { class_type: 'LoraLoader', inputs: { lora_name: 'x.safetensors', strength_model: 0.75, strength_clip: 1, model: ['11', 0], clip: ['11', 1] } },
    '11': { class_type: 'LoraLoaderModelOnly', inputs: { lora_name: 'styles\\ink.safetensors', strength_model: 1.2, model: ['4', 0] } },
  };
  const advanced = {
    '1': { class_type: 'KSamplerAdvanced', inputs: { noise_seed: 7, steps: 30, cfg: 4.5, sampler_name: 'dpmpp_3m_sde', scheduler: 'exponential', positive: ['2', 0], negative: ['3', 0], latent_image: ['4', 0], model: ['5', 0] } },
    '2': { class_type: 'CLIPTextEncode', inputs: { text: ['6', 0] } },
    '3': { class_type: 'CLIPTextEncode', inputs: { text: '' } },
    '4': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
    '5': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'models/v1-5-pruned-emaonly.ckpt' } },
    '6': { class_type: 'PrimitiveString', inputs: { value: 'an owl at night' } },
  };
  const png = await pngWithText([
    { keyword: 'prompt', text: JSON.stringify(graph) },
    { keyword: 'workflow', text: JSON.stringify({ nodes: [], links: [] }) },
  ]);
  // Compressed iTXt: the reader handles every kind of text chunk.
  const png2 = await pngWithText([{ keyword: 'prompt', text: JSON.stringify(advanced), kind: 'iTXt-compressed' }], '#00aa00');
  const report = await importFiles({ 'ComfyUI_00001_.png': png, 'ComfyUI_00002_.png': png2 });
  assert.deepEqual(report.skipped, []);
  assert.equal(report.imported.length, 2);

  const { generation, prompt } = await storedFor(png);
  assert.equal(prompt.text, 'a castle in the clouds, "golden hour"');
  assert.equal(generation.negativePrompt, 'text, watermark');
  assert.equal(generation.seed.toFixed(), '156680208700286');
  assert.deepEqual([generation.steps, generation.guidanceScale, generation.sampler], [25, 8, 'dpmpp_2m_karras']);
  assert.deepEqual([generation.width, generation.height, generation.model], [832, 1216, 'sd_xl_base_1.0']);
  // The LoRA loaders on the model link, nearest the checkpoint first; ComfyUI records no hash.
  assert.deepEqual(generation.loras, [
    { name: 'ink', weight: 1.2, hash: '' },
    { name: 'x', weight: 0.75, hash: '' },
  ]);

  const second = await storedFor(png2);
  assert.equal(second.prompt.text, 'an owl at night');
  assert.equal(second.generation.seed.toFixed(), '7');
  assert.equal(second.generation.sampler, 'dpmpp_3m_sde exponential');
  assert.equal(second.generation.model, 'v1-5-pruned-emaonly');
  assert.deepEqual(second.generation.loras, []);
});

test('ComfyUI, SD3 and FLUX graphs: T5 / CLIP-L texts of their encoders, FLUX guidance from FluxGuidance, the UNET loader', async () => {
  const flux = {
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a red fox in fresh snow, film grain', clip: ['11', 0] } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['13', 0], vae: ['10', 0] } },
    '10': { class_type: 'VAELoader', inputs: { vae_name: 'ae.safetensors' } },
    '11': { class_type: 'DualCLIPLoader', inputs: { clip_name1: 't5xxl_fp16.safetensors', clip_name2: 'clip_l.safetensors', type: 'flux' } },
    '12': { class_type: 'UNETLoader', inputs: { unet_name: 'flux1-dev.safetensors', weight_dtype: 'default' } },
    '13': {
      class_type: 'KSampler',
      inputs: { seed: 42, steps: 28, cfg: 1, sampler_name: 'euler', scheduler: 'simple', denoise: 1, model: ['12', 0], positive: ['26', 0], negative: ['27', 0], latent_image: ['25', 0] },
    },
    '25': { class_type: 'EmptySD3LatentImage', inputs: { width: 1024, height: 768, batch_size: 1 } },
    '26': { class_type: 'FluxGuidance', inputs: { guidance: 3.5, conditioning: ['6', 0] } },
    '27': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['11', 0] } },
  };
  const sd3 = {
    '1': { class_type: 'KSampler', inputs: { seed: 9, steps: 28, cfg: 4.5, sampler_name: 'dpmpp_2m', scheduler: 'sgm_uniform', model: ['2', 0], positive: ['3', 0], negative: ['4', 0], latent_image: ['5', 0] } },
    '2': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd3.5_medium.safetensors' } },
    '3': { class_type: 'CLIPTextEncodeSD3', inputs: { clip_l: 'a lighthouse', clip_g: 'a lighthouse', t5xxl: 'a lighthouse on a cliff at dawn', empty_padding: 'none', clip: ['2', 1] } },
    '4': { class_type: 'CLIPTextEncodeSD3', inputs: { clip_l: '', clip_g: '', t5xxl: '', empty_padding: 'none', clip: ['2', 1] } },
    '5': { class_type: 'EmptySD3LatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } },
  };
  const fluxPng = await pngWithText([{ keyword: 'prompt', text: JSON.stringify(flux) }], '#aa0000');
  const sd3Png = await pngWithText([{ keyword: 'prompt', text: JSON.stringify(sd3) }], '#0000aa');
  const report = await importFiles({ 'flux.png': fluxPng, 'sd3.png': sd3Png });
  assert.deepEqual(report.skipped, []);

  const fromFlux = await storedFor(fluxPng);
  assert.equal(fromFlux.prompt.text, 'a red fox in fresh snow, film grain');
  // The model's guidance, not KSampler's cfg of 1: what Atelier's guidanceScale is on FLUX dev.
  assert.deepEqual([fromFlux.generation.steps, fromFlux.generation.guidanceScale, fromFlux.generation.sampler], [28, 3.5, 'euler']);
  assert.deepEqual([fromFlux.generation.width, fromFlux.generation.height, fromFlux.generation.model], [1024, 768, 'flux1-dev']);

  const fromSd3 = await storedFor(sd3Png);
  assert.equal(fromSd3.prompt.text, 'a lighthouse on a cliff at dawn');
  assert.equal(fromSd3.generation.negativePrompt, '');
  assert.deepEqual([fromSd3.generation.guidanceScale, fromSd3.generation.model], [4.5, 'sd3.5_medium']);
});

test('InvokeAI: invokeai_metadata (iTXt) and the 2.x sd-metadata chunk (zTXt)', async () => {
  const metadata = {
    generation_mode: 'txt2img',
    positive_prompt: 'portrait of a knight, intricate armour — ünïcode',
    negative_prompt: 'cartoon',
    width: 640,
    height: 896,
    seed: 3357202044,
    rand_device: 'cpu',
    cfg_scale: 7.5,
    steps: 40,
    scheduler: 'dpmpp_2m_k',
    model: { key: 'k', hash: 'h', name: 'juggernaut-xl', base: 'sdxl', type: 'main' },
  };
  const legacy = {
    model: 'stable diffusion',
    model_weights: 'stable-diffusion-1.5',
    app_id: 'invoke-ai/InvokeAI',
    image: { prompt: [{ prompt: 'a cozy cabin [people, blurry]', weight: 1 }], steps: 50, cfg_scale: 7.5, height: 512, width: 512, seed: 42, sampler: 'k_euler_a', type: 'txt2img' },
  };
  const png = await pngWithText([{ keyword: 'invokeai_metadata', text: JSON.stringify(metadata), kind: 'iTXt' }]);
  const png2 = await pngWithText([{ keyword: 'sd-metadata', text: JSON.stringify(legacy), kind: 'zTXt' }], '#0000aa');
  const report = await importFiles({ 'invoke.png': png, 'invoke2.png': png2 });
  assert.deepEqual(report.skipped, []);

  const { generation, prompt } = await storedFor(png);
  assert.equal(prompt.text, 'portrait of a knight, intricate armour — ünïcode');
  assert.equal(generation.negativePrompt, 'cartoon');
  assert.deepEqual([generation.seed.toFixed(), generation.steps, generation.guidanceScale, generation.sampler], ['3357202044', 40, 7.5, 'dpmpp_2m_karras']);
  assert.deepEqual([generation.width, generation.height, generation.model], [640, 896, 'juggernaut-xl']);

  const second = await storedFor(png2);
  assert.equal(second.prompt.text, 'a cozy cabin');
  assert.equal(second.generation.negativePrompt, 'people, blurry');
  assert.deepEqual([second.generation.sampler, second.generation.model, second.generation.steps], ['euler_a', 'stable-diffusion-1.5', 50]);
});

test('pictures without usable metadata, files that are not PNGs, and a second copy of a stored picture are skipped with reasons', async () => {
  const plain = await pngWithText([], '#123456');
  const prose = await pngWithText([{ keyword: 'Comment', text: 'made with love' }], '#654321');
  const known = await pngWithText([{ keyword: 'parameters', text: 'a teapot\nSteps: 10, Sampler: Euler, CFG scale: 5, Seed: 1, Size: 16x16' }], '#777777');
  const first = await importFiles({ 'teapot.png': known });
  assert.equal(first.imported.length, 1);

  const report = await importFiles({ 'plain.png': plain, 'prose.png': prose, 'broken.png': Buffer.from('not a png at all'), 'teapot.png': known, 'copy/teapot again.png': known });
  assert.equal(report.imported.length, 0);
  const reasons = Object.fromEntries(report.skipped.map((s) => [s.item, s.reason]));
  assert.deepEqual(reasons, {
    'plain.png': 'no recognised metadata',
    'prose.png': 'no recognised metadata',
    'broken.png': 'not a PNG file',
    'teapot.png': 'already in the library',
    [path.join('copy', 'teapot again.png')]: 'already in the library',
  });
  const sha256 = createHash('sha256').update(known).digest('hex');
  assert.equal(await db.prisma.image.count({ where: { sha256 } }), 1);
  assert.equal((await storedFor(known)).prompt.useCount, 1);
});
